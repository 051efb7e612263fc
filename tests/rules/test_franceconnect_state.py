"""The OpenID `state` (chalicelib/domain/franceconnect/state.py): sealed, 86 characters at most,
its binding, its expiry, its secrets."""

from datetime import timedelta

from chalicelib.domain.franceconnect.state import STATE_SECONDS, Path, new_state, open_state
from chalicelib.sealing import MAX_SEALED_LENGTH, Purpose
from tests.helpers.clock import START
from tests.helpers.sealing import sealer as new_sealer

SEALER = new_sealer()


def sealer():
    return SEALER


def test_a_state_opens_to_its_path_verifier_nonce_and_binding():
    made = new_state(sealer(), Path.VERIFICATION, "digest-of-a-session", START)
    assert len(made.value) <= MAX_SEALED_LENGTH
    opened = open_state(sealer(), made.value, START)
    assert opened == made
    assert opened.bound_to("digest-of-a-session") and not opened.bound_to("digest-of-another")
    assert len(made.verifier) == 43 and len(made.nonce) == 43 and made.verifier != made.nonce


def test_two_states_share_nothing():
    first, second = (new_state(sealer(), Path.LOGIN, None, START) for _ in range(2))
    assert {first.id, first.verifier, first.nonce}.isdisjoint({second.id, second.verifier, second.nonce})
    assert first.bound_to(None) and not first.bound_to("a-draft-id")


def test_a_state_expires_after_ten_minutes():
    made = new_state(sealer(), Path.REGISTRATION, "a-draft-id", START)
    assert open_state(sealer(), made.value, START + timedelta(seconds=STATE_SECONDS - 1)) is not None
    assert open_state(sealer(), made.value, START + timedelta(seconds=STATE_SECONDS)) is None


def test_a_value_sealed_for_another_purpose_or_altered_is_no_state():
    other = sealer().seal(Purpose.DRAFT, START + timedelta(hours=1), bytes(25)).value
    assert open_state(sealer(), other, START) is None
    made = new_state(sealer(), Path.LOGIN, None, START).value
    assert open_state(sealer(), made[:-1] + ("A" if made[-1] != "A" else "B"), START) is None
    assert open_state(sealer(), None, START) is None
