"""The holder's side of "Mes délégations": granting (an invitation by email), the list, revoking."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from ...clock import Clock, to_epoch, to_iso
from ...french_dates import date_in_full
from .. import history, identity, recovery, sessions, tokens
from ..errors import DeliveryFailed
from ..ports import Mailer
from ..records.accounts import Account
from ..records.delegations import Delegation, Grant, Revocation
from ..records.tokens import EmailLog
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
    status_of,
    today,
)


class GrantStore(Protocol):
    """The holder's side ("Mes délégations")."""

    def get_account_and_delegations(self, account_id: str) -> tuple[Account | None, list[Delegation]]: ...

    def grant_delegation(self, grant: Grant) -> None: ...

    def give_back_emails(self, account_id: str, log: EmailLog) -> bool: ...

    def get_holder_delegation(self, holder_id: str, delegation_id: str) -> Delegation | None: ...

    def revoke_delegation(self, revocation: Revocation) -> None: ...


@dataclass(frozen=True)
class Seen:
    """A delegation as its holder sees it now: its status computed with the clock."""

    delegation: Delegation
    status: str


@dataclass(frozen=True)
class Granted:
    delegation: Seen
    email_sent: bool

    @property
    def detail(self) -> str:
        return GRANTED if self.email_sent else NOT_SENT


@dataclass(frozen=True)
class Invited:
    """Whom to invite, to what, until when."""

    courriel: str
    portee: str
    fin: date | None
    invitation_ttl_seconds: int


def grant(
    store: GrantStore,
    mailer: Mailer,
    clock: Clock,
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
    invited = Invited(courriel, portee, fin, invitation_ttl_seconds)
    token = tokens.new_secret_token()

    def attempt(_: int) -> Grant:
        written = _grant(store, clock(), session, invited, tokens.digest(token))
        store.grant_delegation(written)
        return written

    # Another grant or email on this account meanwhile: read again, check again.
    written = on_conflict_retry(attempt, BUSY)
    sent = _send_invitation(mailer, courriel, token, written)
    if not sent:
        # The delegation is written; the holder may revoke it and grant it again at once: the
        # email SES did not take is given back to the hour's allowance.
        store.give_back_emails(session.account_id, written.log)
    return Granted(Seen(written.delegation, status_of(written.delegation, written.now)), sent)


def _grant(store: GrantStore, now: datetime, session: sessions.Session, invited: Invited, digest: str) -> Grant:
    """What granting writes, from the holder's account and delegations as read now, if the rules hold."""
    account, granted = store.get_account_and_delegations(session.account_id)
    key = identity.email_key(invited.courriel)
    end = invited.fin or one_year_after(today(now))
    account, log = _refuse_unless_grantable(account, granted, key, end, now)
    invitation_expires = min(now + timedelta(seconds=invited.invitation_ttl_seconds), ends_at(end))
    delegation = Delegation(
        id=tokens.new_id(),
        holder_id=session.account_id,
        # Never shown: the key of the holder's hours, so that a delegate's read needs no account read.
        holder_rights_id=session.rights_id,
        holder=names_of(account),
        email=invited.courriel,
        email_key=key,
        scope=invited.portee,
        status=PENDING,
        created_at=to_iso(now),
        end=end.isoformat(),
        invitation_until=to_epoch(invitation_expires),
        invitation_digest=digest,
    )
    event = history.event(
        history.DELEGATION_ACCORDEE,
        now,
        courriel=identity.mask_email(invited.courriel),
        portee=SCOPE_WORDS[invited.portee],
        fin=date_in_full(end),
    )
    return Grant(delegation, invitation_expires, ends_at(end) + LIST_KEPT, log, event, now)


def _refuse_unless_grantable(
    account: Account | None, granted: list[Delegation], key: str, end: date, now: datetime
) -> tuple[Account, EmailLog]:
    """The rules of a new delegation, in the order a holder is told about them; the account and its
    email log with the invitation added when they all hold."""
    if account is None or account.status != AccountStatus.ACTIVE:
        raise ACCOUNT_NOT_FOUND()
    if identity.email_key(account.courriel) == key:
        raise TO_ONESELF()
    if not today(now) < end <= one_year_after(today(now)):
        raise BAD_END()
    still_open = [delegation for delegation in granted if status_of(delegation, now) in OPEN]
    if any(delegation.email_key == key for delegation in still_open):
        raise EXISTING()
    if len(still_open) >= MAX_OPEN:
        raise TOO_MANY()
    log = recovery.email_log_with(account, now)
    if log is None:
        raise recovery.allowance_refused(account, now)
    return account, log


def _send_invitation(mailer: Mailer, courriel: str, token: str, written: Grant) -> bool:
    delegation = written.delegation
    try:
        mailer.send_delegation_invitation(
            courriel,
            token,
            written.invitation_expires,
            holder=display_name(delegation.holder),
            scope=delegation.scope,
            ends_on=date.fromisoformat(delegation.end),
            record_id=delegation.id,
        )
    except DeliveryFailed:
        return False
    return True


def list_granted(store: GrantStore, clock: Clock, session: sessions.Session) -> list[Seen]:
    """ "Mes délégations", newest first, each with its status as of now."""
    _, granted = store.get_account_and_delegations(session.account_id)
    now = clock()
    found = [Seen(delegation, status_of(delegation, now)) for delegation in granted]
    return sorted(found, key=lambda seen: (seen.delegation.created_at, seen.delegation.id), reverse=True)


def revoke(store: GrantStore, clock: Clock, session: sessions.Session, delegation_id: str) -> None:
    """End a delegation at once: from the moment this returns, the delegate's calls on it answer 404
    and its invitation code answers "expired". A delegation already revoked or ended stays as it is."""
    if not tokens.is_well_formed_id(delegation_id):
        raise NOT_FOUND()

    def attempt(_: int) -> None:
        delegation = store.get_holder_delegation(session.account_id, delegation_id)
        if delegation is None:
            raise NOT_FOUND()  # another holder's delegation is not in this holder's partition
        now = clock()
        status = status_of(delegation, now)
        if status in OPEN:
            store.revoke_delegation(_revocation(delegation, status, now))

    on_conflict_retry(attempt, BUSY)  # accepted (or revoked) meanwhile: read it again


def _revocation(delegation: Delegation, status: str, now: datetime) -> Revocation:
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
