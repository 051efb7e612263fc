""" "Mes délégations": a holder lets another person, who has their own active account, consult their
account (`consultation`) or also prepare draft training dossiers for them (`gestion`), until an end
date or until the holder revokes it.

Authorization is re-checked on every delegate call, from the delegation record itself: it must be
active, not past its end (computed here, with the clock: TTL deletes late), and name the caller's
account as its delegate; anything else is "not found", so a delegate learns nothing about other
delegations. Confidential dossiers are never listed, counted or readable by a delegate. A dossier a
delegate creates is written on condition that the delegation is still active at that very instant.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from ..clock import from_epoch, to_epoch, to_iso
from ..french_dates import PARIS, date_in_full
from . import dossiers, history, holder, hours, identity, recovery, sessions, tokens
from .errors import Conflict, DeliveryFailed, Expired, FieldError, Forbidden, InvalidInput, NotFound, WriteConflict
from .expiry import has_expired, is_live
from .states import AccountStatus, DelegationScope, DelegationStatus

MAX_OPEN = 5  # pending or active, per holder
LIST_KEPT = timedelta(days=365)  # how long "Mes délégations" keeps showing one that ended
ATTEMPTS = 3  # a write that meets another change to the same records reads again, this many times at most

PENDING, ACTIVE = DelegationStatus.PENDING, DelegationStatus.ACTIVE
REVOKED, EXPIRED = DelegationStatus.REVOKED, DelegationStatus.EXPIRED
OPEN = (PENDING, ACTIVE)

SCOPE_WORDS = {
    DelegationScope.CONSULTATION: "consultation",
    DelegationScope.GESTION: "consultation et préparation de dossiers de formation",
}

GRANTED = "L'invitation a bien été envoyée : la délégation sera active dès que la personne l'aura acceptée."
NOT_SENT = (
    "La délégation est enregistrée, mais le courriel d'invitation n'a pas pu être envoyé pour le moment : "
    "révoquez-la puis accordez-la de nouveau dans quelques instants."
)

TO_ONESELF = InvalidInput(
    "delegation_a_soi_meme",
    "Vous ne pouvez pas vous déléguer votre propre compte.",
    [FieldError("courriel", "delegation_a_soi_meme", "Cette adresse est celle de votre propre compte.")],
)
EXISTING = Conflict(
    "delegation_existante",
    "Une délégation est déjà en attente ou active pour cette adresse courriel.",
    [
        FieldError(
            "courriel", "delegation_existante", "Une délégation est déjà en attente ou active pour cette adresse."
        )
    ],
)
TOO_MANY = Conflict(
    "delegations_trop_nombreuses",
    f"Vous avez déjà {MAX_OPEN} délégations en attente ou actives : révoquez-en une avant d'en accorder une autre.",
)
BAD_END = InvalidInput(
    "fin_hors_limites",
    "La date de fin doit être comprise entre demain et dans un an.",
    [FieldError("fin", "fin_hors_limites", "La date de fin doit être comprise entre demain et dans un an.")],
)
NOT_FOUND = NotFound("delegation_introuvable", "Cette délégation est introuvable, révoquée ou arrivée à son terme.")
OTHER_RECIPIENT = Forbidden(
    "delegation_autre_destinataire",
    "Cette invitation a été envoyée à une autre adresse courriel que celle de votre compte : elle ne peut être "
    "acceptée que depuis le compte de la personne invitée.",
)
CODE_UNKNOWN = NotFound("code_invalide", "Ce lien d'invitation n'est pas valide ou a déjà servi.")
CODE_EXPIRED = Expired("code_expire", "Cette invitation a expiré ou a été retirée par la personne qui l'avait envoyée.")
SCOPE_TOO_NARROW = Forbidden(
    "portee_insuffisante",
    "Cette délégation permet de consulter le compte, pas d'y préparer des dossiers de formation.",
)
CONFIDENTIAL_REFUSED = InvalidInput(
    "confidentiel_non_autorise",
    "Seul le titulaire du compte peut créer un dossier confidentiel.",
    [FieldError("confidentiel", "confidentiel_non_autorise", "Seul le titulaire peut créer un dossier confidentiel.")],
)
BUSY = Conflict(
    "demande_concurrente",
    "Une autre demande sur ce compte vient d'être traitée au même moment : merci de recommencer.",
)
ACCOUNT_NOT_FOUND = NotFound("compte_introuvable", "Ce compte est introuvable.")


class GrantStore(Protocol):
    """The holder's side ("Mes délégations") and the invited person's acceptance."""

    def get_account_and_delegations(self, account_id: str) -> tuple[dict | None, list[dict]]: ...

    def grant_delegation(
        self,
        *,
        holder_id: str,
        delegation_id: str,
        delegation: dict,
        invitation_digest: str,
        invitation: dict,
        invitation_expires: datetime,
        kept_until: datetime,
        old_log: list[int],
        new_log: list[int],
        event: dict,
        now: datetime,
    ) -> None: ...

    def give_back_emails(self, account_id: str, sent_log: list[int], previous_log: list[int]) -> bool: ...

    def get_holder_delegation(self, holder_id: str, delegation_id: str) -> dict | None: ...

    def revoke_delegation(
        self,
        *,
        delegation_id: str,
        holder_id: str,
        status_seen: str,
        delegate_id: str | None,
        invitation_digest: str | None,
        moment: str,
        event: dict,
        now: datetime,
    ) -> None: ...

    def get_invitation_and_account(
        self, invitation_digest: str, account_id: str
    ) -> tuple[dict | None, dict | None]: ...

    def accept_delegation(
        self,
        *,
        invitation_digest: str,
        delegation_id: str,
        holder_id: str,
        delegate_id: str,
        delegate: dict,
        moment: str,
        ends: datetime,
        kept_until: datetime,
        pointer: dict,
        holder_event: dict,
        delegate_event: dict,
        now: datetime,
    ) -> None: ...


class DelegateStore(Protocol):
    """What a delegate reads and writes of the holder's account, through the delegation."""

    def get_delegation(self, delegation_id: str) -> dict | None: ...

    def list_delegated_accounts(self, delegate_id: str) -> list[dict]: ...

    def get_account(self, account_id: str) -> dict | None: ...

    def get_account_and_rights(self, account_id: str, nir: str) -> tuple[dict | None, dict | None]: ...

    def get_rights_and_movements(self, nir: str) -> tuple[dict | None, list[dict]]: ...

    def list_dossiers(self, account_id: str, statuses: tuple[str, ...] | None = None) -> list[dict]: ...

    def get_dossier(self, account_id: str, dossier_id: str) -> dict | None: ...

    def create_dossier_as_delegate(
        self,
        *,
        holder_id: str,
        holder_nir: str,
        delegation_id: str,
        delegate_id: str,
        dossier_id: str,
        dossier: dict,
        event: dict,
        now: datetime,
    ) -> None: ...


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


