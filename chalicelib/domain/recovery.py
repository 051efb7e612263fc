"""Account recovery: "Mot de passe oublié" and "Je n'ai pas reçu le courriel".

Both requests answer the same whatever they are given, so that nobody learns whether an account
exists; an email goes only when the NIR and the address both belong to the right kind of account.
At most `EMAILS_PER_HOUR` emails go to one account in an hour (the registration email, and the email
change's and the delegation invitation's, count too): past that, the answer stays the same and
nothing is sent.
"""

import math
from contextlib import suppress
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from ..clock import Clock, to_epoch
from . import history, identity, passwords, sensitive_acts, sessions, tokens
from .delegations.rules import OPEN, revocation_of, status_of
from .errors import (
    Conflict,
    DeliveryFailed,
    Expired,
    InvalidValue,
    NotFound,
    Part,
    Refusal,
    TooManyAttempts,
    WriteConflict,
)
from .expiry import has_expired, is_live
from .ports import LinkSender, Mailer
from .records.accounts import Account, Credentials, EmailReservation
from .records.delegations import Delegation
from .records.tokens import Activation, EmailLog, NewActivationLink, NewResetLink, PasswordReset, Reset
from .retry import on_conflict_retry
from .states import AccountStatus

EMAILS_PER_HOUR = 3
TOO_MANY_EMAILS = Refusal(TooManyAttempts, "envois_trop_nombreux")  # said to a signed-in person only
WINDOW = timedelta(hours=1)

ACCEPTED = (
    "Si les informations saisies correspondent à un compte, un courriel vient d'être envoyé à l'adresse "
    "indiquée. Pensez à vérifier vos courriers indésirables."
)
RESET_DONE = "Votre mot de passe a bien été modifié : vous pouvez vous connecter avec votre nouveau mot de passe."
CODE_UNKNOWN = Refusal(
    NotFound,
    "code_invalide",
    "Ce lien de réinitialisation n'est pas valide ou a déjà servi : faites une nouvelle demande.",
)
CODE_EXPIRED = Refusal(
    Expired, "code_expire", "Ce lien de réinitialisation a expiré : faites une nouvelle demande de mot de passe oublié."
)
# What a délégation revoked with the reset names when it changed between the read and the write.
DELEGATION_PARTS = frozenset({Part.DELEGATION, Part.COPY, Part.INVITATION})
# A reset that kept meeting acceptances of its délégations (never seen: one meeting settles it).
BUSY = Refusal(
    Conflict,
    "demande_concurrente",
    "Une autre demande sur votre compte vient d'être traitée au même moment : merci de recommencer.",
)


class RecoveryStore(sessions.SessionStore, Protocol):
    """What the recovery routes read and write; a reset also ends every session, and may end every délégation."""

    def get_account_and_delegations(self, account_id: str) -> tuple[Account | None, list[Delegation]]: ...

    def get_reservations(
        self, nir: str, email_key_value: str
    ) -> tuple[Credentials | None, EmailReservation | None]: ...

    def get_account(self, account_id: str) -> Account | None: ...

    def replace_activation_token(self, link: NewActivationLink) -> None: ...

    def issue_reset_token(self, link: NewResetLink) -> None: ...

    def get_reset(self, reset_digest: str) -> Reset | None: ...

    def reset_password(self, done: PasswordReset) -> None: ...


def resend_activation(store: RecoveryStore, mailer: Mailer, clock: Clock, *, nir: str, courriel: str) -> None:
    """A new activation link for a pending account still within its 15 days; the old link stops working."""
    now = clock()
    allowed = _email_allowed(store, now, nir, courriel, status=AccountStatus.PENDING)
    if allowed is None:
        return
    account, log = allowed
    old_digest = account.activation_digest
    if old_digest is None:
        return
    secret = tokens.new_secret_token()
    deadline = account.expires_at  # the registration's own 15 days: a new link does not extend them
    activation = Activation(
        tokens.digest(secret),
        account.id,
        account.nir,
        identity.email_key(account.courriel),
        account.registration_event,
        expires_at=deadline,
        franceconnect_sub=account.franceconnect_sub,
    )
    try:
        store.replace_activation_token(NewActivationLink(old_digest, activation, log, now))
    except WriteConflict:
        return  # activated, expired or resent meanwhile: nothing to send
    if deadline is not None:
        _deliver(mailer.send_activation, account.courriel, secret, deadline, account.id)


def request_reset(
    store: RecoveryStore, mailer: Mailer, clock: Clock, *, nir: str, courriel: str, ttl_seconds: int
) -> None:
    """A single-use reset link for an active account; a newer request voids the older link."""
    now = clock()
    allowed = _email_allowed(store, now, nir, courriel, status=AccountStatus.ACTIVE)
    if allowed is None:
        return
    account, log = allowed
    token = tokens.new_secret_token()
    deadline = now + timedelta(seconds=ttl_seconds)
    reset = Reset(tokens.digest(token), account.id, account.nir, deadline)
    try:
        store.issue_reset_token(NewResetLink(account.reset_digest, reset, log))
    except WriteConflict:
        return  # another request got there first: its link is the one that counts
    # Sent even to an address marked `courriel_invalide`: the person asks for it themselves (§10).
    _deliver(mailer.send_password_reset, account.courriel, token, deadline, account.id)


