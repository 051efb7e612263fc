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
from typing import Protocol

from ..clock import to_epoch
from . import history, identity, passwords, sessions, tokens
from .errors import DeliveryFailed, Expired, InvalidInput, InvalidValue, NotFound, TooManyAttempts, WriteConflict
from .expiry import expiry, has_expired, is_live
from .states import AccountStatus

EMAILS_PER_HOUR = 3
WINDOW = timedelta(hours=1)

ACCEPTED = (
    "Si les informations saisies correspondent à un compte, un courriel vient d'être envoyé à l'adresse "
    "indiquée. Pensez à vérifier vos courriers indésirables."
)
RESET_DONE = "Votre mot de passe a bien été modifié : vous pouvez vous connecter avec votre nouveau mot de passe."
CODE_UNKNOWN = NotFound(
    "code_invalide", "Ce lien de réinitialisation n'est pas valide ou a déjà servi : faites une nouvelle demande."
)
CODE_EXPIRED = Expired(
    "code_expire", "Ce lien de réinitialisation a expiré : faites une nouvelle demande de mot de passe oublié."
)


class RecoveryStore(sessions.SessionStore, Protocol):
    """What the recovery routes read and write; a reset also ends every session."""

    def get_reservations(self, nir: str, email_key_value: str) -> tuple[dict | None, dict | None]: ...

    def get_account(self, account_id: str) -> dict | None: ...

    def replace_activation_token(
        self,
        *,
        account_id: str,
        old_digest: str,
        new_digest: str,
        activation: dict,
        expires: datetime,
        old_log: list[int],
        new_log: list[int],
        now: datetime,
    ) -> None: ...

    def issue_reset_token(
        self,
        *,
        account_id: str,
        old_digest: str | None,
        new_digest: str,
        reset: dict,
        expires: datetime,
        old_log: list[int],
        new_log: list[int],
    ) -> None: ...

    def get_reset(self, reset_digest: str) -> dict | None: ...

    def reset_password(
        self,
        *,
        reset_digest: str,
        reset: dict,
        password_hash: str,
        event: dict,
        now: datetime,
        ended_sessions: list[str] = ...,
    ) -> None: ...


def resend_activation(store: RecoveryStore, mailer, clock, *, nir: str, courriel: str) -> None:
    """A new activation link for a pending account still within its 15 days; the old link stops working."""
    now = clock()
    allowed = _email_allowed(store, now, nir, courriel, status=AccountStatus.PENDING)
    if allowed is None:
        return
    account_id, account, log = allowed
    token = tokens.new_secret_token()
    deadline = expiry(account)  # the registration's own 15 days: a new link does not extend them
    try:
        store.replace_activation_token(
            account_id=account_id,
            old_digest=account["activation_empreinte"],
            new_digest=tokens.digest(token),
            activation={
                "compte_id": account_id,
                "nir": account["nir"],
                "courriel_cle": identity.email_key(account["courriel"]),
                "evenement_inscription": account["evenement_inscription"],
            },
            expires=deadline,
            old_log=account.get("envois_courriel", []),
            new_log=log,
            now=now,
        )
    except WriteConflict:
        return  # activated, expired or resent meanwhile: nothing to send
    _deliver(mailer.send_activation, account["courriel"], token, deadline, account_id)


def request_reset(store: RecoveryStore, mailer, clock, *, nir: str, courriel: str, ttl_seconds: int) -> None:
    """A single-use reset link for an active account; a newer request voids the older link."""
    now = clock()
    allowed = _email_allowed(store, now, nir, courriel, status=AccountStatus.ACTIVE)
    if allowed is None:
        return
    account_id, account, log = allowed
    token = tokens.new_secret_token()
    deadline = now + timedelta(seconds=ttl_seconds)
    try:
        store.issue_reset_token(
            account_id=account_id,
            old_digest=account.get("reinitialisation_empreinte"),
            new_digest=tokens.digest(token),
            reset={"compte_id": account_id, "nir": account["nir"]},
            expires=deadline,
            old_log=account.get("envois_courriel", []),
            new_log=log,
        )
    except WriteConflict:
        return  # another request got there first: its link is the one that counts
    # Sent even to an address marked `courriel_invalide`: the person asks for it themselves (§10).
    _deliver(mailer.send_password_reset, account["courriel"], token, deadline, account_id)