def status_of(record: dict, now: datetime) -> str:
    """The status as the holder and the delegate see it: `expiree` once the invitation (while
    pending) or the end date has passed, whatever TTL has done yet."""
    stored = record["statut"]
    if stored in (REVOKED, DelegationStatus.EMAIL_INVALID):
        return stored
    if now >= ends_at(date.fromisoformat(record["fin"])):
        return EXPIRED
    if stored == PENDING and now >= from_epoch(record["invitation_jusqu_au"]):
        return EXPIRED
    return stored


# People ------------------------------------------------------------------------------------------------


def names_of(account: dict) -> dict:
    return {"prenom": account.get("prenom"), "nom_naissance": account["nom_naissance"], "civilite": account["civilite"]}


def display_name(names: dict) -> str:
    """ "Jean Dupont", or "M. Dupont" / "Mme Dupont" without a first name."""
    if names.get("prenom"):
        return f"{names['prenom']} {names['nom_naissance']}"
    return f"{'Mme' if names.get('civilite') == 'MME' else 'M.'} {names['nom_naissance']}"


def _person(names: dict | None) -> dict | None:
    return None if names is None else {"prenom": names.get("prenom"), "nom_naissance": names["nom_naissance"]}


# The holder's side ------------------------------------------------------------------------------------


def shown(delegation_id: str, record: dict, now: datetime) -> dict:
    return {
        "id": delegation_id,
        "courriel": record["courriel"],
        "portee": record["portee"],
        "statut": status_of(record, now),
        "cree_le": record["cree_le"],
        "fin": record["fin"],
        "delegataire": _person(record.get("delegataire")),
        "acceptee_le": record.get("acceptee_le"),
        "revoquee_le": record.get("revoquee_le"),
    }


@dataclass(frozen=True)
class Granted:
    delegation: dict
    email_sent: bool

    @property
    def detail(self) -> str:
        return GRANTED if self.email_sent else NOT_SENT


