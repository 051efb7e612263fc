"""The OpenID `state`: what the return needs to finish, sealed by chalicelib/sealing.py.

A state is a value sealed for `Purpose.OIDC_STATE` (86 characters at most), valid STATE_SECONDS:
its 128-bit nonce (the sealed value's identity, random) is its id, and its encrypted payload holds
- the path (1 byte: verification, connexion or inscription);
- a secret of 128 random bits, from which the PKCE verifier and the ID token's nonce are derived
  (SHA-256 with a label each: both unreadable without the sealing key, and of 128 random bits);
- what it is bound to: the first 8 bytes of SHA-256 of the holder's session digest (a verification)
  or of the draft's id (a registration); zeros for a login, which has no one to be bound to yet.
The return opens it, checks the binding before anything else, then spends it once (the table's
conditional "spent" mark, like a captcha's). A registration's state also has an item written at
its start, naming the draft (the return carries only the code and the state).
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ...sealing import Purpose, Sealer

STATE_SECONDS = 600  # contract §14: 10 minutes
_SECRET_BYTES, _BINDING_BYTES = 16, 8
_UNBOUND = bytes(_BINDING_BYTES)


class Path(StrEnum):
    VERIFICATION = "verification"
    LOGIN = "connexion"
    REGISTRATION = "inscription"


_PATHS = tuple(Path)


@dataclass(frozen=True)
class State:
    """A state as made or opened: its value (sent to the provider), its id, its path, the PKCE
    verifier and nonce it stands for, its expiry and its binding."""

    value: str
    id: str
    path: Path
    verifier: str
    nonce: str
    expires_at: datetime
    binding: bytes

    def bound_to(self, subject: str | None) -> bool:
        return hmac.compare_digest(self.binding, _binding(subject))


def new_state(sealer: Sealer, path: Path, subject: str | None, now: datetime) -> State:
    """A fresh state for `path`, bound to `subject` (a session's digest, a draft's id, or None)."""
    secret = secrets.token_bytes(_SECRET_BYTES)
    expires_at = now + timedelta(seconds=STATE_SECONDS)
    binding = _binding(subject)
    sealed = sealer.seal(Purpose.OIDC_STATE, expires_at, bytes([_PATHS.index(path)]) + secret + binding)
    return _state(sealed.value, sealed.identity, path, secret, expires_at, binding)


def open_state(sealer: Sealer, value: object, now: datetime) -> State | None:
    """The state a value seals, or None when it is forged, altered, of another purpose or expired."""
    opened = sealer.open(Purpose.OIDC_STATE, value)
    if opened is None or opened.expires_at <= now or len(opened.payload) != 1 + _SECRET_BYTES + _BINDING_BYTES:
        return None
    if opened.payload[0] >= len(_PATHS):
        return None
    secret, binding = opened.payload[1 : 1 + _SECRET_BYTES], opened.payload[1 + _SECRET_BYTES :]
    assert isinstance(value, str)  # it opened
    return _state(value, opened.identity, _PATHS[opened.payload[0]], secret, opened.expires_at, binding)


def _state(value: str, state_id: str, path: Path, secret: bytes, expires_at: datetime, binding: bytes) -> State:
    return State(value, state_id, path, _derived(b"pkce", secret), _derived(b"nonce", secret), expires_at, binding)


def _derived(label: bytes, secret: bytes) -> str:
    digest = hashlib.sha256(b"mon-compte-formation/oidc/" + label + b"\x00" + secret).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")  # 43 characters


def _binding(subject: str | None) -> bytes:
    if subject is None:
        return _UNBOUND
    return hashlib.sha256(subject.encode("utf-8")).digest()[:_BINDING_BYTES]
