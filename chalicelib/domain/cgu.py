"""The Conditions Générales d'Utilisation the person must accept before registering."""

TEXT = (
    "Conditions générales d'utilisation du service Mon Compte Formation. "
    "Le service permet à chaque actif d'ouvrir son compte personnel de formation, de consulter ses "
    "droits, de renseigner son solde d'heures DIF et de gérer ses dossiers de formation. "
    "L'inscription demande le numéro de sécurité sociale, l'identité et une adresse courriel ; ces "
    "données servent à la gestion du compte et ne sont conservées, pour une inscription non activée, "
    "que 15 jours. Le titulaire garde son mot de passe secret et signale toute utilisation frauduleuse "
    "au moyen du formulaire de contact. Conformément au règlement général sur la protection des "
    "données, il dispose d'un droit d'accès, de rectification et d'effacement de ses données."
)


def current(version: str) -> dict[str, str]:
    return {"version": version, "texte": TEXT}
