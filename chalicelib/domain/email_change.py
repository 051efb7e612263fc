"""The confirmed email change ("Mes informations personnelles"): the holder asks with their password,
a link goes to the new address and a notice to the current one, and the link moves the address.

The password is checked as a login checks it: wrong passwords count towards the lockout, so that a
stolen session cannot guess it without limit. The new address is reserved only when the link is used,
in the same transaction that frees the old one; a newer request voids the older link.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from . import history, identity, passwords, recovery, sessions, tokens
from .errors import Conflict, DeliveryFailed, Expired, FieldError, Forbidden, InvalidInput, NotFound, WriteConflict
from .expiry import has_expired, is_live
from .states import AccountStatus

EMAILS = 2  # the link to the new address, the notice to the current one: both count in the hour's allowance
ATTEMPTS = 3  # a request that meets another email sent meanwhile reads again, this many times at most

REQUESTED = (
    "Un lien de confirmation a été envoyé à votre nouvelle adresse courriel : votre adresse ne changera que "
    "lorsque vous l'aurez utilisé. Un message d'information a aussi été envoyé à votre adresse actuelle."
)
NOT_SENT = (
    "Votre demande est enregistrée, mais le courriel de confirmation n'a pas pu être envoyé pour le moment : "
    "merci de refaire la demande dans quelques instants."
)
CHANGED = "Votre adresse courriel a bien été modifiée : c'est désormais celle de votre compte."

UNCHANGED = InvalidInput(
    "courriel_inchange",
    "Cette adresse courriel est déjà celle de votre compte.",
    [FieldError("courriel", "courriel_inchange", "Cette adresse courriel est déjà celle de votre compte.")],
)
WRONG_PASSWORD = Forbidden(
    "mot_de_passe_incorrect",
    "Le mot de passe saisi n'est pas le bon.",
    [FieldError("mot_de_passe", "mot_de_passe_incorrect", "Le mot de passe saisi n'est pas le bon.")],
)
TAKEN = Conflict(
    "courriel_deja_utilise",
    "Cette adresse courriel est déjà utilisée par un compte.",
    [FieldError("courriel", "courriel_deja_utilise", "Cette adresse courriel est déjà utilisée par un compte.")],
)
BUSY = Conflict(
    "demande_concurrente",
    "Une autre demande sur votre compte vient d'être traitée au même moment : merci de recommencer.",
)
CODE_UNKNOWN = NotFound(
    "code_invalide", "Ce lien de confirmation n'est pas valide ou a déjà servi : faites une nouvelle demande."
)
CODE_EXPIRED = Expired(
    "code_expire", "Ce lien de confirmation a expiré : faites une nouvelle demande de changement d'adresse."
)
ACCOUNT_NOT_FOUND = NotFound("compte_introuvable", "Ce compte est introuvable.")


class EmailChangeStore(sessions.LoginStore, Protocol):
    """The request checks the password like a login (lockout included); the link moves the address."""

    def get_account(self, account_id: str) -> dict | None: ...

    def get_login_records_and_reservation(
        self, nir: str, email_key_value: str
    ) -> tuple[dict | None, dict | None, dict | None]: ...

    def issue_email_change_token(
        self,
        *,
        account_id: str,
        current_email: str,
        old_digest: str | None,
        new_digest: str,
        change: dict,
        expires: datetime,
        old_log: list[int],
        new_log: list[int],
        event: dict,
        now: datetime,
    ) -> None: ...

    def give_back_emails(self, account_id: str, sent_log: list[int], previous_log: list[int]) -> bool: ...

    def get_email_change(self, change_digest: str) -> dict | None: ...

    def change_email(self, *, change_digest: str, change: dict, event: dict, now: datetime) -> None: ...


@dataclass(frozen=True)
class Requested:
    email_sent: bool

    @property
    def detail(self) -> str:
        return REQUESTED if self.email_sent else NOT_SENT


def request_change(
    store: EmailChangeStore,
    mailer,
    clock,
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
    password = passwords.normalize(password)
    new_key = identity.email_key(courriel)
    for attempt in range(ATTEMPTS):
        account = store.get_account(session.account_id)
        if account is None or account.get("statut") != AccountStatus.ACTIVE:
            raise ACCOUNT_NOT_FOUND
        if identity.email_key(account["courriel"]) == new_key:
            raise UNCHANGED
        credentials, attempts, holder = store.get_login_records_and_reservation(account["nir"], new_key)
        if credentials is None or credentials.get("compte_id") != session.account_id:
            raise ACCOUNT_NOT_FOUND
        now = clock()
        if attempt == 0:  # the password is checked once; a retry only reads the account's state again
            sessions.refuse_while_locked(attempts, now)
            if not passwords.verify_password(credentials["mot_de_passe"], password):
                sessions.count_failure(
                    store, account["nir"], attempts, now, lockout_threshold, lockout_seconds, session.account_id
                )
                raise WRONG_PASSWORD
        if is_live(holder, now):
            raise TAKEN
        log = recovery.email_log_with(account, now, EMAILS)
        if log is None:
            raise recovery.allowance_refused(account, now, EMAILS)
        token = tokens.new_secret_token()
        expires = now + timedelta(seconds=ttl_seconds)
        try:
            store.issue_email_change_token(
                account_id=session.account_id,
                current_email=account["courriel"],
                old_digest=account.get("changement_courriel_empreinte"),
                new_digest=tokens.digest(token),
                change={
                    "compte_id": session.account_id,
                    "courriel": courriel,
                    "courriel_cle": new_key,
                    "ancien_courriel": account["courriel"],
                    "ancien_courriel_cle": identity.email_key(account["courriel"]),
                },
                expires=expires,
                old_log=account.get("envois_courriel", []),
                new_log=log,
                event=history.event(history.COURRIEL_DEMANDE, now, nouveau=identity.mask_email(courriel)),
                now=now,
            )
        except WriteConflict:
            continue  # another request or email on this account meanwhile: read its state again
        break
    else:
        raise BUSY
    if not _deliver(mailer.send_email_change_link, courriel, token, expires, record_id=session.account_id):
        # Nothing reached anyone: the allowance is given back so that the person can ask again at
        # once; the notice goes with the request that succeeds.
        store.give_back_emails(session.account_id, log, account.get("envois_courriel", []))
        return Requested(email_sent=False)
    # The notice matters less than the link: if it fails, the change still waits for the link. It is
    # not sent to an address known to bounce (contract §10): the person is changing it, precisely.
    if not account.get("courriel_invalide"):
        notice = (account["courriel"], identity.mask_email(courriel), expires)
        _deliver(mailer.send_email_change_notice, *notice, record_id=session.account_id)
    return Requested(email_sent=True)


def confirm_change(store: EmailChangeStore, clock, code: str) -> str:
    """Move the address from the link; returns the new address."""
    if not tokens.is_well_formed_token(code):
        raise CODE_UNKNOWN
    digest = tokens.digest(code)
    now = clock()
    change = store.get_email_change(digest)
    _refuse_unusable(change, now)
    event = history.event(
        history.COURRIEL,
        now,
        ancien=identity.mask_email(change["ancien_courriel"]),
        nouveau=identity.mask_email(change["courriel"]),
    )
    try:
        store.change_email(change_digest=digest, change=change, event=event, now=now)
    except WriteConflict as conflict:
        if "changement" in conflict.failed:
            _refuse_unusable(conflict.current.get("changement"), now)
        if "courriel" in conflict.failed:
            raise TAKEN from None  # taken meanwhile: nothing changed, the old address stays
        raise CODE_UNKNOWN from None  # a newer request has voided this link
    return change["courriel"]


def _refuse_unusable(change: dict | None, now: datetime) -> None:
    if change is None:
        raise CODE_UNKNOWN
    if has_expired(change, now):
        raise CODE_EXPIRED


def _deliver(send, *arguments, record_id: str) -> bool:
    """The link is written whatever SES says: if it fails, the person asks again (the mailer logs
    the failure, without the address)."""
    with suppress(DeliveryFailed):
        send(*arguments, record_id=record_id)
        return True
    return False
