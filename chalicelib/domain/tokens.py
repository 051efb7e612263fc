"""Random identifiers and secret tokens.

A secret token (activation, reset, email change, invitation) carries 256 random bits, a session
token 192, and each is stored only as its SHA-256 digest: a leaked table gives nobody a usable link
or session. No key is needed for the digest because such a random preimage cannot be guessed. No
token or id names a NIR, in any form (contract §13): what a route must find from one is named by
random ids.
"""

import base64
import binascii
import hashlib
import re
import secrets

_TOKEN_BYTES = 32
_ID_BYTES = 16
_SESSION_SECRET_BYTES = 24  # 192 bits: with the two ids, a token of 78 characters (contract §13: 86 at most)
SESSION_TOKEN_LENGTH = 22 + 1 + 22 + 1 + 32
_MIN_LEGACY_ACTIVATION_CODE = 43 + 22  # a secret, sealed records and their tag
MAX_ACTIVATION_CODE = 600  # a link mailed before codes were bare secrets: about 500 for a long address
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def new_secret_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def new_id() -> str:
    """A 128-bit random identifier, for things whose id is shown to the client (drafts, captchas)."""
    return secrets.token_urlsafe(_ID_BYTES)


def new_session_token(account_id: str, rights_id: str) -> str:
    """A session token: the account's id and its NIR's rights id (random ids that name nobody by
    themselves), then 192 random bits: `<compte>.<droits>.<secret>`, 78 characters. The two ids let a
    route read the session, the account and the hours in one request; they prove nothing: the session
    item (keyed by the whole token's digest), read in that same request, must name the same two (see
    sessions.admit)."""
    return f"{account_id}.{rights_id}.{secrets.token_urlsafe(_SESSION_SECRET_BYTES)}"


def read_session_token(token: object) -> tuple[str, str] | None:
    """The account and the rights a session token names, or None when it is not a session token
    (sessions opened before tokens took this form included: they log in again)."""
    if not isinstance(token, str) or len(token) != SESSION_TOKEN_LENGTH:
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    account_id, rights_id, secret = parts
    if not (is_well_formed_id(account_id) and is_well_formed_id(rights_id) and _URLSAFE.fullmatch(secret)):
        return None
    return account_id, rights_id


def activation_secret(code: object) -> str | None:
    """The secret an activation link's code carries: the code itself, a bare token (what the table
    keeps is its digest). A link mailed before 2026-12-08 (at most 15 days old) carried the token's
    secret followed by records sealed for the server: its first 32 bytes are that secret, which is
    all activation needs (the rest is never opened). None when the code is neither."""
    if is_well_formed_token(code):
        assert isinstance(code, str)
        return code
    if not isinstance(code, str) or not _MIN_LEGACY_ACTIVATION_CODE < len(code) <= MAX_ACTIVATION_CODE:
        return None
    if not _URLSAFE.fullmatch(code):
        return None
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except (binascii.Error, ValueError):
        return None
    return _b64(raw[:_TOKEN_BYTES])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_well_formed_token(value: object) -> bool:
    return isinstance(value, str) and len(value) == 43 and bool(_URLSAFE.fullmatch(value))


def is_well_formed_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 22 and bool(_URLSAFE.fullmatch(value))
