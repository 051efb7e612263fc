"""Sessions ("Espace Titulaire"): log in with the NIR and the password, log out.

A session token is 256 random bits, given to the client once and stored as its digest. A session
ends after `idle_seconds` without a call and `max_seconds` in all; both are checked on every call.
Wrong NIR and wrong password get the same answer, and cost the same time.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..clock import to_epoch, to_iso
from . import history, identity, passwords, tokens
from .errors import Forbidden, Unauthenticated
from .expiry import is_live

ACTIVE = "actif"

BAD_CREDENTIALS = Unauthenticated(
    "identifiants_invalides", "Numéro de sécurité sociale ou mot de passe incorrect."
)
NOT_ACTIVATED = Forbidden(
    "compte_non_active",
    "Votre compte n'est pas encore activé : cliquez sur le lien du courriel reçu lors de votre inscription.",
)
INVALID_SESSION = Unauthenticated(
    "session_invalide", "Votre session a expiré ou n'est pas valide : merci de vous reconnecter."
)


@dataclass(frozen=True)
class NewSession:
    token: str
    idle_expires_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Session:
    digest: str
    account_id: str


def log_in(store, clock, *, nir: str, password: str, idle_seconds: int, max_seconds: int) -> NewSession:
    password = passwords.normalize(password)
    compact_nir = identity.parse_nir_leniently(nir)
    credentials = store.get_credentials(compact_nir) if compact_nir else None
    now = clock()
    if not is_live(credentials, now):  # no account, or a pending one whose link has expired
        passwords.spend_verification_time(password)
        raise BAD_CREDENTIALS
    account_id = credentials["compte_id"]
    if not passwords.verify_password(credentials["mot_de_passe"], password):
        store.add_event(account_id, history.event(history.ECHEC_CONNEXION, now), now)
        raise BAD_CREDENTIALS
    if credentials["statut"] != ACTIVE:
        raise NOT_ACTIVATED

    token = tokens.new_secret_token()
    expires_at = now + timedelta(seconds=max_seconds)
    idle_expires_at = min(now + timedelta(seconds=idle_seconds), expires_at)
    store.open_session(
        tokens.digest(token),
        {"compte_id": account_id, "cree_le": to_iso(now), "inactive_apres": to_epoch(idle_expires_at)},
        expires_at,
        history.event(history.CONNEXION, now),
        now,
    )
    return NewSession(token, idle_expires_at, expires_at)


def authenticate(store, clock, token: str | None, *, idle_seconds: int) -> Session:
    """The session behind a bearer token, its idle deadline pushed back; 401 otherwise."""
    if not tokens.is_well_formed_token(token):
        raise INVALID_SESSION
    digest = tokens.digest(token)
    now = clock()
    # The absolute limit caps the idle one; the store refuses a session past either.
    record = store.touch_session(digest, now, now + timedelta(seconds=idle_seconds))
    if record is None:
        raise INVALID_SESSION
    return Session(digest, record["compte_id"])


def log_out(store, clock, session: Session) -> None:
    now = clock()
    store.close_session(session.digest, session.account_id, history.event(history.DECONNEXION, now), now)




def end_other_sessions(store, session: Session) -> int:
    """After a password change: every other device must log in again; this one stays."""
    return store.end_sessions(session.account_id, keep_digest=session.digest)


def end_every_session(store, account_id: str) -> int:
    """After a password reset: nobody stays logged in with the old password."""
    return store.end_sessions(account_id)
