"""The security check ("Contrôle de sécurité"): an image and a French audio version of random characters.

A captcha takes one answer, right or wrong: checking it deletes it, so a bot cannot try again with
the same challenge. Answers ignore case and spaces. The captcha library and Pillow are imported
only by the routes that draw or speak a challenge.
"""

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from . import tokens
from .errors import FieldError
from .expiry import expiry, is_live

# No letter or digit that reads or sounds like another (no O/0, I/1/L, S/5, B/8, Z/2, G/6, T/7...).
ALPHABET = "AEFHJKRUWXY23456789"
LENGTH = 6
VOICES = Path(__file__).resolve().parent.parent / "captcha_audio" / "voix_fr"

ANSWER_FIELD = "captcha_reponse"


class CaptchaStore(Protocol):
    def put_captcha(self, captcha_id: str, record: dict, expires: datetime) -> None: ...

    def get_captcha(self, captcha_id: str) -> dict | None: ...

    def take_captcha(self, captcha_id: str) -> dict | None: ...


@dataclass(frozen=True)
class Captcha:
    id: str
    answer: str
    expires_at: datetime


def normalize_answer(answer: str) -> str:
    return "".join(answer.split()).upper()


def create(store: CaptchaStore, clock, ttl_seconds: int, fixed_answer: str | None = None) -> Captcha:
    answer = (
        normalize_answer(fixed_answer) if fixed_answer else "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    )
    captcha = Captcha(tokens.new_id(), answer, clock() + timedelta(seconds=ttl_seconds))
    store.put_captcha(captcha.id, {"reponse": answer}, captcha.expires_at)
    return captcha


def find_live(store: CaptchaStore, clock, captcha_id: str) -> Captcha | None:
    if not tokens.is_well_formed_id(captcha_id):
        return None
    record = store.get_captcha(captcha_id)
    if not is_live(record, clock()):
        return None
    return Captcha(captcha_id, record["reponse"], expiry(record))


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


def judge(record: dict | None, answer: str, now: datetime) -> FieldError | None:
    """What an answer is worth against the captcha as it was stored. None means right."""
    if not is_live(record, now):
        return EXPIRED
    if not secrets.compare_digest(normalize_answer(answer).encode(), record["reponse"].encode()):
        return INCORRECT
    return None


def spend(store: CaptchaStore, clock, captcha_id: object, answer: object) -> FieldError | None:
    """Check an answer and use the captcha up, whatever the outcome. None means the answer is right."""
    if not isinstance(captcha_id, str) or not isinstance(answer, str):
        return None  # the form's own validation reports missing or mistyped fields
    record = store.take_captcha(captcha_id) if tokens.is_well_formed_id(captcha_id) else None
    return judge(record, answer, clock())


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
