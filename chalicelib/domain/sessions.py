"""Sessions ("Espace Titulaire"): log in with the NIR and the password, log out.

A session token names the account and its NIR's rights by their random ids, then 192 random bits;
it is given to the client once and stored as its digest (tokens.new_session_token). A session
ends after `idle_seconds` without a call and `max_seconds` in all; both are checked on every call.
Wrong NIR and wrong password get the same answer, and cost the same time.

The idle deadline moves only once it has aged: a call that finds less than REFRESH_BELOW of
`idle_seconds` left pushes it back to `idle_seconds` from now (capped by the absolute end); any
other call writes nothing, so a read is one BatchGetItem, the session and the data together. The
rule's effects, exactly (routes whose data cannot be read beside the session push the deadline
back on every call instead, in the one request that checks the session):
- logout is immediate: it deletes the session item, and every call reads that item (a strongly
  consistent read, in the same request as its data), so no call after it is served;
- the idle expiry errs on the short side only: a session ends between 0.9 × and 1 × `idle_seconds`
  after its last call (27 to 30 minutes by default), never later;
- the absolute expiry is exact: every call checks the session's own end against the clock.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..clock import Clock, to_epoch, to_iso
from . import history, identity, passwords, tokens
from .errors import Conflict, Forbidden, Part, Refusal, TooManyAttempts, Unauthenticated, WriteConflict
from .expiry import is_live
from .records.accounts import AccountEvent, FailedLogin, FailedLogins, LoginRecords
from .records.sessions import Login, SessionRecord
from .retry import on_conflict_retry
from .states import AccountStatus


class LoginStore(Protocol):
    """What a login reads and writes, and the count of failures that leads to a lockout."""

    def get_login_records(self, nir: str) -> LoginRecords: ...

    def record_failed_login(self, failure: FailedLogin) -> None: ...

    def open_session(self, login: Login) -> None: ...


class SessionStore(Protocol):
    """What a session needs once open: each call, the logout, the end of every session."""

    def touch_session(self, session_digest: str, now: datetime, idle_until: datetime) -> SessionRecord | None: ...

    def close_session(self, session_digest: str, logout: AccountEvent) -> None: ...

    def session_digests(self, account_id: str) -> list[str]: ...


BAD_CREDENTIALS = Refusal(
    Unauthenticated, "identifiants_invalides", "Numéro de sécurité sociale ou mot de passe incorrect."
)
NOT_ACTIVATED = Refusal(
    Forbidden,
    "compte_non_active",
    "Votre compte n'est pas encore activé : cliquez sur le lien du courriel reçu lors de votre inscription.",
)
INVALID_SESSION = Refusal(
    Unauthenticated,
    "session_invalide",
    "Votre session a expiré ou n'est pas valide : merci de vous reconnecter.",
    headers=(("WWW-Authenticate", 'Bearer error="invalid_token"'),),  # RFC 6750 §3.1
)
# A login that kept meeting other writes on its NIR's item (never seen: one meeting settles it).
BUSY = Refusal(
    Conflict,
    "demande_concurrente",
    "Une autre demande sur ce compte vient d'être traitée au même moment : merci de recommencer.",
)
# A call pushes the idle deadline back only when less than this share of the idle time is left.
REFRESH_BELOW = 0.9


@dataclass(frozen=True)
class NewSession:
    token: str
    idle_expires_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Session:
    """Who is calling: the account, and its NIR's rights id (the key of its hours), which the session
    carries so that the hours routes need not read the account first."""

    digest: str
    account_id: str
    rights_id: str


def log_in(
    store: LoginStore,
    clock: Clock,
    *,
    nir: str,
    password: str,
    idle_seconds: int,
    max_seconds: int,
    lockout_threshold: int,
    lockout_seconds: int,
) -> NewSession:
    password = passwords.normalize(password)
    compact_nir = identity.parse_nir_leniently(nir)
    if compact_nir is None:  # cannot be anybody's: nothing to count
        passwords.spend_verification_time(password)
        raise BAD_CREDENTIALS()
    credentials, attempts, rights_id = store.get_login_records(compact_nir)
    now = clock()
    refuse_while_locked(attempts, now)
    # A pending account whose link has expired counts as no account.
    if not is_live(credentials, now):
        passwords.spend_verification_time(password)
        count_failure(store, compact_nir, attempts, now, Lockout(lockout_threshold, lockout_seconds), None)
        raise BAD_CREDENTIALS()
    if not passwords.verify_password(credentials.password_hash, password):
        lockout = Lockout(lockout_threshold, lockout_seconds)
        count_failure(store, compact_nir, attempts, now, lockout, credentials.account_id)
        raise BAD_CREDENTIALS()
    if credentials.status != AccountStatus.ACTIVE:
        raise NOT_ACTIVATED()
    return open_session(store, credentials.account_id, compact_nir, rights_id, now, (idle_seconds, max_seconds))


def open_session(
    store: LoginStore, account_id: str, nir: str, rights_id: str | None, now: datetime, limits: tuple[int, int]
) -> NewSession:
    """The session of an account whose holder is proven (a password, FranceConnect), with the NIR's
    rights id (a new one when the NIR has none yet: the login gives it,
    unless a crediting of that NIR gives it one at the same instant, whose id is then taken)."""
    idle_seconds, max_seconds = limits
    expires_at = now + timedelta(seconds=max_seconds)
    idle_expires_at = min(now + timedelta(seconds=idle_seconds), expires_at)

    def attempt(_: int) -> str:
        named = rights_id or tokens.new_id()
        token = tokens.new_session_token(account_id, named)
        idle_until = to_epoch(idle_expires_at)
        session = SessionRecord(tokens.digest(token), account_id, named, to_iso(now), idle_until, expires_at)
        store.open_session(Login(session, nir, history.event(history.CONNEXION, now), now, rights_id is None))
        return token

    def take_theirs(conflict: WriteConflict, _: int) -> None:
        nonlocal rights_id
        if Part.NIR in conflict.failed:  # the NIR was taken over meanwhile (contract §14): no account
            raise BAD_CREDENTIALS() from None
        if Part.RIGHTS_ID in conflict.failed:  # a crediting gave the NIR its rights id meanwhile
            rights_id = conflict.found(Part.RIGHTS_ID, str)

    token = on_conflict_retry(attempt, BUSY, after_conflict=take_theirs)
    return NewSession(token, idle_expires_at, expires_at)


LOCKED = Refusal(TooManyAttempts, "compte_verrouille")


def _locked(seconds: int) -> TooManyAttempts:
    minutes = max(1, math.ceil(seconds / 60))
    return LOCKED(
        f"Trop de tentatives de connexion : l'accès est bloqué pour {minutes} minute{'s' if minutes > 1 else ''}. "
        "Vous pourrez alors réessayer, ou utiliser « Mot de passe oublié ».",
        retry_after_seconds=seconds,
    )


def refuse_while_locked(attempts: FailedLogins | None, now: datetime) -> None:
    """Every login is refused while locked, the right password included."""
    if is_live(attempts, now) and (attempts.locked_until or 0) > to_epoch(now):
        raise _locked((attempts.locked_until or 0) - to_epoch(now))


@dataclass(frozen=True)
class Lockout:
    """How many failures in a row lock a NIR's logins, and for how long."""

    threshold: int
    seconds: int