def grant(
    store: GrantStore,
    mailer,
    clock,
    session: sessions.Session,
    *,
    courriel: str,
    portee: str,
    fin: date | None,
    invitation_ttl_seconds: int,
) -> Granted:
    """Invite `courriel` (a valid address) to become a delegate; the invitation email counts in the
    holder's hourly allowance. The count and the duplicate check read the holder's delegations in
    the same Query as the account; the write is conditional on the account's email log, which any
    other grant changes, so that two grants at once cannot both pass them."""
    key = identity.email_key(courriel)
    for _ in range(ATTEMPTS):
        account, granted = store.get_account_and_delegations(session.account_id)
        now = clock()
        end = fin or one_year_after(today(now))
        log = _refuse_unless_grantable(account, granted, key, end, now)
        delegation_id, token = tokens.new_id(), tokens.new_secret_token()
        invitation_expires = min(now + timedelta(seconds=invitation_ttl_seconds), ends_at(end))
        record = _delegation(
            session, account, courriel, key, portee, end, now, tokens.digest(token), invitation_expires
        )
        try:
            store.grant_delegation(
                holder_id=session.account_id,
                delegation_id=delegation_id,
                delegation=record,
                invitation_digest=record["invitation_empreinte"],
                invitation=_invitation(delegation_id, record),
                invitation_expires=invitation_expires,
                kept_until=ends_at(end) + LIST_KEPT,
                old_log=account.get("envois_courriel", []),
                new_log=log,
                event=history.event(
                    history.DELEGATION_ACCORDEE,
                    now,
                    courriel=identity.mask_email(courriel),
                    portee=SCOPE_WORDS[portee],
                    fin=date_in_full(end),
                ),
                now=now,
            )
        except WriteConflict:
            continue  # another grant or email on this account meanwhile: read again, check again
        sent = _send_invitation(mailer, courriel, token, invitation_expires, delegation_id, record, end)
        if not sent:
            # The delegation is written; the holder may revoke it and grant it again at once: the
            # email SES did not take is given back to the hour's allowance.
            store.give_back_emails(session.account_id, log, account.get("envois_courriel", []))
        return Granted(shown(delegation_id, record, now), sent)
    raise BUSY


def _refuse_unless_grantable(account: dict | None, granted: list[dict], key: str, end: date, now) -> list[int]:
    """The rules of a new delegation, in the order a holder is told about them; the account's email
    log with the invitation added when they all hold."""
    if account is None or account.get("statut") != AccountStatus.ACTIVE:
        raise ACCOUNT_NOT_FOUND
    if identity.email_key(account["courriel"]) == key:
        raise TO_ONESELF
    if not today(now) < end <= one_year_after(today(now)):
        raise BAD_END
    still_open = [record for record in granted if status_of(record, now) in OPEN]
    if any(record["courriel_cle"] == key for record in still_open):
        raise EXISTING
    if len(still_open) >= MAX_OPEN:
        raise TOO_MANY
    log = recovery.email_log_with(account, now)
    if log is None:
        raise recovery.allowance_refused(account, now)
    return log


def _delegation(session, account, courriel, key, portee, end, now, digest, invitation_expires) -> dict:
    return {
        "titulaire_id": session.account_id,
        # Never shown: the key of the holder's hours, so that a delegate's read needs no account read.
        "titulaire_nir": account["nir"],
        "titulaire": names_of(account),
        "courriel": courriel,
        "courriel_cle": key,
        "portee": portee,
        "statut": PENDING,
        "cree_le": to_iso(now),
        "fin": end.isoformat(),
        "invitation_jusqu_au": to_epoch(invitation_expires),
        "invitation_empreinte": digest,
    }


def _invitation(delegation_id: str, delegation: dict) -> dict:
    """What the invitation's code leads to (the acceptance reads it, never the delegation first)."""
    return {
        "delegation_id": delegation_id,
        "titulaire_id": delegation["titulaire_id"],
        "titulaire": delegation["titulaire"],
        "courriel_cle": delegation["courriel_cle"],
        "portee": delegation["portee"],
        "fin": delegation["fin"],
    }


def _send_invitation(
    mailer, courriel, token, invitation_expires, delegation_id: str, delegation: dict, end: date
) -> bool:
    try:
        mailer.send_delegation_invitation(
            courriel,
            token,
            invitation_expires,
            holder=display_name(delegation["titulaire"]),
            scope=delegation["portee"],
            ends_on=end,
            record_id=delegation_id,
        )
    except DeliveryFailed:
        return False
    return True


def list_granted(store: GrantStore, clock, session: sessions.Session) -> list[dict]:
    """ "Mes délégations", newest first, each with its status as of now."""
    _, granted = store.get_account_and_delegations(session.account_id)
    now = clock()
    found = [shown(record["id"], record, now) for record in granted]
    return sorted(found, key=lambda d: (d["cree_le"], d["id"]), reverse=True)


