"""The captcha's seal: its id carries its characters, unreadable and unforgeable without the key."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain import captchas
from chalicelib.settings import ConfigurationError, load_settings

KEY = b"une cle de test pour sceller les captchas"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def clock():
    return NOW


def test_an_id_gives_back_its_characters_and_expiry_with_the_key():
    made = captchas.create(clock, 600, KEY)
    read = captchas.read(made.id, KEY)
    assert (read.answer, read.expires_at, read.nonce) == (made.answer, made.expires_at, made.nonce)
    assert len(made.answer) == captchas.LENGTH and set(made.answer) <= set(captchas.ALPHABET)
    assert made.answer not in made.id


def test_another_key_reads_nothing():
    other_key = b"une autre cle, tout aussi longue que la premiere"
    assert captchas.read(captchas.create(clock, 600, KEY).id, other_key) is None


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


def test_the_key_is_required_outside_a_local_emulator():
    with pytest.raises(ConfigurationError):
        load_settings({}).captcha_key()
    assert len(load_settings({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}).captcha_key()) >= 32
    assert load_settings({"CAPTCHA_SECRET": "x" * 32}).captcha_key() == b"x" * 32


def test_a_short_key_is_refused():
    with pytest.raises(ConfigurationError):
        load_settings({"CAPTCHA_SECRET": "trop court"})
