"""The one authenticated cipher for what the server seals for itself (contract §13): captcha ids and
registration draft ids, OpenID Connect `state` values.

AES-256-GCM (the `cryptography` library), under one key per purpose and per keyring key, derived
with HKDF-SHA256. A sealed value is 64 bytes at most, written in URL-safe base64 without padding
(86 characters at most):

    key id (3 bytes) | nonce (16 random bytes) | expiry (4 bytes, epoch seconds) | ciphertext | tag (16 bytes)

A key id is 4 URL-safe characters (3 bytes), so a value begins with its key id as written. The
nonce is 128 random bits: it is also the value's identity (`Opened.identity`). The purpose, the key
id, the nonce and the expiry are authenticated as GCM's associated data; a value sealed for another
purpose, under a key the keyring does not have, altered or cut short opens to None, never to an
exception. Whether an opened value has expired is for the caller to say (it has the clock).

The keyring (docs/decisions.md) is a JSON object, a Secrets Manager secret in production:
`{"actuelle": "<key id>", "<key id>": "<secret of 32 characters or more>", ...}`. It is read
through the callable `Sealer` is given (chalicelib/dependencies.py reads the secret: this module
knows no AWS), kept `cache_seconds`, and read again at once, at most every REREAD_SECONDS, when a
value names a key id the cached keyring lacks (another instance saw a rotation first).

`cryptography` is imported on first use: a cold start that seals nothing does not pay for it.
"""

import base64
import binascii
import json
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import from_epoch, to_epoch

CURRENT = "actuelle"  # the keyring's entry naming the key that seals; every other entry is a key
KEY_ID_LENGTH = 4  # URL-safe characters: 3 bytes
MIN_SECRET_LENGTH = 32
MAX_SEALED_LENGTH = 86  # characters (contract §13): 64 bytes
REREAD_SECONDS = 5.0  # an unknown key id reads the keyring again, at most this often
_KEY_ID_BYTES, _NONCE_BYTES, _EXPIRY_BYTES, _TAG_BYTES = 3, 16, 4, 16
_HEADER_BYTES = _KEY_ID_BYTES + _NONCE_BYTES + _EXPIRY_BYTES
MAX_PAYLOAD_BYTES = MAX_SEALED_LENGTH * 6 // 8 - _HEADER_BYTES - _TAG_BYTES  # 25
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{4}")
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")
_HKDF_LABEL = b"mon-compte-formation/scellement/"


class Purpose(StrEnum):
    """What a value is sealed for: each has keys of its own, and a value opens for its purpose only."""

    CAPTCHA = "captcha"
    DRAFT = "inscription"
    OIDC_STATE = "etat-oidc"  # an OpenID Connect `state` (chalicelib/domain/franceconnect/state.py)


class KeyringError(RuntimeError):
    """The keyring's secret is not a keyring (an operator's mistake, never a client's)."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: Mapping[str, bytes]


@dataclass(frozen=True)
class Sealed:
    value: str
    identity: str  # the nonce, URL-safe base64: 22 characters, 128 random bits


@dataclass(frozen=True)
class Opened:
    identity: str  # the nonce, URL-safe base64: 22 characters, 128 random bits
    expires_at: datetime
    payload: bytes


def parse_keyring(text: str) -> Keyring:
    """The keyring a secret's text holds; KeyringError (naming no secret) when it holds none."""
    try:
        entries = json.loads(text)
    except ValueError:
        raise KeyringError("the sealing keyring is not JSON") from None
    if not isinstance(entries, dict) or not isinstance(entries.get(CURRENT), str):
        raise KeyringError(f'the sealing keyring names no current key ("{CURRENT}")')
    keys = {key_id: secret for key_id, secret in entries.items() if key_id != CURRENT}
    for key_id, secret in keys.items():
        if not _KEY_ID.fullmatch(key_id) or not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
            raise KeyringError(
                f"the sealing keyring's key {key_id!r} needs an id of {KEY_ID_LENGTH} URL-safe characters "
                f"and a secret of {MIN_SECRET_LENGTH} characters or more"
            )
    if entries[CURRENT] not in keys:
        raise KeyringError(f"the sealing keyring's current key {entries[CURRENT]!r} is not in it")
    return Keyring(entries[CURRENT], {key_id: secret.encode("utf-8") for key_id, secret in keys.items()})


