"""Sessions at the domain level, with a fixed clock: ending the other sessions, or all of them."""

import pytest

from chalicelib.domain import holder, recovery, sessions
from chalicelib.domain.errors import Unauthenticated
from tests.helpers.people import EMAIL, NEW_PASSWORD, NIR, PASSWORD

IDLE, MAX = 1800, 43200


@pytest.fixture
def account(journey):
    journey.activate(journey.register())


def log_in(store, clock):
    new = sessions.log_in(
        store,
        clock,
        nir=NIR,
        password=PASSWORD,
        idle_seconds=IDLE,
        max_seconds=MAX,
        lockout_threshold=5,
        lockout_seconds=900,
    )
    return new.token, sessions.authenticate(store, clock, new.token, idle_seconds=IDLE)


def still_valid(store, clock, token) -> bool:
    try:
        sessions.authenticate(store, clock, token, idle_seconds=IDLE)
        return True
    except Unauthenticated:
        return False


def change_password(store, clock, session):
    return holder.change_password(
        store,
        ResetMailer(),
        clock,
        session,
        current=PASSWORD,
        new=NEW_PASSWORD,
        confirmation=NEW_PASSWORD,
        policy="cpf-2015",
        lockout_threshold=5,
        lockout_seconds=900,
    )


def reset_password(store, clock):
    mailer = ResetMailer()
    recovery.request_reset(store, mailer, clock, nir=NIR, courriel=EMAIL, ttl_seconds=3600)
    recovery.reset_password(
        store, mailer, clock, code=mailer.token, password=NEW_PASSWORD, confirmation=NEW_PASSWORD, policy="cpf-2015"
    )


class ResetMailer:
    """Keeps the reset link's token; the notices to the holder go nowhere."""

    token = None

    def send_password_reset(self, recipient, token, expires_at, *, record_id):
        self.token = token

    def send_password_changed_notice(self, recipient, moment, *, record_id):
        pass

    def send_password_reset_notice(self, recipient, moment, delegations_ended, *, record_id):
        pass


def test_a_password_change_ends_the_other_sessions_and_keeps_the_current_one(store, clock, account):
    (current_token, current), (other_token, _), (third_token, _) = (log_in(store, clock) for _ in range(3))
    assert change_password(store, clock, current) == 2
    assert still_valid(store, clock, current_token)
    assert not still_valid(store, clock, other_token) and not still_valid(store, clock, third_token)


def test_a_reset_ends_every_session_even_more_than_one_transaction_holds(store, clock, account):
    tokens = [log_in(store, clock)[0] for _ in range(60)]  # 2 items each: the transaction takes 47
    reset_password(store, clock)
    assert not any(still_valid(store, clock, token) for token in tokens)


def test_a_logged_out_session_is_not_counted_again(store, clock, account):
    (_, session), (_, still_open) = log_in(store, clock), log_in(store, clock)
    sessions.log_out(store, clock, session)
    assert change_password(store, clock, still_open) == 0