def count_failure(
    store: LoginStore,
    nir: str,
    attempts: FailedLogins | None,
    now: datetime,
    lockout: Lockout,
    account_id: str | None,
) -> None:
    """Failures in a row are counted for every well-formed NIR, known or not, so a lockout tells
    nothing about who has an account; failures further apart than the lockout are forgotten.

    The stored count is exact (an atomic ADD); the decision to lock uses the count read before it,
    so a burst of concurrent failures is locked out by the next attempt at the latest. The failure
    that reaches the threshold writes the lock instead of the count, in the same single request."""
    fresh = not is_live(attempts, now)
    count = 1 if not is_live(attempts, now) else attempts.count + 1
    locked_until = now + timedelta(seconds=lockout.seconds) if count >= lockout.threshold else None
    event = history.event(history.ECHEC_CONNEXION, now)
    store.record_failed_login(
        FailedLogin(
            nir,
            fresh,
            now + timedelta(seconds=lockout.seconds),
            locked_until,
            None if account_id is None else AccountEvent(account_id, event, now),
        )
    )
    if locked_until is not None:
        raise _locked(lockout.seconds)


@dataclass(frozen=True)
class Ticket:
    """What a bearer token says before the table is read: the session's digest, the account and the
    rights it names. Nothing is proven yet: `admit` checks the session itself."""

    digest: str
    account_id: str
    rights_id: str