def reset_password(
    store: RecoveryStore,
    mailer: Mailer,
    clock: Clock,
    *,
    code: str,
    password: str,
    confirmation: str,
    policy: str,
    end_delegations: bool = False,
) -> None:
    """Set a new password from a reset link; every session of the account ends, a lockout is cleared,
    and with `end_delegations` every délégation it granted that is pending or active is revoked in the
    same transaction (as DELETE /titulaire/delegations/{id} does). The holder gets a notice.

    A délégation accepted or revoked between the read and the write fails the transaction, which
    changes nothing: its records are read again and the reset tried again with what they say."""
    if not tokens.is_well_formed_token(code):
        raise CODE_UNKNOWN()
    digest = tokens.digest(code)
    reset = _usable(store.get_reset(digest), clock())
    password, confirmation = passwords.normalize(password), passwords.normalize(confirmation)
    errors = passwords.check_new_password(policy, password, confirmation)
    if errors:
        raise passwords.refused(errors)
    password_hash = passwords.hash_password(password)
    ended = tuple(sessions.every_session(store, reset.account_id))

    def attempt(_: int) -> tuple[PasswordReset, Account | None]:
        now = clock()
        if end_delegations:
            account, granted = store.get_account_and_delegations(reset.account_id)
        else:
            account, granted = store.get_account(reset.account_id), []
        opened = ((delegation, status_of(delegation, now)) for delegation in granted)
        revocations = tuple(revocation_of(delegation, status, now) for delegation, status in opened if status in OPEN)
        notice = account is not None and sensitive_acts.notice_due(account)
        event = history.event(history.MOT_DE_PASSE_REINITIALISE, now)
        done = PasswordReset(reset, password_hash, event, now, ended, revocations, now if notice else None)
        try:
            store.reset_password(done)
        except WriteConflict as conflict:
            if Part.RESET in conflict.failed:
                _usable(conflict.found(Part.RESET, Reset), now)
                raise CODE_UNKNOWN() from None
            if conflict.failed & DELEGATION_PARTS and Part.ACCOUNT not in conflict.failed:
                raise  # a délégation changed meanwhile (accepted, revoked): read again
            raise CODE_UNKNOWN() from None  # a newer request has voided this link
        return done, account

    done, account = on_conflict_retry(attempt, BUSY)
    if done.notice_at is not None and account is not None:
        notice = (account.courriel, done.notice_at, len(done.revocations))
        sensitive_acts.send_notice(mailer.send_password_reset_notice, *notice, record_id=account.id)


def _usable(reset: Reset | None, now: datetime) -> Reset:
    if reset is None:
        raise CODE_UNKNOWN()
    if has_expired(reset, now):
        raise CODE_EXPIRED()
    return reset


class _Allowed(NamedTuple):
    account: Account
    log: EmailLog


def _email_allowed(store: RecoveryStore, now: datetime, nir: str, courriel: str, status: str) -> _Allowed | None:
    """The account to email, and its email log with this sending added; None when there is no such
    account or its hourly allowance is used up (the caller answers the same either way)."""
    account = _matching_account(store, now, nir, courriel, status)
    if account is None:
        return None
    log = email_log_with(account, now)
    return None if log is None else _Allowed(account, log)


def _matching_account(store: RecoveryStore, now: datetime, nir: str, courriel: str, status: str) -> Account | None:
    """The account the NIR and the email both lead to, if it has this status and is live."""
    compact_nir = identity.parse_nir_leniently(nir)
    try:
        email = identity.normalize_email(courriel)
    except InvalidValue:
        return None
    if compact_nir is None:
        return None
    credentials, reservation = store.get_reservations(compact_nir, identity.email_key(email))
    if not (is_live(credentials, now) and is_live(reservation, now)):
        return None
    if reservation.account_id != credentials.account_id or credentials.status != status:
        return None
    account = store.get_account(credentials.account_id)
    if not is_live(account, now) or account.status != status:
        return None
    return account


def email_log_with(account: Account, now: datetime, emails: int = 1) -> EmailLog | None:
    """The account's email log as read, and with `emails` more sent now; None when the hour's allowance
    (EMAILS_PER_HOUR, the activation, reset, email change and invitation emails alike) cannot take them."""
    since = to_epoch(now - WINDOW)
    recent = [moment for moment in account.email_log if moment > since]
    if len(recent) + emails > EMAILS_PER_HOUR:
        return None
    return EmailLog(account.email_log, (*recent, *[to_epoch(now)] * emails))


def allowance_refused(account: Account, now: datetime, emails: int = 1) -> TooManyAttempts:
    """What a signed-in person is told when the hour's allowance cannot take `emails` more: when to retry."""
    since = to_epoch(now - WINDOW)
    recent = sorted(moment for moment in account.email_log if moment > since)
    freed_by = recent[max(0, min(len(recent) - 1, len(recent) + emails - EMAILS_PER_HOUR - 1))] if recent else since
    seconds = max(1, freed_by + int(WINDOW.total_seconds()) - to_epoch(now))
    minutes = math.ceil(seconds / 60)
    return TOO_MANY_EMAILS(
        f"Trop de courriels ont été envoyés pour votre compte dans l'heure : merci de réessayer dans {minutes} "
        f"minute{'s' if minutes > 1 else ''}.",
        retry_after_seconds=seconds,
    )


def _deliver(send: LinkSender, recipient: str, token: str, deadline: datetime, account_id: str) -> None:
    # The link is written; the person can ask again (the mailer has logged the failure).
    with suppress(DeliveryFailed):
        send(recipient, token, deadline, record_id=account_id)
