"""The holder space ("Espace Titulaire") once logged in: the synthesis, the personal information,
the password, the history."""

from datetime import datetime
from typing import Protocol

from . import history, hours, identity, passwords, sessions
from .errors import Conflict, FieldError, InvalidInput, NotFound, UnknownPosition, WriteConflict

HISTORY_PAGE_SIZE = 20
UPDATED = hours.UPDATED

# What "Mes informations personnelles" lets the holder change, in the order the portal shows them.
EDITABLE_FIELDS = ("civilite", "prenom", "telephone_fixe", "telephone_portable")
FIELD_NAMES = {
    "civilite": "civilité",
    "prenom": "prénom",
    "telephone_fixe": "téléphone fixe",
    "telephone_portable": "téléphone portable",
}

NOTHING_TO_CHANGE = InvalidInput("aucune_modification", "Aucune information à modifier n'a été envoyée.")
WRONG_CURRENT_PASSWORD = InvalidInput(
    "mot_de_passe_actuel_incorrect",
    "Le mot de passe actuel saisi n'est pas le bon.",
    [
        FieldError(
            "mot_de_passe_actuel", "mot_de_passe_actuel_incorrect", "Le mot de passe actuel saisi n'est pas le bon."
        )
    ],
)
PASSWORD_CHANGED_MEANWHILE = InvalidInput(
    "mot_de_passe_actuel_incorrect",
    "Votre mot de passe vient d'être modifié par ailleurs : merci de recommencer.",
    [
        FieldError(
            "mot_de_passe_actuel", "mot_de_passe_actuel_incorrect", "Le mot de passe actuel a changé entre-temps."
        )
    ],
)
# The address is changed by a confirmed change (chalicelib/domain/email_change.py), never by PATCH.
EMAIL_NOT_HERE = Conflict(
    "courriel_non_modifiable",
    "L'adresse courriel ne se modifie pas ici mais par un changement confirmé (POST /titulaire/courriel) : "
    "saisissez la nouvelle adresse et votre mot de passe, un lien de confirmation sera envoyé à la nouvelle adresse.",
)
INVALID_CURSOR = InvalidInput(
    "curseur_invalide", "Ce curseur de pagination n'est pas valide : repartez de la première page."
)


class AccountStore(Protocol):
    """The synthesis and "Mes informations personnelles"."""

    def get_account(self, account_id: str) -> dict | None: ...

    def get_account_and_rights(self, account_id: str, nir: str) -> tuple[dict | None, dict | None]: ...

    def update_account_fields(self, account_id: str, changes: dict, event: dict, now: datetime) -> None: ...


class PasswordChangeStore(sessions.LoginStore, sessions.SessionStore, Protocol):
    """A password change checks the current password like a login (lockout included), then ends
    the other sessions."""

    def get_account(self, account_id: str) -> dict | None: ...

    def change_password(
        self,
        nir: str,
        account_id: str,
        old_hash: str,
        new_hash: str,
        event: dict,
        now: datetime,
        ended_sessions: list[str] = ...,
    ) -> None: ...


class HistoryStore(Protocol):
    def history_page(self, account_id: str, cursor: str | None, limit: int) -> tuple[list[dict], str | None]: ...


def _account(store: AccountStore | PasswordChangeStore, account_id: str) -> dict:
    account = store.get_account(account_id)
    if account is None:
        raise hours.ACCOUNT_NOT_FOUND
    return account


def synthesis(store: AccountStore, account_id: str, nir: str | None = None) -> dict:
    """ "Synthèse de votre compte": the account (names, dossier counts) and its NIR's rights (the
    hours), one BatchGetItem. Hours are those still free: not held by a validated dossier nor spent."""
    account, rights = store.get_account_and_rights(account_id, hours.nir_of(store, account_id, nir))
    if account is None:
        raise hours.ACCOUNT_NOT_FOUND
    return synthesis_of(account, rights)


