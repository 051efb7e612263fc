"""The steps and statuses the rules decide and the store's conditions check: one vocabulary for both,
so that a condition expression and the rule it enforces cannot drift apart."""

from enum import StrEnum


class DraftStep(StrEnum):
    """Where a registration draft stands ("S'inscrire", steps 2 to 4)."""

    IDENTITY = "identite"
    PASSWORD = "mot_de_passe"
    ACTIVATION = "activation"
    CANCELLED = "annulee"  # "Annuler": emptied of every personal data, gone with its hour


class AccountStatus(StrEnum):
    PENDING = "en_attente"  # registered, its activation link not used yet
    ACTIVE = "actif"
    # Its NIR taken over by a registration verified with FranceConnect (contract §14): it answers no
    # login (the credentials name the new account), holds no session, délégation nor open dossier.
    CLOSED = "clos"


class DossierStatus(StrEnum):
    """ "Mes dossiers de formation": en cours d'élaboration → validé (hours reserved) → clos (hours debited),
    or annulé (its account closed by a takeover of its NIR)."""

    DRAFT = "en_cours_elaboration"
    VALIDATED = "valide"
    CLOSED = "clos"
    # Cancelled with its account, closed by a verified registration that took its NIR over (its
    # reserved hours, if it was validated, given back to the NIR).
    CANCELLED = "annule"


class DelegationStatus(StrEnum):
    """ "Mes délégations": en attente (invitation sent) → active (accepted) → révoquée, or en attente →
    courriel invalide (the invitation bounced). `expiree` is
    never stored: it is computed from the invitation's or the delegation's end, in code, on every read."""

    PENDING = "en_attente"
    ACTIVE = "active"
    REVOKED = "revoquee"
    EXPIRED = "expiree"
    # The invitation bounced (contract §10): closed like a revoked one, its address may be invited again.
    EMAIL_INVALID = "courriel_invalide"


class DelegationScope(StrEnum):
    """What a delegate may do: read the account, or also prepare draft dossiers for the holder."""

    CONSULTATION = "consultation"
    GESTION = "gestion"
