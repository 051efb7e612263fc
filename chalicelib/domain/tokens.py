"""Random identifiers and secret tokens.

A secret token (activation, session, reset) carries 256 random bits and is stored only as its
SHA-256 digest: a leaked table gives nobody a usable link or session. No key is needed for the
digest because a 256-bit random preimage cannot be guessed.
"""

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from ..clock import from_epoch, to_epoch

_TOKEN_BYTES = 32
_ID_BYTES = 16
_EXPIRY_BYTES = 4
_DRAFT_ID_LENGTH = 27  # 20 bytes in URL-safe base64, unpadded
_SESSION_TOKEN_PREFIX = 22 + 1 + 43 + 1  # account id, ".", secret, "." (the sealed NIR follows)
_MAX_NIR_LENGTH = 15  # 13 characters and the key, compact
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def new_secret_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def new_id() -> str:
    """A 128-bit random identifier, for things whose id is shown to the client (drafts, captchas)."""
    return secrets.token_urlsafe(_ID_BYTES)


def new_session_token(account_id: str, nir: str, key: bytes) -> str:
    """A session token names its account and, sealed with the server's key, its NIR (the key of its
    hours) before its 256 random bits, so that a route reads the session and the holder's items in
    one request. Neither is proof of anything: the session item, read in the same request, must
    name the same account and NIR (see sessions.admit)."""
    secret = new_secret_token()
    sealed = _xor(nir.encode("ascii"), _nir_stream(key, secret, len(nir)))
    return f"{account_id}.{secret}.{_b64(sealed)}"


def read_session_token(token: object, key: bytes) -> tuple[str, str] | None:
    """The account and the NIR a session token names, or None when it is not a session token."""
    if not isinstance(token, str) or not _SESSION_TOKEN_PREFIX < len(token) <= _SESSION_TOKEN_PREFIX + 20:
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    account_id, secret, sealed = parts
    if not (is_well_formed_id(account_id) and is_well_formed_token(secret) and _URLSAFE.fullmatch(sealed)):
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    except (binascii.Error, ValueError):
        return None
    if not 0 < len(raw) <= _MAX_NIR_LENGTH:
        return None
    nir = _xor(raw, _nir_stream(key, secret, len(raw))).decode("ascii", errors="replace")
    return account_id, nir


def _nir_stream(key: bytes, secret: str, length: int) -> bytes:
    # The keyed stream captchas use (domain/captchas.py), under its own label; the token's secret is
    # the nonce, fresh for every session.
    return hmac.new(key, b"session-nir" + secret.encode("ascii"), hashlib.sha256).digest()[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def new_draft_id(expires_at: datetime) -> str:
    """A registration draft's id: 128 random bits, then the draft's expiry (4 bytes, epoch seconds),
    so that the identity step can answer the draft's `expire_le` without reading it (its write is
    conditioned on the draft anyway). A forged tail names another, nonexistent draft."""
    raw = secrets.token_bytes(_ID_BYTES) + to_epoch(expires_at).to_bytes(_EXPIRY_BYTES, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def draft_expiry(draft_id: object) -> datetime | None:
    """The expiry a draft id names, or None when it is not a draft id."""
    if not isinstance(draft_id, str) or len(draft_id) != _DRAFT_ID_LENGTH or not _URLSAFE.fullmatch(draft_id):
        return None
    raw = base64.urlsafe_b64decode(draft_id + "=")
    return from_epoch(int.from_bytes(raw[_ID_BYTES:], "big"))


def is_well_formed_draft_id(value: object) -> bool:
    return draft_expiry(value) is not None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_well_formed_token(value: object) -> bool:
    return isinstance(value, str) and len(value) == 43 and bool(_URLSAFE.fullmatch(value))


def is_well_formed_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 22 and bool(_URLSAFE.fullmatch(value))