def synthesis_of(account: dict, rights: dict | None) -> dict:
    figures = hours.figures(rights)
    return {
        "civilite": account["civilite"],
        "prenom": account.get("prenom"),
        "nom_naissance": account["nom_naissance"],
        "heures_cpf_disponibles": figures.cpf_free,
        "heures_dif": figures.dif_free if figures.dif_entered else None,
        "dif_modifiable": not (rights or {}).get("dif_verrouille", False),
        "dossiers_en_cours": account.get("dossiers_en_cours", 0),
        "dossiers_clos": account.get("dossiers_clos", 0),
        "courriel_invalide": bool(account.get("courriel_invalide")),
    }


def informations(store: AccountStore, account_id: str) -> dict:
    """ "Mes informations personnelles": the NIR masked, never in full."""
    account = _account(store, account_id)
    return {
        "civilite": account["civilite"],
        "prenom": account.get("prenom"),
        "nom_naissance": account["nom_naissance"],
        "nir_masque": identity.mask_nir(account["nir"]),
        "courriel": account["courriel"],
        "telephone_fixe": account.get("telephone_fixe"),
        "telephone_portable": account.get("telephone_portable"),
        "courriel_invalide": bool(account.get("courriel_invalide")),
    }


def change_informations(store: AccountStore, clock, account_id: str, changes: dict) -> dict:
    """`changes` holds validated values; None clears an optional field. Returns what was changed."""
    changes = {name: changes[name] for name in EDITABLE_FIELDS if name in changes}
    if not changes:
        raise NOTHING_TO_CHANGE
    now = clock()
    event = history.event(history.INFORMATIONS, now, champs=", ".join(FIELD_NAMES[name] for name in changes))
    try:
        store.update_account_fields(account_id, changes, event, now)
    except WriteConflict:
        raise hours.ACCOUNT_NOT_FOUND from None
    return changes


def change_password(
    store: PasswordChangeStore,
    clock,
    session: sessions.Session,
    *,
    current: str,
    new: str,
    confirmation: str,
    policy: str,
    lockout_threshold: int,
    lockout_seconds: int,
) -> int:
    """Check the current password, apply the rule, store the new hash, end the other sessions.
    Returns how many other sessions were ended.

    Wrong current passwords count towards the login lockout: a stolen session must not become a
    way to guess the password without limit."""
    current, new, confirmation = (passwords.normalize(value) for value in (current, new, confirmation))
    errors = passwords.check_new_password(
        policy, new, confirmation, field="nouveau_mot_de_passe", confirmation_field="confirmation"
    )
    account = _account(store, session.account_id)
    credentials, attempts = store.get_login_records(account["nir"])
    if credentials is None or credentials.get("compte_id") != session.account_id:
        raise NotFound("compte_introuvable", "Ce compte est introuvable.")
    sessions.refuse_while_locked(attempts, clock())
    if not passwords.verify_password(credentials["mot_de_passe"], current):
        sessions.count_failure(
            store, account["nir"], attempts, clock(), lockout_threshold, lockout_seconds, session.account_id
        )
        raise InvalidInput(
            WRONG_CURRENT_PASSWORD.code, WRONG_CURRENT_PASSWORD.detail, WRONG_CURRENT_PASSWORD.erreurs + errors
        )
    if errors:
        raise InvalidInput("mot_de_passe_invalide", "Le mot de passe ne respecte pas les règles indiquées.", errors)
    now = clock()
    ended = sessions.other_sessions(store, session)
    try:
        store.change_password(
            account["nir"],
            session.account_id,
            credentials["mot_de_passe"],
            passwords.hash_password(new),
            history.event(history.MOT_DE_PASSE, now),
            now,
            ended_sessions=ended,
        )
    except WriteConflict:
        raise PASSWORD_CHANGED_MEANWHILE from None
    return len(ended)


def history_page(store: HistoryStore, account_id: str, cursor: str | None) -> dict:
    """ "Consulter mon historique": newest first, HISTORY_PAGE_SIZE a page; the cursor is opaque."""
    try:
        events, following = store.history_page(account_id, cursor, HISTORY_PAGE_SIZE)
    except UnknownPosition:
        raise INVALID_CURSOR from None
    return {
        "evenements": [{"date": e["date"], "type": e["type"], "detail": e["detail"]} for e in events],
        "curseur_suivant": following,
    }
