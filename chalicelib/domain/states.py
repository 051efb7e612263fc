"""The steps and statuses the rules decide and the store's conditions check: one vocabulary for both,
so that a condition expression and the rule it enforces cannot drift apart."""

from enum import StrEnum


class DraftStep(StrEnum):
    """Where a registration draft stands ("S'inscrire", steps 2 to 4)."""

    IDENTITY = "identite"
    PASSWORD = "mot_de_passe"
    ACTIVATION = "activation"


class AccountStatus(StrEnum):
    PENDING = "en_attente"  # registered, its activation link not used yet
    ACTIVE = "actif"


class DossierStatus(StrEnum):
    """ "Mes dossiers de formation": en cours d'élaboration → validé (hours reserved) → clos (hours debited)."""

    DRAFT = "en_cours_elaboration"
    VALIDATED = "valide"
    CLOSED = "clos"
