"""The events of an account's history ("Consulter mon historique"), each with its French wording."""

from datetime import datetime
from typing import Any

from ..clock import to_iso
from .records.history import Event

INSCRIPTION = "inscription"
ACTIVATION = "activation"
CONNEXION = "connexion"
ECHEC_CONNEXION = "echec_connexion"
DECONNEXION = "deconnexion"
MOT_DE_PASSE_REINITIALISE = "mot_de_passe_reinitialise"
DIF = "dif"
DOSSIER_CREE = "dossier_cree"
DOSSIER_VALIDE = "dossier_valide"
DOSSIER_CLOS = "dossier_clos"
INFORMATIONS = "informations"
MOT_DE_PASSE = "mot_de_passe"
COURRIEL_DEMANDE = "courriel_demande"
COURRIEL = "courriel"
DELEGATION_ACCORDEE = "delegation_accordee"
DELEGATION_ACCEPTEE = "delegation_acceptee"
DELEGATION_REVOQUEE = "delegation_revoquee"
DOSSIER_CREE_PAR_DELEGATAIRE = "dossier_cree_par_delegataire"
DELEGATION_RECUE = "delegation_recue"  # on the delegate's side
IDENTITE_VERIFIEE = "identite_verifiee"
COMPTE_FERME = "compte_ferme"  # its NIR taken over by a verified registration (contract §14)

DETAILS = {
    INSCRIPTION: "Inscription enregistrée, en attente d'activation.",
    ACTIVATION: "Compte activé.",
    CONNEXION: "Connexion à l'espace titulaire.",
    ECHEC_CONNEXION: "Échec de connexion : mot de passe incorrect.",
    DECONNEXION: "Déconnexion.",
    MOT_DE_PASSE_REINITIALISE: "Mot de passe réinitialisé depuis le lien « Mot de passe oublié ».",
    DIF: "Solde d'heures DIF renseigné : {heures} h.",
    DOSSIER_CREE: "Dossier de formation créé : {dossier}.",
    DOSSIER_VALIDE: "Dossier de formation validé, heures réservées : {dossier}.",
    DOSSIER_CLOS: "Dossier de formation clos, heures débitées : {dossier}.",
    INFORMATIONS: "Informations personnelles modifiées : {champs}.",
    MOT_DE_PASSE: "Mot de passe modifié ; les autres sessions ont été fermées.",
    # Addresses are masked (j***@example.fr): a history is kept long and shown on every device.
    COURRIEL_DEMANDE: "Changement d'adresse courriel demandé vers {nouveau} : un lien de confirmation y a été envoyé.",
    COURRIEL: "Adresse courriel modifiée : {ancien} remplacée par {nouveau}.",
    DELEGATION_ACCORDEE: "Délégation accordée à {courriel} ({portee}) jusqu'au {fin} : invitation envoyée.",
    DELEGATION_ACCEPTEE: "Délégation acceptée par {delegataire} ({portee}) jusqu'au {fin}.",
    DELEGATION_REVOQUEE: "Délégation révoquée : {qui}.",
    DOSSIER_CREE_PAR_DELEGATAIRE: "Dossier de formation créé par votre délégataire {delegataire} : {dossier}.",
    IDENTITE_VERIFIEE: "Identité vérifiée avec FranceConnect.",
    COMPTE_FERME: "Compte fermé : le numéro de sécurité sociale a été repris par une inscription vérifiée avec "
    "FranceConnect.",
    DELEGATION_RECUE: "Délégation acceptée : {titulaire} vous confie la {portee} de son compte jusqu'au {fin}.",
}


def event(kind: str, moment: datetime, **values: Any) -> Event:
    """`values` fill the detail's blanks (hours, the dossier, the fields changed)."""
    return Event(to_iso(moment), kind, DETAILS[kind].format(**values))
