"""The security check ("Contrôle de sécurité"): an image and a French audio version of random characters.

A captcha is its id: the characters, encrypted and authenticated with the server's key, and its
expiry. Drawing one costs no write (a bot cannot fill the table by asking for captchas); answering
one writes its "spent" mark, on condition that it is not there yet, so that a captcha takes one
answer, right or wrong, and a bot cannot try again with the same challenge. Answers ignore case and
spaces. The id's sealing is captcha_seal.py; drawing and speaking one, chalicelib/captcha_media.py.
"""

import secrets
from datetime import datetime
from typing import Protocol

from ..clock import Clock
from .captcha_seal import ALPHABET, LENGTH, Captcha, create, normalize_answer, read
from .errors import FieldError

__all__ = ["ALPHABET", "LENGTH", "Captcha", "create", "normalize_answer", "read"]

ANSWER_FIELD = "captcha_reponse"


class CaptchaStore(Protocol):
    def captcha_spent(self, nonce: str) -> bool: ...

    def spend_captcha(self, nonce: str, expires: datetime) -> bool: ...


def live(captcha_id: object, key: bytes, now: datetime) -> Captcha | None:
    captcha = read(captcha_id, key)
    return captcha if captcha is not None and now < captcha.expires_at else None


def find_live(store: CaptchaStore, clock: Clock, captcha_id: str, key: bytes) -> Captcha | None:
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


def spend(store: CaptchaStore, clock: Clock, captcha_id: object, answer: object, key: bytes) -> FieldError | None:
    """Check an answer and use the captcha up, whatever the outcome. None means the answer is right."""
    if not isinstance(captcha_id, str) or not isinstance(answer, str):
        return None  # the form's own validation reports missing or mistyped fields
    captcha = live(captcha_id, key, clock())
    if captcha is None or not store.spend_captcha(captcha.nonce, captcha.expires_at):
        return EXPIRED
    return None if is_right(captcha, answer) else INCORRECT