def reset_password(store: RecoveryStore, clock, *, code: str, password: str, confirmation: str, policy: str) -> None:
    """Set a new password from a reset link; every session of the account ends, a lockout is cleared."""
    if not tokens.is_well_formed_token(code):
        raise CODE_UNKNOWN
    digest = tokens.digest(code)
    now = clock()
    reset = store.get_reset(digest)
    _refuse_unusable(reset, now)
    password, confirmation = passwords.normalize(password), passwords.normalize(confirmation)
    errors = passwords.check_new_password(policy, password, confirmation)
    if errors:
        raise InvalidInput("mot_de_passe_invalide", "Le mot de passe ne respecte pas les règles indiquées.", errors)
    try:
        store.reset_password(
            reset_digest=digest,
            reset=reset,
            password_hash=passwords.hash_password(password),
            event=history.event(history.MOT_DE_PASSE_REINITIALISE, now),
            now=now,
            ended_sessions=sessions.every_session(store, reset["compte_id"]),
        )
    except WriteConflict as conflict:
        if "reinitialisation" in conflict.failed:
            _refuse_unusable(conflict.current.get("reinitialisation"), now)
        raise CODE_UNKNOWN from None  # a newer request has voided this link


def _refuse_unusable(reset: dict | None, now: datetime) -> None:
    if reset is None:
        raise CODE_UNKNOWN
    if has_expired(reset, now):
        raise CODE_EXPIRED


def _email_allowed(
    store: RecoveryStore, now: datetime, nir: str, courriel: str, status: str
) -> tuple[str, dict, list[int]] | None:
    """The account to email, and its email log with this sending added; None when there is no such
    account or its hourly allowance is used up (the caller answers the same either way)."""
    found = _matching_account(store, now, nir, courriel, status)
    if found is None:
        return None
    account_id, account = found
    log = _log_with_one_more(account, now)
    return None if log is None else (account_id, account, log)


def _matching_account(
    store: RecoveryStore, now: datetime, nir: str, courriel: str, status: str
) -> tuple[str, dict] | None:
    """The account the NIR and the email both lead to, if it has this status and is live."""
    compact_nir = identity.parse_nir_leniently(nir)
    try:
        email = identity.normalize_email(courriel)
    except InvalidValue:
        return None
    if compact_nir is None:
        return None
    credentials, email_holder = store.get_reservations(compact_nir, identity.email_key(email))
    if not (is_live(credentials, now) and is_live(email_holder, now)):
        return None
    account_id = credentials["compte_id"]
    if email_holder["compte_id"] != account_id or credentials["statut"] != status:
        return None
    account = store.get_account(account_id)
    if not is_live(account, now) or account.get("statut") != status:
        return None
    return account_id, account


def _log_with_one_more(account: dict, now: datetime) -> list[int] | None:
    """The email log with this sending added, or None when the hour's allowance is used up."""
    return email_log_with(account, now)


def email_log_with(account: dict, now: datetime, emails: int = 1) -> list[int] | None:
    """The account's email log with `emails` more sent now, or None when the hour's allowance
    (EMAILS_PER_HOUR, the activation, reset, email change and invitation emails alike) cannot take them."""
    since = to_epoch(now - WINDOW)
    recent = [moment for moment in account.get("envois_courriel", []) if moment > since]
    if len(recent) + emails > EMAILS_PER_HOUR:
        return None
    return recent + [to_epoch(now)] * emails


def allowance_refused(account: dict, now: datetime, emails: int = 1) -> TooManyAttempts:
    """What a signed-in person is told when the hour's allowance cannot take `emails` more: when to retry."""
    since = to_epoch(now - WINDOW)
    recent = sorted(moment for moment in account.get("envois_courriel", []) if moment > since)
    freed_by = recent[max(0, min(len(recent) - 1, len(recent) + emails - EMAILS_PER_HOUR - 1))] if recent else since
    seconds = max(1, freed_by + int(WINDOW.total_seconds()) - to_epoch(now))
    minutes = math.ceil(seconds / 60)
    return TooManyAttempts(
        "envois_trop_nombreux",
        f"Trop de courriels ont été envoyés pour votre compte dans l'heure : merci de réessayer dans {minutes} "
        f"minute{'s' if minutes > 1 else ''}.",
        seconds,
    )


def _deliver(send, recipient: str, token: str, deadline: datetime, account_id: str) -> None:
    # The link is written; the person can ask again (the mailer has logged the failure).
    with suppress(DeliveryFailed):
        send(recipient, token, deadline, record_id=account_id)
