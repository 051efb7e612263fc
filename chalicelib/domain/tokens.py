"""Random identifiers and secret tokens.

A secret token (activation, session, reset) carries 256 random bits and is stored only as its
SHA-256 digest: a leaked table gives nobody a usable link or session. No key is needed for the
digest because a 256-bit random preimage cannot be guessed.
"""

import hashlib
import re
import secrets

_TOKEN_BYTES = 32
_ID_BYTES = 16
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def new_secret_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def new_id() -> str:
    """A 128-bit random identifier, for things whose id is shown to the client (drafts, captchas)."""
    return secrets.token_urlsafe(_ID_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_well_formed_token(value: object) -> bool:
    return isinstance(value, str) and len(value) == 43 and bool(_URLSAFE.fullmatch(value))


def is_well_formed_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 22 and bool(_URLSAFE.fullmatch(value))