def ticket(token: str | None) -> Ticket:
    named = tokens.read_session_token(token)
    if named is None or token is None:
        raise INVALID_SESSION()
    account_id, rights_id = named
    return Ticket(tokens.digest(token), account_id, rights_id)


def admit(record: SessionRecord | None, ticket: Ticket, now: datetime) -> Session:
    """The session a read found for a ticket, if it is live and belongs to the account and the rights
    the token names; 401 otherwise (so data read beside it under a forged name is never shown)."""
    if (
        not is_live(record, now)
        or record.account_id != ticket.account_id
        or record.rights_id != ticket.rights_id
        or record.idle_until <= to_epoch(now)
    ):
        raise INVALID_SESSION()
    return Session(ticket.digest, ticket.account_id, ticket.rights_id)


def aged_idle_deadline(record: SessionRecord, now: datetime, idle_seconds: int) -> datetime | None:
    """The idle deadline a call must write, or None when the session's is recent enough to stand
    (more than REFRESH_BELOW of the idle time left, or already at the session's absolute end)."""
    pushed_back = now + timedelta(seconds=idle_seconds)
    if record.expires_at is not None:
        pushed_back = min(pushed_back, record.expires_at)
    left = record.idle_until - to_epoch(now)
    if left >= REFRESH_BELOW * idle_seconds or to_epoch(pushed_back) <= record.idle_until:
        return None
    return pushed_back


def admit_and_keep_alive(
    store: SessionStore, record: SessionRecord | None, ticket: Ticket, now: datetime, *, idle_seconds: int
) -> Session:
    """`admit`, then push the idle deadline back if it has aged (one more request, conditional on the
    session being still live: a logout in between ends this call with a 401 too)."""
    session = admit(record, ticket, now)
    assert record is not None  # admitted
    idle_until = aged_idle_deadline(record, now, idle_seconds)
    if idle_until is not None and store.touch_session(ticket.digest, now, idle_until) is None:
        raise INVALID_SESSION()
    return session


def authenticate(store: SessionStore, clock: Clock, token: str | None, *, idle_seconds: int) -> Session:
    """The session behind a bearer token, for a route whose data cannot be read in the session's
    request (a Query, or a write): one conditional UpdateItem that checks the session and pushes
    its idle deadline back, as cheap in requests as a read; 401 otherwise."""
    presented = ticket(token)
    now = clock()
    record = store.touch_session(presented.digest, now, now + timedelta(seconds=idle_seconds))
    return admit(record, presented, now)


def log_out(store: SessionStore, clock: Clock, session: Session) -> None:
    now = clock()
    store.close_session(session.digest, AccountEvent(session.account_id, history.event(history.DECONNEXION, now), now))


def other_sessions(store: SessionStore, session: Session) -> list[str]:
    """What a password change ends, in its own transaction: every other device must log in again;
    this one stays."""
    return [digest for digest in store.session_digests(session.account_id) if digest != session.digest]


def every_session(store: SessionStore, account_id: str) -> list[str]:
    """What a password reset ends, in its own transaction: nobody stays logged in with the old password."""
    return store.session_digests(account_id)
