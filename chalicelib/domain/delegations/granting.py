"""The holder's side of "Mes délégations": granting (an invitation by email, the password given
again, a notice to the holder), the list, revoking."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, Protocol

from ...clock import Clock, to_epoch, to_iso
from ...french_dates import date_in_full
from .. import history, identity, recovery, sensitive_acts, sessions, tokens
from ..errors import DeliveryFailed
from ..ports import Mailer
from ..records.accounts import Account, Credentials, FailedLogins
from ..records.delegations import Delegation, Grant, Revocation
from ..records.sessions import SessionRecord
from ..records.tokens import EmailLog
from ..retry import on_conflict_retry
from ..states import AccountStatus, DelegationScope
from .rules import (
    ACCOUNT_NOT_FOUND,
    BAD_END,
    BUSY,
    EXISTING,
    GRANTED,
    IDENTITY_NOT_VERIFIED,
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
    revocation_of,
    status_of,
    today,
)


class GrantStore(sessions.LoginStore, sessions.SessionStore, Protocol):
    """The holder's side ("Mes délégations"); a grant asks for the password again, as a login checks it."""

    def get_account_and_delegations(self, account_id: str) -> tuple[Account | None, list[Delegation]]: ...

    def get_session_and_login_records(
        self, session_digest: str, nir: str | None
    ) -> tuple[SessionRecord | None, Credentials | None, FailedLogins | None]: ...

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


class _Written(NamedTuple):
    grant: Grant
    holder: Account  # as read by the attempt that wrote


def grant(
    store: GrantStore,
    mailer: Mailer,
    clock: Clock,
    ticket: sessions.Ticket,
    *,
    courriel: str,
    portee: str,
    fin: date | None,
    password: str,
    invitation_ttl_seconds: int,
    idle_seconds: int,
    lockout_threshold: int,
    lockout_seconds: int,
) -> Granted:
    """Invite `courriel` (a valid address) to become a delegate, the holder's password given again
    (contract §14); the invitation needs room in the holder's hourly allowance, and the notice to the
    holder counts in it too.

    Three requests, the session's included: the account and its delegations (one Query, keyed by the
    account the token names), then the session with the NIR's credentials and failed logins (one
    BatchGetItem: the session is proven before anything read is used), then the write. The count and
    the duplicate check read the delegations; the write is conditional on the account's email log,
    which any other grant changes, so that two grants at once cannot both pass them."""
    invited = Invited(courriel, portee, fin, invitation_ttl_seconds)
    check = sensitive_acts.password_check(password, lockout_threshold, lockout_seconds)
    token = tokens.new_secret_token()

    def attempt(number: int) -> _Written:
        now = clock()
        account, granted = store.get_account_and_delegations(ticket.account_id)
        # The session first, with the password's records; the password is checked once (a retry
        # only reads the account's state again).
        proof = _session_and_credentials(store, ticket, account, now, idle_seconds) if number == 0 else None
        holder = _refuse_unless_allowed(account, invited, now)
        if proof is not None:
            sensitive_acts.confirm_password(store, check, holder.nir, *proof, now, ticket.account_id)
        written = _grant(holder, granted, now, ticket, invited, tokens.digest(token))
        store.grant_delegation(written)
        return _Written(written, holder)

    # Another grant or email on this account meanwhile: read again, check again.
    written, holder = on_conflict_retry(attempt, BUSY)
    sent = _send_invitation(mailer, courriel, token, written)
    if not sent:
        # The delegation is written; the holder may revoke it and grant it again at once: the
        # emails SES did not take (the notice goes with the invitation) are given back to the allowance.
        store.give_back_emails(ticket.account_id, written.log)
    elif sensitive_acts.notice_due(holder):
        delegation = written.delegation
        notice = (identity.mask_email(courriel), delegation.scope, date.fromisoformat(delegation.end), written.now)
        sensitive_acts.send_notice(mailer.send_delegation_notice, holder.courriel, *notice, record_id=holder.id)
    return Granted(Seen(written.delegation, status_of(written.delegation, written.now)), sent)


def _session_and_credentials(
    store: GrantStore, ticket: sessions.Ticket, account: Account | None, now: datetime, idle_seconds: int
) -> tuple[Credentials, FailedLogins | None]:
    """The session proven (401 otherwise, whatever else was read), and the password's records."""
    record, credentials, attempts = store.get_session_and_login_records(
        ticket.digest, None if account is None else account.nir
    )
    sessions.admit_and_keep_alive(store, record, ticket, now, idle_seconds=idle_seconds)
    if credentials is None or credentials.account_id != ticket.account_id:
        raise ACCOUNT_NOT_FOUND()
    return credentials, attempts


def _refuse_unless_allowed(account: Account | None, invited: Invited, now: datetime) -> Account:
    """The rules that come before the password: the request itself, and the identity `gestion` needs."""
    if account is None or account.status != AccountStatus.ACTIVE:
        raise ACCOUNT_NOT_FOUND()
    if identity.email_key(account.courriel) == identity.email_key(invited.courriel):
        raise TO_ONESELF()
    end = invited.fin or one_year_after(today(now))
    if not today(now) < end <= one_year_after(today(now)):
        raise BAD_END()
    if invited.portee == DelegationScope.GESTION and account.identity_verified_at is None:
        raise IDENTITY_NOT_VERIFIED()
    return account


def _grant(
    account: Account, granted: list[Delegation], now: datetime, ticket: sessions.Ticket, invited: Invited, digest: str
) -> Grant:
    """What granting writes, from the holder's account and delegations as read now, if the rules hold."""
    key = identity.email_key(invited.courriel)
    end = invited.fin or one_year_after(today(now))
    log = _refuse_unless_grantable(account, granted, key, now)
    invitation_expires = min(now + timedelta(seconds=invited.invitation_ttl_seconds), ends_at(end))
    delegation = Delegation(
        id=tokens.new_id(),
        holder_id=account.id,
        # Never shown: the key of the holder's hours, so that a delegate's read needs no account read.
        holder_rights_id=ticket.rights_id,
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


def _refuse_unless_grantable(account: Account, granted: list[Delegation], key: str, now: datetime) -> EmailLog:
    """The rules after the password, in the order a holder is told about them; the account's email log
    with the invitation (and the notice) added when they all hold."""
    still_open = [delegation for delegation in granted if status_of(delegation, now) in OPEN]
    if any(delegation.email_key == key for delegation in still_open):
        raise EXISTING()
    if len(still_open) >= MAX_OPEN:
        raise TOO_MANY()
    log = recovery.email_log_with(account, now)  # the invitation needs room in the hour's allowance
    if log is None:
        raise recovery.allowance_refused(account, now)
    # The notice to the holder counts too, but is never the reason a grant is refused (sensitive_acts).
    return sensitive_acts.with_notice(log, now) if sensitive_acts.notice_due(account) else log


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
            store.revoke_delegation(revocation_of(delegation, status, now))

    on_conflict_retry(attempt, BUSY)  # accepted (or revoked) meanwhile: read it again
