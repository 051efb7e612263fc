"""Ids that carry what they name, sealed with the server's key: a registration draft's id (its first
step and its hour)."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain import tokens

KEY, OTHER_KEY = b"k" * 32, b"x" * 32
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
DRAFT = tokens.SealedDraft(datetime(2026, 12, 1, 10, tzinfo=UTC), "2026-11-01", NOW)


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
