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
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from ..clock import from_epoch, to_epoch

_TOKEN_BYTES = 32
_ID_BYTES = 16
_EPOCH_BYTES = 4
_TAG_BYTES = 16
_MAX_CGU_VERSION_BYTES = 256  # CGU_VERSION is 64 characters at most (settings.py)
_SESSION_SECRET_BYTES = 24  # 192 bits: with the two ids, a token of 78 characters (contract §13: 86 at most)
SESSION_TOKEN_LENGTH = 22 + 1 + 22 + 1 + 32
_MIN_LEGACY_ACTIVATION_CODE = 43 + 22  # a secret, sealed records and their tag
MAX_ACTIVATION_CODE = 600  # a link mailed before codes were bare secrets: about 500 for a long address
_MAX_DRAFT_ID_LENGTH = 395  # (16 + 4 + 4 + 256 + 16) bytes in URL-safe base64, unpadded
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


@dataclass(frozen=True)
class SealedDraft:
    """What a registration draft's id says of it: its first step (the CGU version and the time it was
    accepted) and its expiry, sealed with the server's key."""

    expires_at: datetime
    cgu_version: str
    cgu_accepted_at: datetime


def new_draft_id(draft: SealedDraft, key: bytes) -> str:
    """A registration draft's id: 128 random bits, the draft's expiry, the time its CGU were accepted
    (4 bytes each, epoch seconds) and their version, then a 128-bit tag (HMAC-SHA256 with the server's
    key, as captchas): starting a registration writes nothing, and the identity step writes the draft
    from its id. Not encrypted (nothing in it is secret); a forged or altered id names no draft."""
    version = draft.cgu_version.encode("utf-8")
    if len(version) > _MAX_CGU_VERSION_BYTES:
        raise ValueError(f"a CGU version is {_MAX_CGU_VERSION_BYTES} bytes at most")
    body = (
        secrets.token_bytes(_ID_BYTES)
        + to_epoch(draft.expires_at).to_bytes(_EPOCH_BYTES, "big")
        + to_epoch(draft.cgu_accepted_at).to_bytes(_EPOCH_BYTES, "big")
        + version
    )
    return _b64(body + _draft_tag(key, body))


def read_draft_id(draft_id: object, key: bytes) -> SealedDraft | None:
    """What a draft id seals, or None when it is not one this server made (whether it has expired is
    for the caller to see)."""
    if not isinstance(draft_id, str) or len(draft_id) > _MAX_DRAFT_ID_LENGTH or not _URLSAFE.fullmatch(draft_id):
        return None
    try:
        raw = base64.urlsafe_b64decode(draft_id + "=" * (-len(draft_id) % 4))
    except (binascii.Error, ValueError):
        return None
    body, tag = raw[:-_TAG_BYTES], raw[-_TAG_BYTES:]
    if len(body) <= _ID_BYTES + 2 * _EPOCH_BYTES or not hmac.compare_digest(tag, _draft_tag(key, body)):
        return None
    expires = body[_ID_BYTES : _ID_BYTES + _EPOCH_BYTES]
    accepted = body[_ID_BYTES + _EPOCH_BYTES : _ID_BYTES + 2 * _EPOCH_BYTES]
    try:
        version = body[_ID_BYTES + 2 * _EPOCH_BYTES :].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return SealedDraft(
        from_epoch(int.from_bytes(expires, "big")), version, from_epoch(int.from_bytes(accepted, "big"))
    )


def _draft_tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, b"inscription" + body, hashlib.sha256).digest()[:_TAG_BYTES]


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
