"""The confirmed email change ("Mes informations personnelles"): the holder asks with their password,
a link goes to the new address and a notice to the current one, and the link moves the address.

The password is checked as a login checks it: wrong passwords count towards the lockout, so that a
stolen session cannot guess it without limit. The new address is reserved only when the link is used,
in the same transaction that frees the old one; a newer request voids the older link.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from ..clock import Clock
from . import history, identity, recovery, sensitive_acts, sessions, tokens
from .errors import (
    Conflict,
    DeliveryFailed,
    Expired,
    FieldError,
    InvalidInput,
    NotFound,
    Part,
    Refusal,
    WriteConflict,
)
from .expiry import has_expired, is_live
from .ports import Mailer
from .records.accounts import Account, LoginRecordsAndReservation
from .records.tokens import EmailChange, EmailChangeUse, EmailLog, NewEmailChangeLink
from .retry import on_conflict_retry
from .states import AccountStatus

EMAILS = 2  # the link to the new address, the notice to the current one: both count in the hour's allowance

REQUESTED = (
    "Un lien de confirmation a été envoyé à votre nouvelle adresse courriel : votre adresse ne changera que "
    "lorsque vous l'aurez utilisé. Un message d'information a aussi été envoyé à votre adresse actuelle."
)
NOT_SENT = (
    "Votre demande est enregistrée, mais le courriel de confirmation n'a pas pu être envoyé pour le moment : "
    "merci de refaire la demande dans quelques instants."
)
CHANGED = "Votre adresse courriel a bien été modifiée : c'est désormais celle de votre compte."

UNCHANGED = Refusal(
    InvalidInput,
    "courriel_inchange",
    "Cette adresse courriel est déjà celle de votre compte.",
    (FieldError("courriel", "courriel_inchange", "Cette adresse courriel est déjà celle de votre compte."),),
)
WRONG_PASSWORD = sensitive_acts.WRONG_PASSWORD
TAKEN = Refusal(
    Conflict,
    "courriel_deja_utilise",
    "Cette adresse courriel est déjà utilisée par un compte.",
    (FieldError("courriel", "courriel_deja_utilise", "Cette adresse courriel est déjà utilisée par un compte."),),
)
BUSY = Refusal(
    Conflict,
    "demande_concurrente",
    "Une autre demande sur votre compte vient d'être traitée au même moment : merci de recommencer.",
)
CODE_UNKNOWN = Refusal(
    NotFound, "code_invalide", "Ce lien de confirmation n'est pas valide ou a déjà servi : faites une nouvelle demande."
)
CODE_EXPIRED = Refusal(
    Expired, "code_expire", "Ce lien de confirmation a expiré : faites une nouvelle demande de changement d'adresse."
)
ACCOUNT_NOT_FOUND = Refusal(NotFound, "compte_introuvable", "Ce compte est introuvable.")


class EmailChangeStore(sessions.LoginStore, Protocol):
    """The request checks the password like a login (lockout included); the link moves the address."""

    def get_account(self, account_id: str) -> Account | None: ...

    def get_login_records_and_reservation(self, nir: str, email_key_value: str) -> LoginRecordsAndReservation: ...

    def issue_email_change_token(self, link: NewEmailChangeLink) -> None: ...

    def give_back_emails(self, account_id: str, log: EmailLog) -> bool: ...

    def get_email_change(self, change_digest: str) -> EmailChange | None: ...

    def change_email(self, use: EmailChangeUse) -> None: ...


class _Issued(NamedTuple):
    link: NewEmailChangeLink
    notice_bounces: bool  # the current address is marked `courriel_invalide`


@dataclass(frozen=True)
class Requested:
    email_sent: bool

    @property
    def detail(self) -> str:
        return REQUESTED if self.email_sent else NOT_SENT


def request_change(
    store: EmailChangeStore,
    mailer: Mailer,
    clock: Clock,
    session: sessions.Session,
    *,
    courriel: str,
    password: str,
    ttl_seconds: int,
    lockout_threshold: int,
    lockout_seconds: int,
) -> Requested:
    """`courriel` is a valid address (the form checked it and its confirmation). Checks, in order:
    the address differs from the current one, the account is not locked, the password, the
    address is free, the hour's allowance; then the link and the notice."""
    check = sensitive_acts.password_check(password, lockout_threshold, lockout_seconds)
    token = tokens.new_secret_token()

    def attempt(number: int) -> _Issued:
        # The password is checked once; a retry only reads the account's state again.
        issued = _link(store, clock, session, courriel, token, ttl_seconds, check if number == 0 else None)
        store.issue_email_change_token(issued.link)
        return issued

    # Another request or email on this account meanwhile: read its state again.
    link, notice_bounces = on_conflict_retry(attempt, BUSY)
    expires_at = link.now + timedelta(seconds=ttl_seconds)  # the link's, as written
    if not _deliver(mailer.send_email_change_link, courriel, token, expires_at, record_id=session.account_id):
        # Nothing reached anyone: the allowance is given back so that the person can ask again at
        # once; the notice goes with the request that succeeds.
        store.give_back_emails(session.account_id, link.log)
        return Requested(email_sent=False)
    # The notice matters less than the link: if it fails, the change still waits for the link. It is
    # not sent to an address known to bounce (contract §10): the person is changing it, precisely.
    if not notice_bounces:
        notice = (link.change.old_email, identity.mask_email(courriel), expires_at)
        _deliver(mailer.send_email_change_notice, *notice, record_id=session.account_id)
    return Requested(email_sent=True)


