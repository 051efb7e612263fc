"""Session tokens: the account and the NIR they name (the NIR sealed), and what `admit` checks."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.clock import to_epoch
from chalicelib.domain import sessions, tokens
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.records.sessions import SessionRecord

KEY = b"k" * 32
ACCOUNT = "A" * 22
NIR = "184057512345643"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_token_names_its_account_and_its_nir_for_the_key_that_sealed_it():
    token = tokens.new_session_token(ACCOUNT, NIR, KEY)
    assert NIR not in token
    assert tokens.read_session_token(token, KEY) == (ACCOUNT, NIR)
    assert tokens.read_session_token(token, b"x" * 32)[1] != NIR


@pytest.mark.parametrize("token", [None, 42, "", "A" * 87, ACCOUNT + "." + "s" * 43, ACCOUNT + "." + "s" * 43 + ".!!"])
def test_anything_else_is_not_a_session_token(token):
    assert tokens.read_session_token(token, KEY) is None


def session_record(**changes) -> SessionRecord:
    record = SessionRecord("d", ACCOUNT, NIR, None, to_epoch(NOW) + 60, NOW + timedelta(seconds=600))
    return replace(record, **changes)


@pytest.mark.parametrize(
    "record",
    [None, session_record(account_id="B" * 22), session_record(nir="284057512345643"),
     session_record(idle_until=to_epoch(NOW)), session_record(expires_at=NOW)],
)
def test_admit_refuses_a_session_that_is_not_the_one_the_ticket_names_or_is_over(record):
    with pytest.raises(Unauthenticated):
        sessions.admit(record, sessions.Ticket("d", ACCOUNT, NIR), NOW)


def test_admit_takes_a_live_session_of_the_named_account_and_nir():
    assert sessions.admit(session_record(), sessions.Ticket("d", ACCOUNT, NIR), NOW).nir == NIR
