"""What the FranceConnect paths refuse (contract §14)."""

from ..errors import Conflict, InvalidInput, NotFound, ProviderDown, Refusal

INVALID_STATE = Refusal(
    InvalidInput,
    "etat_invalide",
    "Ce retour de FranceConnect n'est pas valide (déjà utilisé, expiré ou d'une autre session) : "
    "merci de recommencer depuis le bouton FranceConnect.",
)
PROVIDER_DOWN = Refusal(
    ProviderDown,
    "franceconnect_indisponible",
    "FranceConnect n'a pas pu confirmer votre identité pour le moment : rien n'a été modifié. "
    "Merci de réessayer dans quelques instants.",
)
IDENTITY_MISMATCH = Refusal(Conflict, "identite_incoherente")  # its detail names what differs (pivot.py)
SUB_TAKEN = Refusal(
    Conflict,
    "identite_deja_utilisee",
    "Cette identité FranceConnect a déjà servi à vérifier un autre compte : une identité ne vérifie qu'un compte.",
)
ALREADY_VERIFIED = Refusal(
    Conflict,
    "identite_deja_verifiee",
    "Votre compte est déjà vérifié avec une autre identité FranceConnect.",
)
UNKNOWN_ACCOUNT = Refusal(
    NotFound,
    "compte_franceconnect_inconnu",
    "Aucun compte n'est encore vérifié avec cette identité FranceConnect : connectez-vous avec votre numéro "
    "de sécurité sociale et votre mot de passe, puis vérifiez votre identité depuis votre espace.",
)
