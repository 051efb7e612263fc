"""Sensitive acts (contract §14): the password asked again in their body, and the notice to the holder.

The password is checked as a login checks it: the lockout refuses it while it lasts, and a wrong one
counts towards the lockout, so that a stolen session cannot guess it without limit (the email change,
the délégation's grant). A délégation granted, a password changed or reset sends the holder a notice
without a link. Like the email change's notice, it counts in the hour's email allowance (its moment
joins the account's email log in the act's own transaction, so the links and invitations asked
within the hour see it) and is not sent to an address marked `courriel_invalide` (contract §10;
nothing is counted then). Unlike a link, it is never held back by the allowance nor the reason an
act is refused: it tells the holder of something done in their name, and the acts that send one are
bounded by what they need (the password, a reset link, the invitation's own room in the allowance).
SES refusing it never fails the act (the mailer logs the refusal, without the address, and counts it).
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from ..clock import to_epoch
from . import passwords, sessions
from .errors import DeliveryFailed, FieldError, Forbidden, Refusal
from .records.accounts import Account, Credentials, FailedLogins
from .records.tokens import EmailLog

WRONG_PASSWORD = Refusal(
    Forbidden,
    "mot_de_passe_incorrect",
    "Le mot de passe saisi n'est pas le bon.",
    (FieldError("mot_de_passe", "mot_de_passe_incorrect", "Le mot de passe saisi n'est pas le bon."),),
)


@dataclass(frozen=True)
class PasswordCheck:
    """The password a request is made with, checked as a login checks it (lockout included)."""

    password: str
    lockout: sessions.Lockout


def password_check(password: str, lockout_threshold: int, lockout_seconds: int) -> PasswordCheck:
    return PasswordCheck(passwords.normalize(password), sessions.Lockout(lockout_threshold, lockout_seconds))


def confirm_password(
    store: sessions.LoginStore,
    check: PasswordCheck,
    nir: str,
    credentials: Credentials,
    attempts: FailedLogins | None,
    now: datetime,
    account_id: str,
) -> None:
    """429 `compte_verrouille` while locked (the right password included); 403 `mot_de_passe_incorrect`
    for a wrong one, counted (the failure that reaches the threshold answers the 429 already)."""
    sessions.refuse_while_locked(attempts, now)
    if not passwords.verify_password(credentials.password_hash, check.password):
        sessions.count_failure(store, nir, attempts, now, check.lockout, account_id)
        raise WRONG_PASSWORD()


def notice_due(account: Account) -> bool:
    """A notice goes to the account's address unless mails to it come back (contract §10)."""
    return not account.email_invalid


def with_notice(log: EmailLog, now: datetime) -> EmailLog:
    """An email log as an act that also sends a notice writes it: the notice's moment added."""
    return EmailLog(log.old, (*log.new, to_epoch(now)))


def send_notice(send: Callable[..., None], *arguments: object, record_id: str) -> bool:
    """The act is done whatever SES says of its notice."""
    with suppress(DeliveryFailed):
        send(*arguments, record_id=record_id)
        return True
    return False
