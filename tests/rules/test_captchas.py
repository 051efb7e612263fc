"""The captcha's seal: its id carries its characters, unreadable and unforgeable without the keyring."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain import captchas
from chalicelib.sealing import MAX_SEALED_LENGTH
from tests.helpers.sealing import Keyrings, sealer

KEY = sealer()
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def clock():
    return NOW


def test_an_id_gives_back_its_characters_and_expiry_with_the_key():
    made = captchas.create(clock, 600, KEY)
    read = captchas.read(made.id, KEY)
    assert (read.answer, read.expires_at, read.nonce) == (made.answer, made.expires_at, made.nonce)
    assert len(made.answer) == captchas.LENGTH and set(made.answer) <= set(captchas.ALPHABET)
    assert made.answer not in made.id and len(made.nonce) == 22


def test_the_longest_fixed_answer_fits_an_id_of_86_characters():
    made = captchas.create(clock, 600, KEY, fixed_answer="A" * captchas.MAX_LENGTH)
    assert len(made.id) <= MAX_SEALED_LENGTH and captchas.read(made.id, KEY).answer == made.answer


def test_another_keyring_reads_nothing():
    assert captchas.read(captchas.create(clock, 600, KEY).id, sealer()) is None


def test_a_captcha_made_before_a_rotation_is_read_after_it_with_its_spent_mark_s_key():
    keyrings = Keyrings()
    made = captchas.create(clock, 600, keyrings.sealer())
    keyrings.rotate()
    read = captchas.read(made.id, keyrings.sealer())
    assert (read.answer, read.nonce, read.expires_at) == (made.answer, made.nonce, made.expires_at)


def test_a_changed_character_of_the_id_breaks_the_seal():
    made = captchas.create(clock, 600, KEY)
    for position in range(len(made.id)):
        changed = made.id[:position] + ("A" if made.id[position] != "A" else "B") + made.id[position + 1 :]
        assert captchas.read(changed, KEY) is None, position


@pytest.mark.parametrize("forged", ["", "A" * 22, "not base64!", "A" * 300, None, 42])
def test_what_is_not_a_captcha_id_is_none(forged):
    assert captchas.read(forged, KEY) is None


def test_a_captcha_lives_its_ten_minutes_and_no_longer():
    made = captchas.create(clock, 600, KEY)
    assert captchas.live(made.id, KEY, NOW) is not None
    assert captchas.live(made.id, KEY, made.expires_at) is None


def test_two_captchas_with_the_same_answer_do_not_look_alike():
    first, second = (captchas.create(clock, 600, KEY, fixed_answer="AE23HJ") for _ in range(2))
    assert first.id != second.id and first.answer == second.answer == "AE23HJ"
