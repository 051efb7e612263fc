"""Ids that carry what they name: a registration draft's id (its first step and its hour, sealed with
the keyring of chalicelib/sealing.py). Activation codes carry nothing: tests/rules/test_activation_codes.py."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain import registration
from chalicelib.sealing import MAX_SEALED_LENGTH, Purpose
from tests.helpers.sealing import Keyrings, sealer

KEY, OTHER_KEY = b"k" * 32, b"x" * 32
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
DRAFT = registration.SealedDraft(datetime(2026, 12, 1, 10, tzinfo=UTC), "2026-11-01", NOW)
SEALER = sealer()


def changed(value: str, at: int) -> str:
    """One character changed (never the last: its low bits may be base64's padding, which decoding ignores)."""
    assert at < len(value) - 1
    return value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :]


def test_a_draft_id_gives_back_what_it_seals_and_only_to_its_keyring():
    draft_id = registration.seal_draft(DRAFT, SEALER)
    assert registration.open_draft_id(draft_id, SEALER) == DRAFT
    assert registration.open_draft_id(draft_id, sealer()) is None
    assert all(registration.open_draft_id(changed(draft_id, at), SEALER) is None for at in range(len(draft_id) - 1))


def test_the_longest_cgu_version_gives_a_draft_id_of_86_characters_at_most():
    longest = replace(DRAFT, cgu_version="v" * registration.MAX_CGU_VERSION_BYTES)
    draft_id = registration.seal_draft(longest, SEALER)
    assert len(draft_id) <= MAX_SEALED_LENGTH and registration.open_draft_id(draft_id, SEALER) == longest


def test_a_draft_id_sealed_before_a_rotation_opens_after_it():
    keyrings = Keyrings()
    draft_id = registration.seal_draft(DRAFT, keyrings.sealer())
    keyrings.rotate()
    assert registration.open_draft_id(draft_id, keyrings.sealer()) == DRAFT


def test_a_captcha_id_is_no_draft_id_and_a_draft_id_no_captcha():
    from chalicelib.domain import captchas

    captcha = captchas.create(lambda: NOW, 600, SEALER)
    assert registration.open_draft_id(captcha.id, SEALER) is None
    assert captchas.read(registration.seal_draft(DRAFT, SEALER), SEALER) is None


def test_a_sealed_draft_without_its_cgu_version_is_no_draft():
    value = SEALER.seal(Purpose.DRAFT, DRAFT.expires_at, b"\x00\x00\x00\x01").value  # a time, no version
    assert registration.open_draft_id(value, SEALER) is None
    value = SEALER.seal(Purpose.DRAFT, DRAFT.expires_at, b"\x00\x00\x00\x01\xff").value  # not UTF-8
    assert registration.open_draft_id(value, SEALER) is None


@pytest.mark.parametrize("junk", [None, 7, "", "x", "A" * 27, "a" * 400, "ÉÉÉ", "../.."])
def test_anything_else_is_no_draft_id(junk):
    assert registration.open_draft_id(junk, SEALER) is None