def revoke(store: GrantStore, clock, session: sessions.Session, delegation_id: str) -> None:
    """End a delegation at once: from the moment this returns, the delegate's calls on it answer 404
    and its invitation code answers "expired". A delegation already revoked or ended stays as it is."""
    if not tokens.is_well_formed_id(delegation_id):
        raise NOT_FOUND
    for _ in range(ATTEMPTS):
        record = store.get_holder_delegation(session.account_id, delegation_id)
        if record is None:
            raise NOT_FOUND  # another holder's delegation is not in this holder's partition
        now = clock()
        status = status_of(record, now)
        if status not in OPEN:
            return
        if status == ACTIVE:
            who = display_name(record["delegataire"])
        else:
            who = f"invitation envoyée à {identity.mask_email(record['courriel'])}"
        try:
            store.revoke_delegation(
                delegation_id=delegation_id,
                holder_id=session.account_id,
                status_seen=record["statut"],
                delegate_id=record.get("delegataire_id") if status == ACTIVE else None,
                invitation_digest=record["invitation_empreinte"] if status == PENDING else None,
                moment=to_iso(now),
                event=history.event(history.DELEGATION_REVOQUEE, now, qui=who),
                now=now,
            )
        except WriteConflict:
            continue  # accepted (or revoked) meanwhile: read it again
        return
    raise BUSY


# The invited person's side ----------------------------------------------------------------------------


def accept(store: GrantStore, clock, session: sessions.Session, code: str) -> dict:
    """Accept an invitation from one's own session: the account's address must be the invited one."""
    if not tokens.is_well_formed_token(code):
        raise CODE_UNKNOWN
    digest = tokens.digest(code)
    invitation, account = store.get_invitation_and_account(digest, session.account_id)
    now = clock()
    _refuse_unusable(invitation, now)
    if account is None:
        raise ACCOUNT_NOT_FOUND
    if invitation["titulaire_id"] == session.account_id:
        raise TO_ONESELF
    if identity.email_key(account["courriel"]) != invitation["courriel_cle"]:
        raise OTHER_RECIPIENT  # nothing written: the code stays usable by the right person
    end = date.fromisoformat(invitation["fin"])
    ends = ends_at(end)
    if now >= ends:
        raise CODE_EXPIRED
    holder_names, delegate_names = invitation["titulaire"], names_of(account)
    scope = invitation["portee"]
    try:
        store.accept_delegation(
            invitation_digest=digest,
            delegation_id=invitation["delegation_id"],
            holder_id=invitation["titulaire_id"],
            delegate_id=session.account_id,
            delegate=delegate_names,
            moment=to_iso(now),
            ends=ends,
            kept_until=ends + LIST_KEPT,
            pointer={
                "titulaire_id": invitation["titulaire_id"],
                "titulaire": holder_names,
                "portee": scope,
                "fin": invitation["fin"],
            },
            holder_event=history.event(
                history.DELEGATION_ACCEPTEE,
                now,
                delegataire=display_name(delegate_names),
                portee=SCOPE_WORDS[scope],
                fin=date_in_full(end),
            ),
            delegate_event=history.event(
                history.DELEGATION_RECUE,
                now,
                titulaire=display_name(holder_names),
                portee=SCOPE_WORDS[scope],
                fin=date_in_full(end),
            ),
            now=now,
        )
    except WriteConflict as conflict:
        if "invitation" in conflict.failed:
            _refuse_unusable(conflict.current.get("invitation"), now)
        raise CODE_EXPIRED from None  # revoked meanwhile
    return {
        "id": invitation["delegation_id"],
        "titulaire": _person(holder_names),
        "portee": scope,
        "fin": end.isoformat(),
    }


def _refuse_unusable(invitation: dict | None, now: datetime) -> None:
    if invitation is None:
        raise CODE_UNKNOWN  # unknown, or used: it is deleted when accepted
    if invitation.get("revoquee") or has_expired(invitation, now):
        raise CODE_EXPIRED


# The delegate's side ----------------------------------------------------------------------------------


def list_delegated(store: DelegateStore, clock, session: sessions.Session) -> list[dict]:
    """The accounts delegated to this person: active delegations only. The pointers exist while a
    delegation is active (the revocation deletes them); their end is checked here."""
    now = clock()
    found = [
        {
            "delegation_id": pointer["delegation_id"],
            "prenom": pointer["titulaire"].get("prenom"),
            "nom_naissance": pointer["titulaire"]["nom_naissance"],
            "portee": pointer["portee"],
            "fin": pointer["fin"],
        }
        for pointer in store.list_delegated_accounts(session.account_id)
        if is_live(pointer, now) and now < ends_at(date.fromisoformat(pointer["fin"]))
    ]
    return sorted(found, key=lambda d: (d["nom_naissance"], d["prenom"] or "", d["delegation_id"]))


