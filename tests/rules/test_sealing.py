"""The one sealing module (chalicelib/sealing.py, contract §13): AES-256-GCM under a key per purpose
derived with HKDF, a key id at the start of every value, purpose and expiry authenticated, a keyring
that rotates without voiding what its previous key sealed, cached and read again when it must be."""

from datetime import UTC, datetime

import pytest

from chalicelib import sealing
from chalicelib.sealing import MAX_PAYLOAD_BYTES, MAX_SEALED_LENGTH, REREAD_SECONDS, KeyringError, Purpose
from tests.helpers.sealing import Keyrings, sealer
from tools.local import rotate_keys

EXPIRES = datetime(2026, 12, 1, 10, tzinfo=UTC)


def changed(value: str, at: int) -> str:
    return value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :]


def test_a_value_gives_back_its_payload_expiry_and_identity_and_begins_with_its_key_id():
    keyrings = Keyrings()
    sealed = keyrings.sealer().seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ")
    opened = keyrings.sealer().open(Purpose.CAPTCHA, sealed.value)
    assert (opened.payload, opened.expires_at, opened.identity) == (b"AE23HJ", EXPIRES, sealed.identity)
    assert len(sealed.identity) == 22  # 128 random bits
    assert sealed.value.startswith(rotate_keys.FIRST_KEY_ID)
    assert b"AE23HJ" not in sealed.value.encode() and "AE23HJ" not in sealed.value


def test_the_longest_payload_fits_86_url_safe_characters_and_a_longer_one_is_refused():
    value = sealer().seal(Purpose.DRAFT, EXPIRES, b"x" * MAX_PAYLOAD_BYTES).value
    assert len(value) <= MAX_SEALED_LENGTH and value.replace("-", "").replace("_", "").isalnum()
    with pytest.raises(ValueError):
        sealer().seal(Purpose.DRAFT, EXPIRES, b"x" * (MAX_PAYLOAD_BYTES + 1))


def test_two_values_of_the_same_payload_do_not_look_alike():
    one = sealer()
    first, second = (one.seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ") for _ in range(2))
    assert first.value != second.value and first.identity != second.identity


def test_a_value_sealed_for_one_purpose_is_refused_for_another():
    one = sealer()
    for purpose in Purpose:
        value = one.seal(purpose, EXPIRES, b"payload").value
        assert [other for other in Purpose if one.open(other, value) is not None] == [purpose]


def test_every_changed_character_truncation_or_extension_is_refused():
    one = sealer()
    value = one.seal(Purpose.DRAFT, EXPIRES, b"2026-11-01").value
    assert all(one.open(Purpose.DRAFT, changed(value, at)) is None for at in range(len(value)))
    assert all(one.open(Purpose.DRAFT, value[:end]) is None for end in range(len(value)))
    assert one.open(Purpose.DRAFT, value + "A") is None


@pytest.mark.parametrize("junk", [None, 7, b"bytes", "", "x", "A" * 27, "A" * 87, "ÉÉÉÉ", "../..", "cle1" * 10])
def test_anything_else_opens_to_none(junk):
    assert sealer().open(Purpose.CAPTCHA, junk) is None


def test_another_keyring_with_the_same_key_id_opens_nothing():
    value = sealer().seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ").value
    assert sealer().open(Purpose.CAPTCHA, value) is None


def test_a_value_sealed_before_a_rotation_opens_after_it_and_new_ones_take_the_new_key():
    keyrings = Keyrings()
    before = keyrings.sealer().seal(Purpose.DRAFT, EXPIRES, b"v1").value
    keyrings.rotate()
    after = keyrings.sealer()
    assert after.open(Purpose.DRAFT, before).payload == b"v1"
    new = after.seal(Purpose.DRAFT, EXPIRES, b"v2").value
    current = sealing.parse_keyring(keyrings.text).current
    assert new.startswith(current) and not before.startswith(current)


def test_a_second_rotation_drops_the_oldest_key():
    keyrings = Keyrings()
    oldest = keyrings.sealer().seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ").value
    keyrings.rotate()
    previous = keyrings.sealer().seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ").value
    keyrings.rotate()
    assert len(sealing.parse_keyring(keyrings.text).keys) == 2
    assert keyrings.sealer().open(Purpose.CAPTCHA, previous) is not None
    assert keyrings.sealer().open(Purpose.CAPTCHA, oldest) is None


def test_the_keyring_is_read_once_per_cache_period():
    keyrings = Keyrings()
    one = keyrings.sealer(cache_seconds=300)
    value = one.seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ").value
    keyrings.now = 299
    assert one.open(Purpose.CAPTCHA, value) is not None
    one.seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ")
    assert keyrings.reads == 1
    keyrings.now = 300
    one.seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ")
    assert keyrings.reads == 2


def test_a_rotation_seen_by_another_instance_first_is_read_again_once():
    keyrings = Keyrings()
    late = keyrings.sealer()
    late.seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ")  # its keyring is cached
    keyrings.rotate()
    keyrings.now = REREAD_SECONDS
    from_another_instance = keyrings.sealer().seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ").value
    reads = keyrings.reads
    assert late.open(Purpose.CAPTCHA, from_another_instance) is not None
    assert keyrings.reads == reads + 1
    assert late.open(Purpose.CAPTCHA, from_another_instance) is not None  # known now
    assert keyrings.reads == reads + 1


def test_unknown_key_ids_read_the_keyring_again_at_most_every_few_seconds():
    keyrings = Keyrings()
    one = keyrings.sealer()
    value = one.seal(Purpose.CAPTCHA, EXPIRES, b"AE23HJ").value
    forged = [key_id + value[4:] for key_id in ("AAAA", "BBBB", "CCCC")]
    keyrings.now = REREAD_SECONDS
    assert [one.open(Purpose.CAPTCHA, each) for each in forged] == [None] * 3
    assert keyrings.reads == 2  # the first read, and one more for the three
    keyrings.now = 2 * REREAD_SECONDS
    assert one.open(Purpose.CAPTCHA, forged[0]) is None
    assert keyrings.reads == 3


def test_a_keyring_out_of_reach_raises_what_its_reader_raised():
    def unreachable() -> str:
        raise ConnectionError("Secrets Manager")

    with pytest.raises(ConnectionError):
        sealing.Sealer(unreachable, 300, lambda: 0.0).open(Purpose.CAPTCHA, "cle1" + "A" * 50)


@pytest.mark.parametrize(
    "text",
    [
        "pas du JSON",
        "[]",
        '{"cle1": "' + "x" * 64 + '"}',  # no current key
        '{"actuelle": "cle2", "cle1": "' + "x" * 64 + '"}',  # the current key is missing
        '{"actuelle": "cle1", "cle1": "trop courte"}',
        '{"actuelle": "cle-1", "cle-1": "' + "x" * 64 + '"}',  # 5 characters
        '{"actuelle": "cle1", "cle1": 12}',
    ],
)
def test_a_malformed_keyring_is_refused_without_showing_a_key(text):
    with pytest.raises(KeyringError) as refused:
        sealing.parse_keyring(text)
    assert "x" * 32 not in str(refused.value)


def test_the_template_s_generated_format_and_the_rotation_tool_s_output_are_keyrings():
    generated = '{"actuelle": "cle1", "cle1": "' + "aB3" * 21 + 'z"}'  # GenerateSecretString's output
    assert sealing.parse_keyring(generated).current == "cle1"
    rotated = sealing.parse_keyring(rotate_keys.rotated_text(generated))
    assert set(rotated.keys) == {"cle1", rotated.current} and rotated.current != "cle1"
