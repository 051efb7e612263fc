"""A captcha's id seals it: its characters, encrypted and authenticated with the server's key, and
its expiry; nothing is written until it is answered.

The cipher is the standard library's HMAC-SHA256, used as a keyed stream (the characters XOR
HMAC(key, "chiffre" ‖ nonce)) and as the tag (HMAC(key, "sceau" ‖ nonce ‖ expiry ‖ ciphertext), 128
bits, checked in constant time): encrypt-then-MAC with a fresh 128-bit nonce per captcha.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..clock import Clock, from_epoch, to_epoch

# No letter or digit that reads or sounds like another (no O/0, I/1/L, S/5, B/8, Z/2, G/6, T/7...).
ALPHABET = "AEFHJKRUWXY23456789"
LENGTH = 6
MAX_LENGTH = 16  # a fixed answer for the tests of a local stack may be longer, never more
_NONCE, _EXPIRY, _TAG = 16, 4, 16


@dataclass(frozen=True)
class Captcha:
    id: str
    nonce: str  # what its "spent" mark is keyed by
    answer: str
    expires_at: datetime


def normalize_answer(answer: str) -> str:
    return "".join(answer.split()).upper()


def create(clock: Clock, ttl_seconds: int, key: bytes, fixed_answer: str | None = None) -> Captcha:
    """New characters (the fixed answer in the tests of a local stack), sealed in the captcha's id."""
    answer = (
        normalize_answer(fixed_answer) if fixed_answer else "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    )
    nonce, expires_at = secrets.token_bytes(_NONCE), clock() + timedelta(seconds=ttl_seconds)
    expiry = to_epoch(expires_at).to_bytes(_EXPIRY, "big")
    ciphertext = _xor(answer.encode("ascii"), _stream(key, nonce, len(answer)))
    sealed = nonce + expiry + ciphertext + _tag(key, nonce, expiry, ciphertext)
    return Captcha(_b64(sealed), _b64(nonce), answer, expires_at)


def read(captcha_id: object, key: bytes) -> Captcha | None:
    """The captcha an id seals, or None when it is not one this server made (forged, truncated, or
    made with another key). Whether it has expired or been answered is for the caller to see."""
    if not isinstance(captcha_id, str) or len(captcha_id) > 200:
        return None
    try:
        sealed = base64.urlsafe_b64decode(captcha_id + "=" * (-len(captcha_id) % 4))
    except (binascii.Error, ValueError):
        return None
    if not _NONCE + _EXPIRY + 1 + _TAG <= len(sealed) <= _NONCE + _EXPIRY + MAX_LENGTH + _TAG:
        return None
    nonce, expiry = sealed[:_NONCE], sealed[_NONCE : _NONCE + _EXPIRY]
    ciphertext, tag = sealed[_NONCE + _EXPIRY : -_TAG], sealed[-_TAG:]
    if not hmac.compare_digest(tag, _tag(key, nonce, expiry, ciphertext)):
        return None
    answer = _xor(ciphertext, _stream(key, nonce, len(ciphertext))).decode("ascii", errors="replace")
    return Captcha(captcha_id, _b64(nonce), answer, from_epoch(int.from_bytes(expiry, "big")))


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    return hmac.new(key, b"chiffre" + nonce, hashlib.sha256).digest()[:length]


def _tag(key: bytes, nonce: bytes, expiry: bytes, ciphertext: bytes) -> bytes:
    return hmac.new(key, b"sceau" + nonce + expiry + ciphertext, hashlib.sha256).digest()[:_TAG]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
