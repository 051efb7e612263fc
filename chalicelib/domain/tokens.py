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
from dataclasses import dataclass

from .records.tokens import Activation

_TOKEN_BYTES = 32
_ID_BYTES = 16
_TAG_BYTES = 16
_FIELD_SEPARATOR = "\x1f"  # the unit separator: in no id, NIR, email or event id
_MIN_ACTIVATION_CODE = 43 + 22  # more than a bare secret and a tag
MAX_ACTIVATION_CODE = 600  # an address of 254 characters gives about 500
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


@dataclass(frozen=True)
class ActivationCode:
    """What an activation code names: its secret's digest (the token's key) and the records that
    activation makes permanent (the keys they are stored under)."""

    digest: str
    account_id: str
    nir: str
    email_key: str
    registration_event: str

    def activation(self) -> Activation:
        """The activation token's record as the code names it (its use and expiry are the table's)."""
        return Activation(self.digest, self.account_id, self.nir, self.email_key, self.registration_event)


def new_activation_code(secret: str, activation: Activation, key: bytes) -> str:
    """An activation link's code: the token's secret (256 random bits, the only thing stored, as its
    digest), then the account, the NIR, the email's key and the registration event it activates,
    encrypted and authenticated with the server's key (the captcha's construction: HMAC-SHA256 as a
    keyed stream, in counter blocks here, and as a 128-bit tag; the secret is the nonce). So the
    activation is one conditional transaction on records it names, without a read. One URL-safe
    base64 string: 43 characters of secret and about 120 more for an address of 30 characters."""
    raw_secret = base64.urlsafe_b64decode(secret + "=")
    if activation.registration_event is None:
        raise ValueError("an activation code names its registration event")
    fields = (activation.account_id, activation.nir, activation.email_key, activation.registration_event)
    plaintext = _FIELD_SEPARATOR.join(fields).encode("utf-8")
    ciphertext = _xor(plaintext, _activation_stream(key, raw_secret, len(plaintext)))
    return _b64(raw_secret + ciphertext + _activation_tag(key, raw_secret, ciphertext))


def read_activation_code(code: object, key: bytes) -> ActivationCode | None:
    """What a code names, or None when it is not a code this server sealed (a link mailed before
    codes named their records is a bare secret: see `is_well_formed_token`)."""
    if not isinstance(code, str) or not _MIN_ACTIVATION_CODE < len(code) <= MAX_ACTIVATION_CODE:
        return None
    if not _URLSAFE.fullmatch(code):
        return None
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except (binascii.Error, ValueError):
        return None
    raw_secret, ciphertext, tag = raw[:_TOKEN_BYTES], raw[_TOKEN_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    if not ciphertext or not hmac.compare_digest(tag, _activation_tag(key, raw_secret, ciphertext)):
        return None
    try:
        fields = _xor(ciphertext, _activation_stream(key, raw_secret, len(ciphertext))).decode("utf-8")
    except UnicodeDecodeError:
        return None
    named = fields.split(_FIELD_SEPARATOR)
    if len(named) != 4:
        return None
    return ActivationCode(digest(_b64(raw_secret)), *named)


def _activation_stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (
        hmac.new(key, b"activation" + nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        for counter in range(-(-length // 32))
    )
    return b"".join(blocks)[:length]


def _activation_tag(key: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    return hmac.new(key, b"activation-sceau" + nonce + ciphertext, hashlib.sha256).digest()[:_TAG_BYTES]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_well_formed_token(value: object) -> bool:
    return isinstance(value, str) and len(value) == 43 and bool(_URLSAFE.fullmatch(value))


def is_well_formed_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 22 and bool(_URLSAFE.fullmatch(value))
