"""Sessions at the domain level, with a fixed clock: ending the other sessions, or all of them."""

import pytest

from chalicelib.domain import sessions
from chalicelib.domain.errors import Unauthenticated
from tests.helpers.people import NIR, PASSWORD

IDLE, MAX = 1800, 43200


@pytest.fixture
def account(journey):
    journey.activate(journey.register())


def log_in(store, clock):
    new = sessions.log_in(
        store, clock, nir=NIR, password=PASSWORD, idle_seconds=IDLE, max_seconds=MAX,
        lockout_threshold=5, lockout_seconds=900,
    )
    return new.token, sessions.authenticate(store, clock, new.token, idle_seconds=IDLE)


def still_valid(store, clock, token) -> bool:
    try:
        sessions.authenticate(store, clock, token, idle_seconds=IDLE)
        return True
    except Unauthenticated:
        return False


def test_ending_the_other_sessions_keeps_the_current_one(store, clock, account):
    (current_token, current), (other_token, _), (third_token, _) = (log_in(store, clock) for _ in range(3))
    assert sessions.end_other_sessions(store, current) == 2
    assert still_valid(store, clock, current_token)
    assert not still_valid(store, clock, other_token) and not still_valid(store, clock, third_token)


def test_ending_every_session(store, clock, account):
    tokens = [log_in(store, clock) for _ in range(30)]  # more than one BatchWriteItem's worth
    assert sessions.end_every_session(store, tokens[0][1].account_id) == 30
    assert not any(still_valid(store, clock, token) for token, _ in tokens)


def test_a_logged_out_session_is_not_counted_again(store, clock, account):
    (_, session), _still_open = log_in(store, clock), log_in(store, clock)
    sessions.log_out(store, clock, session)
    assert sessions.end_every_session(store, session.account_id) == 1
