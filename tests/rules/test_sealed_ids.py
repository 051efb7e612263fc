"""Ids and codes that carry what they name, sealed with the server's key: a registration draft's id
(its first step and its hour) and an activation code (the records it activates)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain import tokens
from chalicelib.domain.records.tokens import Activation

KEY, OTHER_KEY = b"k" * 32, b"x" * 32
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
DRAFT = tokens.SealedDraft(datetime(2026, 12, 1, 10, tzinfo=UTC), "2026-11-01", NOW)
RECORDS = Activation(
    "", "A" * 22, "184057512345625", "jean.dupont@example.fr", "2026-12-01T09:00:00.000000Z#0a1b2c3d"
)


def changed(value: str, at: int) -> str:
    """One character changed (never the last: its low bits may be base64's padding, which decoding ignores)."""
    assert at < len(value) - 1
    return value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :]


def test_a_draft_id_gives_back_what_it_seals_and_only_to_its_key():
    draft_id = tokens.new_draft_id(DRAFT, KEY)
    assert tokens.read_draft_id(draft_id, KEY) == DRAFT
    assert tokens.read_draft_id(draft_id, OTHER_KEY) is None
    assert all(tokens.read_draft_id(changed(draft_id, at), KEY) is None for at in range(len(draft_id) - 1))


@pytest.mark.parametrize("junk", [None, 7, "", "x", "A" * 27, "a" * 400, "ÉÉÉ", "../.."])
def test_anything_else_is_no_draft_id(junk):
    assert tokens.read_draft_id(junk, KEY) is None


def test_an_activation_code_names_its_records_hides_them_and_digests_its_secret_alone():
    secret = tokens.new_secret_token()
    code = tokens.new_activation_code(secret, RECORDS, KEY)
    named = tokens.read_activation_code(code, KEY)
    assert named.activation() == replace(RECORDS, digest=tokens.digest(secret))
    assert named.digest == tokens.digest(secret)
    assert not any(value in code for value in (RECORDS.account_id, RECORDS.nir, RECORDS.email_key))
    assert tokens.read_activation_code(code, OTHER_KEY) is None
    assert all(tokens.read_activation_code(changed(code, at), KEY) is None for at in range(0, len(code) - 1, 7))


def test_a_bare_secret_is_no_sealed_code_but_stays_a_well_formed_token():
    secret = tokens.new_secret_token()
    assert tokens.read_activation_code(secret, KEY) is None and tokens.is_well_formed_token(secret)


def test_the_longest_address_fits_the_form_s_bound():
    records = replace(RECORDS, email_key="a" * 64 + "@" + "b" * 189)
    assert len(tokens.new_activation_code(tokens.new_secret_token(), records, KEY)) <= tokens.MAX_ACTIVATION_CODE