def _link(
    store: EmailChangeStore,
    clock: Clock,
    session: sessions.Session,
    courriel: str,
    token: str,
    ttl_seconds: int,
    check: sensitive_acts.PasswordCheck | None,
) -> _Issued:
    """What the request writes, from the account's state as read now, if every rule holds."""
    new_key = identity.email_key(courriel)
    account = store.get_account(session.account_id)
    if account is None or account.status != AccountStatus.ACTIVE:
        raise ACCOUNT_NOT_FOUND()
    if identity.email_key(account.courriel) == new_key:
        raise UNCHANGED()
    credentials, attempts, reservation = store.get_login_records_and_reservation(account.nir, new_key)
    if credentials is None or credentials.account_id != session.account_id:
        raise ACCOUNT_NOT_FOUND()
    now = clock()
    if check is not None:
        sensitive_acts.confirm_password(store, check, account.nir, credentials, attempts, now, session.account_id)
    if is_live(reservation, now):  # the new address is held by another account (or registration)
        raise TAKEN()
    log = recovery.email_log_with(account, now, EMAILS)
    if log is None:
        raise recovery.allowance_refused(account, now, EMAILS)
    change = EmailChange(
        tokens.digest(token),
        session.account_id,
        courriel,
        new_key,
        account.courriel,
        identity.email_key(account.courriel),
        now + timedelta(seconds=ttl_seconds),
    )
    event = history.event(history.COURRIEL_DEMANDE, now, nouveau=identity.mask_email(courriel))
    return _Issued(NewEmailChangeLink(account.email_change_digest, change, log, event, now), account.email_invalid)


def confirm_change(store: EmailChangeStore, clock: Clock, code: str) -> str:
    """Move the address from the link; returns the new address."""
    if not tokens.is_well_formed_token(code):
        raise CODE_UNKNOWN()
    digest = tokens.digest(code)
    now = clock()
    change = _usable(store.get_email_change(digest), now)
    event = history.event(
        history.COURRIEL,
        now,
        ancien=identity.mask_email(change.old_email),
        nouveau=identity.mask_email(change.new_email),
    )
    try:
        store.change_email(EmailChangeUse(change, event, now))
    except WriteConflict as conflict:
        if Part.EMAIL_CHANGE in conflict.failed:
            _usable(conflict.found(Part.EMAIL_CHANGE, EmailChange), now)
        if Part.EMAIL in conflict.failed:
            raise TAKEN() from None  # taken meanwhile: nothing changed, the old address stays
        raise CODE_UNKNOWN() from None  # a newer request has voided this link
    return change.new_email


def _usable(change: EmailChange | None, now: datetime) -> EmailChange:
    if change is None:
        raise CODE_UNKNOWN()
    if has_expired(change, now):
        raise CODE_EXPIRED()
    return change


def _deliver(send: Callable[..., None], *arguments: object, record_id: str) -> bool:
    """The link is written whatever SES says: if it fails, the person asks again (the mailer logs
    the failure, without the address)."""
    with suppress(DeliveryFailed):
        send(*arguments, record_id=record_id)
        return True
    return False
