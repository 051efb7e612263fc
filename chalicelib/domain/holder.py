"""The holder space ("Espace Titulaire") once logged in: the synthesis, the personal information,
the password, the history."""

from dataclasses import dataclass
from typing import Protocol

from ..clock import Clock
from . import history, hours, passwords, sensitive_acts, sessions
from .errors import Conflict, FieldError, InvalidInput, Refusal, UnknownPosition, WriteConflict
from .ports import Mailer
from .records.accounts import Account, InformationsChange, PasswordChange
from .records.history import HistoryPage
from .records.hours import Rights
from .records.people import Names
from .records.sessions import SessionRecord

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class Synthesis:
    """ "Synthèse de votre compte": who, the hours still free, the dossiers."""

    names: Names
    cpf_free: int
    dif_free: int | None  # None until the DIF is entered
    dif_editable: bool
    dossiers_open: int
    dossiers_closed: int
    email_invalid: bool  # mails to the account's address come back (a bounce or a complaint)
    identity_verified: bool = False  # with FranceConnect (contract §14)


UPDATED = hours.UPDATED

# What "Mes informations personnelles" lets the holder change, in the order the portal shows them.
EDITABLE_FIELDS = ("civilite", "prenom", "telephone_fixe", "telephone_portable")
FIELD_NAMES = {
    "civilite": "civilité",
    "prenom": "prénom",
    "telephone_fixe": "téléphone fixe",
    "telephone_portable": "téléphone portable",
}

NOTHING_TO_CHANGE = Refusal(InvalidInput, "aucune_modification", "Aucune information à modifier n'a été envoyée.")
WRONG_CURRENT_PASSWORD = Refusal(
    InvalidInput,
    "mot_de_passe_actuel_incorrect",
    "Le mot de passe actuel saisi n'est pas le bon.",
    (
        FieldError(
            "mot_de_passe_actuel", "mot_de_passe_actuel_incorrect", "Le mot de passe actuel saisi n'est pas le bon."
        ),
    ),
)
PASSWORD_CHANGED_MEANWHILE = Refusal(
    InvalidInput,
    "mot_de_passe_actuel_incorrect",
    "Votre mot de passe vient d'être modifié par ailleurs : merci de recommencer.",
    (
        FieldError(
            "mot_de_passe_actuel", "mot_de_passe_actuel_incorrect", "Le mot de passe actuel a changé entre-temps."
        ),
    ),
)
# The address is changed by a confirmed change (chalicelib/domain/email_change.py), never by PATCH.
EMAIL_NOT_HERE = Refusal(
    Conflict,
    "courriel_non_modifiable",
    "L'adresse courriel ne se modifie pas ici mais par un changement confirmé (POST /titulaire/courriel) : "
    "saisissez la nouvelle adresse et votre mot de passe, un lien de confirmation sera envoyé à la nouvelle adresse.",
)
INVALID_CURSOR = Refusal(
    InvalidInput, "curseur_invalide", "Ce curseur de pagination n'est pas valide : repartez de la première page."
)


class AccountStore(hours.AccountReader, sessions.SessionStore, Protocol):
    """The synthesis and "Mes informations personnelles", each read beside the caller's session."""

    def get_account_and_rights(self, account_id: str, rights_id: str) -> tuple[Account | None, Rights | None]: ...

    def get_session_account_and_rights(
        self, session_digest: str, account_id: str, rights_id: str
    ) -> tuple[SessionRecord | None, Account | None, Rights | None]: ...

    def get_session_and_account(
        self, session_digest: str, account_id: str
    ) -> tuple[SessionRecord | None, Account | None]: ...

    def update_account_fields(self, change: InformationsChange) -> None: ...


class PasswordChangeStore(sessions.LoginStore, sessions.SessionStore, Protocol):
    """A password change checks the current password like a login (lockout included), then ends
    the other sessions."""

    def get_account(self, account_id: str) -> Account | None: ...

    def change_password(self, change: PasswordChange) -> None: ...


class HistoryStore(Protocol):
    def history_page(self, account_id: str, cursor: str | None, limit: int) -> HistoryPage: ...


def _account(store: hours.AccountReader, account_id: str) -> Account:
    account = store.get_account(account_id)
    if account is None:
        raise hours.ACCOUNT_NOT_FOUND()
    return account


def synthesis(store: AccountStore, clock: Clock, ticket: sessions.Ticket, *, idle_seconds: int) -> Synthesis:
    """ "Synthèse de votre compte": the session, the account (names, dossier counts) and its NIR's
    rights (the hours), one BatchGetItem (and the session's idle deadline pushed back when it has
    aged). Hours are those still free: not held by a validated dossier nor spent."""
    record, account, rights = store.get_session_account_and_rights(ticket.digest, ticket.account_id, ticket.rights_id)
    sessions.admit_and_keep_alive(store, record, ticket, clock(), idle_seconds=idle_seconds)
    if account is None:
        raise hours.ACCOUNT_NOT_FOUND()
    return synthesis_of(account, rights)


