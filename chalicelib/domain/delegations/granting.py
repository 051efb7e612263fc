"""The holder's side of "Mes délégations": granting (an invitation by email), the list, revoking."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, Protocol

from ...clock import to_epoch, to_iso
from ...french_dates import date_in_full
from .. import history, identity, recovery, sessions, tokens
from ..errors import DeliveryFailed
from ..retry import on_conflict_retry
from ..states import AccountStatus
from .rules import (
    ACCOUNT_NOT_FOUND,
    ACTIVE,
    BAD_END,
    BUSY,
    EXISTING,
    GRANTED,
    LIST_KEPT,
    MAX_OPEN,
    NOT_FOUND,
    NOT_SENT,
    OPEN,
    PENDING,
    SCOPE_WORDS,
    TO_ONESELF,
    TOO_MANY,
    display_name,
    ends_at,
    names_of,
    one_year_after,
    person,
    status_of,
    today,
)


class GrantStore(Protocol):
    """The holder's side ("Mes délégations")."""

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


def shown(delegation_id: str, record: dict, now: datetime) -> dict:
    return {
        "id": delegation_id,
        "courriel": record["courriel"],
        "portee": record["portee"],
        "statut": status_of(record, now),
        "cree_le": record["cree_le"],
        "fin": record["fin"],
        "delegataire": person(record.get("delegataire")),
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

    def attempt(_: int) -> _Written:
        account, granted = store.get_account_and_delegations(session.account_id)
        now = clock()
        end = fin or one_year_after(today(now))
        log = _refuse_unless_grantable(account, granted, key, end, now)
        delegation_id, token = tokens.new_id(), tokens.new_secret_token()
        invitation_expires = min(now + timedelta(seconds=invitation_ttl_seconds), ends_at(end))
        record = _delegation(
            session, account, courriel, key, portee, end, now, tokens.digest(token), invitation_expires
        )
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
        return _Written(delegation_id, record, token, invitation_expires, end, log, account, now)

    # Another grant or email on this account meanwhile: read again, check again.
    written = on_conflict_retry(attempt, lambda: BUSY)
    sent = _send_invitation(mailer, courriel, written.token, written.invitation_expires, written.record, written.end)
    if not sent:
        # The delegation is written; the holder may revoke it and grant it again at once: the
        # email SES did not take is given back to the hour's allowance.
        store.give_back_emails(session.account_id, written.log, written.account.get("envois_courriel", []))
    return Granted(shown(written.delegation_id, written.record, written.now), sent)


class _Written(NamedTuple):
    delegation_id: str
    record: dict
    token: str
    invitation_expires: datetime
    end: date
    log: list[int]
    account: dict
    now: datetime


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


def _send_invitation(mailer, courriel, token, invitation_expires, delegation: dict, end: date) -> bool:
    try:
        mailer.send_delegation_invitation(
            courriel,
            token,
            invitation_expires,
            holder=display_name(delegation["titulaire"]),
            scope=delegation["portee"],
            ends_on=end,
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

    def attempt(_: int) -> None:
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

    on_conflict_retry(attempt, lambda: BUSY)  # accepted (or revoked) meanwhile: read it again
