"""The security check ("Contrôle de sécurité"): an image and a French audio version of random characters.

A captcha is its id: the characters, encrypted and authenticated with the server's key, and its
expiry. Drawing one costs no write (a bot cannot fill the table by asking for captchas); answering
one writes its "spent" mark, on condition that it is not there yet, so that a captcha takes one
answer, right or wrong, and a bot cannot try again with the same challenge. Answers ignore case and
spaces. The captcha library and Pillow are imported only by the routes that draw or speak one.

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
from pathlib import Path
from typing import Protocol

from ..clock import from_epoch, to_epoch
from .errors import FieldError

# No letter or digit that reads or sounds like another (no O/0, I/1/L, S/5, B/8, Z/2, G/6, T/7...).
ALPHABET = "AEFHJKRUWXY23456789"
LENGTH = 6
MAX_LENGTH = 16  # a fixed answer for the tests of a local stack may be longer, never more
VOICES = Path(__file__).resolve().parent.parent / "captcha_audio" / "voix_fr"

ANSWER_FIELD = "captcha_reponse"
_NONCE, _EXPIRY, _TAG = 16, 4, 16


class CaptchaStore(Protocol):
    def captcha_spent(self, nonce: str) -> bool: ...

    def spend_captcha(self, nonce: str, expires: datetime) -> bool: ...


@dataclass(frozen=True)
class Captcha:
    id: str
    nonce: str  # what its "spent" mark is keyed by
    answer: str
    expires_at: datetime


def normalize_answer(answer: str) -> str:
    return "".join(answer.split()).upper()


def create(clock, ttl_seconds: int, key: bytes, fixed_answer: str | None = None) -> Captcha:
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


def live(captcha_id: object, key: bytes, now: datetime) -> Captcha | None:
    captcha = read(captcha_id, key)
    return captcha if captcha is not None and now < captcha.expires_at else None


def find_live(store: CaptchaStore, clock, captcha_id: str, key: bytes) -> Captcha | None:
    """A captcha still to be answered: not expired, not spent (one read, for its audio version)."""
    captcha = live(captcha_id, key, clock())
    if captcha is None or store.captcha_spent(captcha.nonce):
        return None
    return captcha


EXPIRED = FieldError(
    ANSWER_FIELD,
    "captcha_expire",
    "Le contrôle de sécurité a expiré ou a déjà servi : renouvelez les caractères et saisissez-les à nouveau.",
)
INCORRECT = FieldError(
    ANSWER_FIELD,
    "captcha_incorrect",
    "Les caractères saisis ne correspondent pas à ceux affichés : renouvelez les caractères et réessayez.",
)


def is_right(captcha: Captcha, answer: str) -> bool:
    return secrets.compare_digest(normalize_answer(answer).encode(), captcha.answer.encode())


def spend(store: CaptchaStore, clock, captcha_id: object, answer: object, key: bytes) -> FieldError | None:
    """Check an answer and use the captcha up, whatever the outcome. None means the answer is right."""
    if not isinstance(captcha_id, str) or not isinstance(answer, str):
        return None  # the form's own validation reports missing or mistyped fields
    captcha = live(captcha_id, key, clock())
    if captcha is None or not store.spend_captcha(captcha.nonce, captcha.expires_at):
        return EXPIRED
    return None if is_right(captcha, answer) else INCORRECT


def image_data_uri(answer: str) -> str:
    from captcha.image import ImageCaptcha

    png = ImageCaptcha(width=220, height=80).generate(answer, format="png")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def audio_wav(answer: str) -> bytes:
    from captcha.audio import AudioCaptcha

    return bytes(_audio_captcha(AudioCaptcha).generate(answer))


_audio = None


def _audio_captcha(audio_class):
    # Loading the voice samples once per process keeps later requests to the mixing cost alone.
    global _audio
    if _audio is None:
        _audio = audio_class(voicedir=str(VOICES))
    return _audio


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    return hmac.new(key, b"chiffre" + nonce, hashlib.sha256).digest()[:length]


def _tag(key: bytes, nonce: bytes, expiry: bytes, ciphertext: bytes) -> bytes:
    return hmac.new(key, b"sceau" + nonce + expiry + ciphertext, hashlib.sha256).digest()[:_TAG]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