class Sealer:
    """Seals and opens values with the keyring `read_keyring` gives (the secret's text), cached."""

    def __init__(self, read_keyring: Callable[[], str], cache_seconds: float, monotonic: Callable[[], float]) -> None:
        self._read_keyring, self._cache_seconds, self._monotonic = read_keyring, cache_seconds, monotonic
        self._keyring: Keyring | None = None
        self._read_at = 0.0
        self._ciphers: dict[tuple[bytes, Purpose], Any] = {}  # AESGCM objects, derived on first use
        self._lock = threading.Lock()

    def seal(self, purpose: Purpose, expires_at: datetime, payload: bytes) -> Sealed:
        """A new value for `purpose`, sealed with the current key; ValueError if `payload` is too long."""
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"a sealed payload is {MAX_PAYLOAD_BYTES} bytes at most")
        keyring = self._cached()
        header = (
            base64.urlsafe_b64decode(keyring.current)
            + secrets.token_bytes(_NONCE_BYTES)
            + to_epoch(expires_at).to_bytes(_EXPIRY_BYTES, "big")
        )
        nonce = header[_KEY_ID_BYTES : _KEY_ID_BYTES + _NONCE_BYTES]
        sealed = self._cipher(keyring, keyring.current, purpose).encrypt(nonce, payload, _associated(purpose, header))
        return Sealed(_b64(header + sealed), _b64(nonce))

    def open(self, purpose: Purpose, value: object) -> Opened | None:
        """What `value` seals, or None when it is not a value sealed for `purpose` with a key of the keyring."""
        raw = _decoded(value)
        if raw is None:
            return None
        header, sealed = raw[:_HEADER_BYTES], raw[_HEADER_BYTES:]
        key_id = _b64(header[:_KEY_ID_BYTES])
        keyring = self._with_key(key_id)
        if key_id not in keyring.keys:
            return None
        from cryptography.exceptions import InvalidTag

        nonce = header[_KEY_ID_BYTES : _KEY_ID_BYTES + _NONCE_BYTES]
        try:
            payload = self._cipher(keyring, key_id, purpose).decrypt(nonce, sealed, _associated(purpose, header))
        except InvalidTag:
            return None
        expiry = int.from_bytes(header[_KEY_ID_BYTES + _NONCE_BYTES :], "big")
        return Opened(_b64(nonce), from_epoch(expiry), payload)

    def _cached(self) -> Keyring:
        with self._lock:
            if self._keyring is None or self._monotonic() - self._read_at >= self._cache_seconds:
                return self._reread()
            return self._keyring

    def _with_key(self, key_id: str) -> Keyring:
        """The keyring, read again first if it lacks `key_id` and was not read in the last seconds."""
        keyring = self._cached()
        if key_id in keyring.keys:
            return keyring
        with self._lock:
            if self._keyring is None or self._monotonic() - self._read_at >= REREAD_SECONDS:
                return self._reread()
            return self._keyring

    def _reread(self) -> Keyring:
        keyring = parse_keyring(self._read_keyring())
        self._keyring, self._read_at = keyring, self._monotonic()
        kept = set(keyring.keys.values())  # the ciphers of dropped keys go with them
        self._ciphers = {known: cipher for known, cipher in self._ciphers.items() if known[0] in kept}
        return keyring

    def _cipher(self, keyring: Keyring, key_id: str, purpose: Purpose) -> Any:
        # Keyed by the secret itself: a key id a later keyring gave another secret gets its own cipher.
        secret = keyring.keys[key_id]
        cipher = self._ciphers.get((secret, purpose))
        if cipher is None:
            cipher = self._ciphers[secret, purpose] = _derived_cipher(secret, purpose)
        return cipher


def _derived_cipher(secret: bytes, purpose: Purpose) -> Any:
    """AES-256-GCM under HKDF-SHA256(secret, info = label ‖ purpose)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = _HKDF_LABEL + purpose.value.encode("ascii")
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret))


def _associated(purpose: Purpose, header: bytes) -> bytes:
    return purpose.value.encode("ascii") + b"\x00" + header


def _decoded(value: object) -> bytes | None:
    if not isinstance(value, str) or len(value) > MAX_SEALED_LENGTH or not _URLSAFE.fullmatch(value):
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) < _HEADER_BYTES + _TAG_BYTES or _b64(raw) != value:  # the canonical writing only
        return None
    return raw


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
