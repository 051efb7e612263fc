"""An activation link's code is the token's bare secret: nothing of the person rides in it (contract
§13). Links mailed before 2026-12-08 carried that secret followed by sealed records: their secret
still activates, for the 15 days they live."""

import base64
import secrets

import pytest

from chalicelib.domain import tokens


def legacy_code(secret: str, sealed_records: bytes) -> str:
    """The form of a link mailed before: the secret's 32 bytes, the records sealed, a 16-byte tag."""
    raw = base64.urlsafe_b64decode(secret + "=") + sealed_records + secrets.token_bytes(16)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_code_is_the_bare_secret_of_43_characters():
    secret = tokens.new_secret_token()
    assert tokens.activation_secret(secret) == secret
    assert len(secret) == 43 and tokens.is_well_formed_token(secret)


@pytest.mark.parametrize("records_length", [40, 120, 400])
def test_a_link_mailed_before_still_gives_its_secret(records_length):
    secret = tokens.new_secret_token()
    assert tokens.activation_secret(legacy_code(secret, secrets.token_bytes(records_length))) == secret


@pytest.mark.parametrize("junk", [None, 7, "", "x", "A" * 42, "A" * 44, "a" * 601, "ÉÉÉ" * 30, "../.." * 20])
def test_anything_else_names_no_secret(junk):
    assert tokens.activation_secret(junk) is None
