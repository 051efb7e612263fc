"""The rules every flow of a délégation shares: its refusals, its dates (Paris calendar days), its
status as of now, and how people are named."""

from datetime import UTC, date, datetime, time, timedelta

from ...clock import from_epoch, to_iso
from ...french_dates import PARIS
from .. import history, identity
from ..errors import Conflict, Expired, FieldError, Forbidden, InvalidInput, NotFound, Refusal
from ..records.accounts import Account
from ..records.delegations import Delegation, Revocation
from ..records.people import Names
from ..states import DelegationScope, DelegationStatus

MAX_OPEN = 5  # pending or active, per holder
LIST_KEPT = timedelta(days=365)  # how long "Mes délégations" keeps showing one that ended

PENDING, ACTIVE = DelegationStatus.PENDING, DelegationStatus.ACTIVE
REVOKED, EXPIRED = DelegationStatus.REVOKED, DelegationStatus.EXPIRED
OPEN = (PENDING, ACTIVE)

SCOPE_WORDS: dict[str, str] = {
    DelegationScope.CONSULTATION: "consultation",
    DelegationScope.GESTION: "consultation et préparation de dossiers de formation",
}

GRANTED = "L'invitation a bien été envoyée : la délégation sera active dès que la personne l'aura acceptée."
NOT_SENT = (
    "La délégation est enregistrée, mais le courriel d'invitation n'a pas pu être envoyé pour le moment : "
    "révoquez-la puis accordez-la de nouveau dans quelques instants."
)

TO_ONESELF = Refusal(
    InvalidInput,
    "delegation_a_soi_meme",
    "Vous ne pouvez pas vous déléguer votre propre compte.",
    (FieldError("courriel", "delegation_a_soi_meme", "Cette adresse est celle de votre propre compte."),),
)
EXISTING = Refusal(
    Conflict,
    "delegation_existante",
    "Une délégation est déjà en attente ou active pour cette adresse courriel.",
    (
        FieldError(
            "courriel", "delegation_existante", "Une délégation est déjà en attente ou active pour cette adresse."
        ),
    ),
)
TOO_MANY = Refusal(
    Conflict,
    "delegations_trop_nombreuses",
    f"Vous avez déjà {MAX_OPEN} délégations en attente ou actives : révoquez-en une avant d'en accorder une autre.",
)
BAD_END = Refusal(
    InvalidInput,
    "fin_hors_limites",
    "La date de fin doit être comprise entre demain et dans un an.",
    (FieldError("fin", "fin_hors_limites", "La date de fin doit être comprise entre demain et dans un an."),),
)
NOT_FOUND = Refusal(
    NotFound, "delegation_introuvable", "Cette délégation est introuvable, révoquée ou arrivée à son terme."
)
OTHER_RECIPIENT = Refusal(
    Forbidden,
    "delegation_autre_destinataire",
    "Cette invitation a été envoyée à une autre adresse courriel que celle de votre compte : elle ne peut être "
    "acceptée que depuis le compte de la personne invitée.",
)
CODE_UNKNOWN = Refusal(NotFound, "code_invalide", "Ce lien d'invitation n'est pas valide ou a déjà servi.")
CODE_EXPIRED = Refusal(
    Expired, "code_expire", "Cette invitation a expiré ou a été retirée par la personne qui l'avait envoyée."
)
SCOPE_TOO_NARROW = Refusal(
    Forbidden,
    "portee_insuffisante",
    "Cette délégation permet de consulter le compte, pas d'y préparer des dossiers de formation.",
)
CONFIDENTIAL_REFUSED = Refusal(
    InvalidInput,
    "confidentiel_non_autorise",
    "Seul le titulaire du compte peut créer un dossier confidentiel.",
    (FieldError("confidentiel", "confidentiel_non_autorise", "Seul le titulaire peut créer un dossier confidentiel."),),
)
BUSY = Refusal(
    Conflict,
    "demande_concurrente",
    "Une autre demande sur ce compte vient d'être traitée au même moment : merci de recommencer.",
)
ACCOUNT_NOT_FOUND = Refusal(NotFound, "compte_introuvable", "Ce compte est introuvable.")
# Contract §14: whoever typed a NIR first holds it until FranceConnect says who they are.
IDENTITY_NOT_VERIFIED = Refusal(
    Forbidden,
    "identite_non_verifiee",
    "Une délégation de gestion demande que votre identité soit vérifiée : vérifiez votre identité avec "
    "FranceConnect depuis votre espace personnel (« Vérifier mon identité »), puis accordez-la de nouveau. "
    "Une délégation de consultation ne le demande pas.",
    (
        FieldError(
            "portee",
            "identite_non_verifiee",
            "La portée « gestion » demande une identité vérifiée avec FranceConnect.",
        ),
    ),
)


# Dates --------------------------------------------------------------------------------------------------


def today(now: datetime) -> date:
    """The date in metropolitan France: a person choosing an end date means their calendar's."""
    return now.astimezone(PARIS).date()


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def ends_at(end: date) -> datetime:
    """A delegation holds until the end of its last day, Paris time."""
    return datetime.combine(end + timedelta(days=1), time(0), tzinfo=PARIS).astimezone(UTC)


def status_of(delegation: Delegation, now: datetime) -> str:
    """The status as the holder and the delegate see it: `expiree` once the invitation (while
    pending) or the end date has passed, whatever TTL has done yet."""
    stored = delegation.status
    if stored in (REVOKED, DelegationStatus.EMAIL_INVALID):
        return stored
    if now >= ends_at(date.fromisoformat(delegation.end)):
        return EXPIRED
    if stored == PENDING and now >= from_epoch(delegation.invitation_until):
        return EXPIRED
    return stored


# People ------------------------------------------------------------------------------------------------


def names_of(account: Account) -> Names:
    return account.names


def display_name(names: Names) -> str:
    """ "Jean Dupont", or "M. Dupont" / "Mme Dupont" without a first name."""
    if names.prenom:
        return f"{names.prenom} {names.nom_naissance}"
    return f"{'Mme' if names.civilite == 'MME' else 'M.'} {names.nom_naissance}"


# Revoking ----------------------------------------------------------------------------------------------


def revocation_of(delegation: Delegation, status: str, now: datetime) -> Revocation:
    """What revoking an open delegation (`status` as of now: pending or active) writes: by the holder
    from "Mes délégations", or by a password reset that ends them all."""
    if status == ACTIVE and delegation.delegate is not None:
        who = display_name(delegation.delegate)
    else:
        who = f"invitation envoyée à {identity.mask_email(delegation.email)}"
    return Revocation(
        delegation.id,
        delegation.holder_id,
        delegation.status,
        delegation.delegate_id if status == ACTIVE else None,
        delegation.invitation_digest if status == PENDING else None,
        to_iso(now),
        history.event(history.DELEGATION_REVOQUEE, now, qui=who),
        now,
    )
