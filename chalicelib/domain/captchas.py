"""The security check ("Contrôle de sécurité"): an image and a French audio version of random characters.

A captcha is its id: the characters and the expiry, sealed for the captchas' purpose
(chalicelib/sealing.py: encrypted and authenticated). Drawing one costs no write (a bot cannot fill
the table by asking for captchas); answering one writes its "spent" mark, keyed by the id's 128
random bits, on condition that it is not there yet, so that a captcha takes one answer, right or
wrong, and a bot cannot try again with the same challenge. Answers ignore case and spaces. Drawing
and speaking one: chalicelib/captcha_media.py.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..clock import Clock
from ..sealing import Purpose, Sealer
from .errors import FieldError

# No letter or digit that reads or sounds like another (no O/0, I/1/L, S/5, B/8, Z/2, G/6, T/7...).
ALPHABET = "AEFHJKRUWXY23456789"
LENGTH = 6
MAX_LENGTH = 16  # a fixed answer for the tests of a local stack may be longer, never more
ANSWER_FIELD = "captcha_reponse"


@dataclass(frozen=True)
class Captcha:
    id: str
    nonce: str  # the id's random part, what its "spent" mark is keyed by
    answer: str
    expires_at: datetime


def normalize_answer(answer: str) -> str:
    return "".join(answer.split()).upper()


def create(clock: Clock, ttl_seconds: int, sealer: Sealer, fixed_answer: str | None = None) -> Captcha:
    """New characters (the fixed answer in the tests of a local stack), sealed in the captcha's id."""
    answer = (
        normalize_answer(fixed_answer) if fixed_answer else "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    )
    expires_at = clock() + timedelta(seconds=ttl_seconds)
    sealed = sealer.seal(Purpose.CAPTCHA, expires_at, answer.encode("ascii"))
    return Captcha(sealed.value, sealed.identity, answer, expires_at)


def read(captcha_id: object, sealer: Sealer) -> Captcha | None:
    """The captcha an id seals, or None when it is not one this server made (forged, truncated, or
    sealed with a key the keyring no longer has). Whether it has expired or been answered is for the
    caller to see."""
    opened = sealer.open(Purpose.CAPTCHA, captcha_id)
    if opened is None or not 0 < len(opened.payload) <= MAX_LENGTH:
        return None
    answer = opened.payload.decode("ascii", errors="replace")
    return Captcha(str(captcha_id), opened.identity, answer, opened.expires_at)


class CaptchaStore(Protocol):
    def captcha_spent(self, nonce: str) -> bool: ...

    def spend_captcha(self, nonce: str, expires: datetime) -> bool: ...


def live(captcha_id: object, sealer: Sealer, now: datetime) -> Captcha | None:
    captcha = read(captcha_id, sealer)
    return captcha if captcha is not None and now < captcha.expires_at else None


def find_live(store: CaptchaStore, clock: Clock, captcha_id: str, sealer: Sealer) -> Captcha | None:
    """A captcha still to be answered: not expired, not spent (one read, for its audio version)."""
    captcha = live(captcha_id, sealer, clock())
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


def spend(store: CaptchaStore, clock: Clock, captcha_id: object, answer: object, sealer: Sealer) -> FieldError | None:
    """Check an answer and use the captcha up, whatever the outcome. None means the answer is right."""
    if not isinstance(captcha_id, str) or not isinstance(answer, str):
        return None  # the form's own validation reports missing or mistyped fields
    captcha = live(captcha_id, sealer, clock())
    if captcha is None or not store.spend_captcha(captcha.nonce, captcha.expires_at):
        return EXPIRED
    return None if is_right(captcha, answer) else INCORRECT