def _delegation_for(store: DelegateStore, clock, session: sessions.Session, delegation_id: str) -> dict:
    """The delegation, if it is active now and names this caller as its delegate; 404 otherwise,
    whatever the reason (unknown, someone else's, revoked, ended)."""
    if not tokens.is_well_formed_id(delegation_id):
        raise NOT_FOUND  # junk never reaches the table
    record = store.get_delegation(delegation_id)
    now = clock()
    if (
        record is None
        or record.get("delegataire_id") != session.account_id
        or not is_live(record, now)
        or status_of(record, now) != ACTIVE
    ):
        raise NOT_FOUND
    return record


def delegated_synthesis(store: DelegateStore, clock, session: sessions.Session, delegation_id: str) -> dict:
    """The holder's synthesis; the counts leave confidential dossiers out."""
    record = _delegation_for(store, clock, session, delegation_id)
    account, rights = store.get_account_and_rights(record["titulaire_id"], _holder_nir(store, record))
    if account is None:
        raise NOT_FOUND
    shown_synthesis = holder.synthesis_of(account, rights)
    shown_synthesis["dossiers_en_cours"] -= account.get("dossiers_confidentiels_en_cours", 0)
    shown_synthesis["dossiers_clos"] -= account.get("dossiers_confidentiels_clos", 0)
    shown_synthesis["courriel_invalide"] = False  # the holder's address is the holder's business (§10)
    return shown_synthesis


def delegated_hours(store: DelegateStore, clock, session: sessions.Session, delegation_id: str) -> dict:
    record = _delegation_for(store, clock, session, delegation_id)
    return hours.statement(store, record["titulaire_id"], _holder_nir(store, record), for_delegate=True)


def _holder_nir(store: DelegateStore, record: dict) -> str:
    """The holder's NIR, which the delegation keeps (a delegation granted before it did: read)."""
    return hours.nir_of(store, record["titulaire_id"], record.get("titulaire_nir"))


def delegated_dossiers(
    store: DelegateStore, clock, session: sessions.Session, delegation_id: str, state: str | None
) -> list[dict]:
    """The holder's dossiers but the confidential ones."""
    record = _delegation_for(store, clock, session, delegation_id)
    return [d for d in dossiers.list_all(store, record["titulaire_id"], state) if not d["confidentiel"]]


def delegated_dossier(
    store: DelegateStore, clock, session: sessions.Session, delegation_id: str, dossier_id: str
) -> dict:
    """A dossier of the holder's; a confidential one answers exactly as one that does not exist."""
    record = _delegation_for(store, clock, session, delegation_id)
    dossier = dossiers.find(store, record["titulaire_id"], dossier_id)
    if dossier["confidentiel"]:
        raise dossiers.NOT_FOUND
    return dossier


def create_dossier(
    store: DelegateStore, clock, session: sessions.Session, delegation_id: str, new: dossiers.NewDossier
) -> dict:
    """With `gestion`: a draft dossier for the holder, which only the holder can validate."""
    record = _delegation_for(store, clock, session, delegation_id)
    if record["portee"] != DelegationScope.GESTION:
        raise SCOPE_TOO_NARROW
    if new.confidentiel:
        raise CONFIDENTIAL_REFUSED
    now = clock()
    dossier_id = tokens.new_id()
    dossier = {**vars(new), "statut": dossiers.DRAFT, "cree_le": to_iso(now), "cree_par_delegation": delegation_id}
    event = history.event(
        history.DOSSIER_CREE_PAR_DELEGATAIRE,
        now,
        delegataire=display_name(record["delegataire"]),
        dossier=dossiers.described(dossier),
    )
    try:
        store.create_dossier_as_delegate(
            holder_id=record["titulaire_id"],
            holder_nir=_holder_nir(store, record),
            delegation_id=delegation_id,
            delegate_id=session.account_id,
            dossier_id=dossier_id,
            dossier=dossier,
            event=event,
            now=now,
        )
    except WriteConflict as conflict:
        if "delegation" in conflict.failed:
            raise NOT_FOUND from None  # revoked or ended between the read and the write
        raise dossiers.DIF_NOT_ENTERED from None
    return dossiers.shown(dossier_id, dossier)