def synthesis_of(account: Account, rights: Rights | None, *, for_delegate: bool = False) -> Synthesis:
    """The counts of a delegate's synthesis leave confidential dossiers out."""
    figures = hours.figures(rights)
    counts = account.dossiers
    hidden = (counts.confidential_open, counts.confidential_closed) if for_delegate else (0, 0)
    return Synthesis(
        account.names,
        cpf_free=figures.cpf_free,
        dif_free=figures.dif_free if figures.dif_entered else None,
        dif_editable=not (rights is not None and rights.dif_locked),
        dossiers_open=counts.open - hidden[0],
        dossiers_closed=counts.closed - hidden[1],
        email_invalid=account.email_invalid and not for_delegate,  # the holder's business (§10)
        identity_verified=account.identity_verified_at is not None,
    )


def informations(store: AccountStore, clock: Clock, ticket: sessions.Ticket, *, idle_seconds: int) -> Account:
    """ "Mes informations personnelles" (the answer masks the NIR). The session and the account in
    one BatchGetItem, as the synthesis."""
    record, account = store.get_session_and_account(ticket.digest, ticket.account_id)
    sessions.admit_and_keep_alive(store, record, ticket, clock(), idle_seconds=idle_seconds)
    if account is None:
        raise hours.ACCOUNT_NOT_FOUND()
    return account


def change_informations(
    store: AccountStore, clock: Clock, account_id: str, changes: dict[str, str | None]
) -> dict[str, str | None]:
    """`changes` holds validated values; None clears an optional field. Returns what was changed."""
    changes = {name: changes[name] for name in EDITABLE_FIELDS if name in changes}
    if not changes:
        raise NOTHING_TO_CHANGE()
    now = clock()
    event = history.event(history.INFORMATIONS, now, champs=", ".join(FIELD_NAMES[name] for name in changes))
    values = tuple((name, value) for name, value in changes.items() if value is not None)
    cleared = tuple(name for name, value in changes.items() if value is None)
    try:
        store.update_account_fields(InformationsChange(account_id, values, cleared, event, now))
    except WriteConflict:
        raise hours.ACCOUNT_NOT_FOUND() from None
    return changes


def change_password(
    store: PasswordChangeStore,
    mailer: Mailer,
    clock: Clock,
    session: sessions.Session,
    *,
    current: str,
    new: str,
    confirmation: str,
    policy: str,
    lockout_threshold: int,
    lockout_seconds: int,
) -> int:
    """Check the current password, apply the rule, store the new hash, end the other sessions, and
    send the holder a notice (counted in the email log in the same transaction; never refused for
    the hour's allowance: see sensitive_acts). Returns how many other sessions were ended.

    Wrong current passwords count towards the login lockout: a stolen session must not become a
    way to guess the password without limit."""
    current, new, confirmation = (passwords.normalize(value) for value in (current, new, confirmation))
    errors = passwords.check_new_password(
        policy, new, confirmation, field="nouveau_mot_de_passe", confirmation_field="confirmation"
    )
    account = _account(store, session.account_id)
    credentials, attempts, _ = store.get_login_records(account.nir)
    if credentials is None or credentials.account_id != session.account_id:
        raise hours.ACCOUNT_NOT_FOUND()
    sessions.refuse_while_locked(attempts, clock())
    if not passwords.verify_password(credentials.password_hash, current):
        lockout = sessions.Lockout(lockout_threshold, lockout_seconds)
        sessions.count_failure(store, account.nir, attempts, clock(), lockout, session.account_id)
        raise WRONG_CURRENT_PASSWORD(erreurs=errors)
    if errors:
        raise passwords.refused(errors)
    now = clock()
    ended = tuple(sessions.other_sessions(store, session))
    event = history.event(history.MOT_DE_PASSE, now)
    notice = sensitive_acts.notice_due(account)
    change = PasswordChange(
        account.nir,
        session.account_id,
        credentials.password_hash,
        passwords.hash_password(new),
        event,
        now,
        ended,
        now if notice else None,
    )
    try:
        store.change_password(change)
    except WriteConflict:
        raise PASSWORD_CHANGED_MEANWHILE() from None
    if notice:
        sensitive_acts.send_notice(mailer.send_password_changed_notice, account.courriel, now, record_id=account.id)
    return len(ended)


def history_page(store: HistoryStore, account_id: str, cursor: str | None) -> HistoryPage:
    """ "Consulter mon historique": newest first, HISTORY_PAGE_SIZE a page; the cursor is opaque."""
    try:
        return store.history_page(account_id, cursor, HISTORY_PAGE_SIZE)
    except UnknownPosition:
        raise INVALID_CURSOR() from None
