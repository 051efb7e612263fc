"""Session tokens: the account and the rights they name (random ids, never the NIR), and what
`admit` checks."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.clock import to_epoch
from chalicelib.domain import sessions, tokens
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.records.sessions import SessionRecord

ACCOUNT = "A" * 22
RIGHTS = "R" * 22
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_token_names_its_account_and_its_rights_then_a_secret_in_at_most_86_characters():
    token = tokens.new_session_token(ACCOUNT, RIGHTS)
    assert tokens.read_session_token(token) == (ACCOUNT, RIGHTS)
    assert len(token) == tokens.SESSION_TOKEN_LENGTH <= 86
    account, rights, secret = token.split(".")
    assert (account, rights) == (ACCOUNT, RIGHTS) and len(secret) == 32  # 192 random bits


def test_two_tokens_of_one_session_owner_share_no_secret():
    assert tokens.new_session_token(ACCOUNT, RIGHTS) != tokens.new_session_token(ACCOUNT, RIGHTS)


@pytest.mark.parametrize(
    "token",
    [
        None,
        42,
        "",
        "A" * 78,
        f"{ACCOUNT}.{'s' * 43}",  # a token of before rights ids: account and secret
        f"{ACCOUNT}.{'s' * 43}.{'n' * 20}",  # a token of before: the NIR sealed after the secret
        f"{ACCOUNT}.{RIGHTS}.{'s' * 31}!",
        f"{ACCOUNT}.{RIGHTS[:-1]}.{'s' * 33}",
    ],
)
def test_anything_else_is_not_a_session_token(token):
    assert tokens.read_session_token(token) is None


def session_record(**changes) -> SessionRecord:
    record = SessionRecord("d", ACCOUNT, RIGHTS, None, to_epoch(NOW) + 60, NOW + timedelta(seconds=600))
    return replace(record, **changes)


@pytest.mark.parametrize(
    "record",
    [
        None,
        session_record(account_id="B" * 22),
        session_record(rights_id="S" * 22),
        session_record(rights_id=None),  # a session opened before sessions named their rights
        session_record(idle_until=to_epoch(NOW)),
        session_record(expires_at=NOW),
    ],
)
def test_admit_refuses_a_session_that_is_not_the_one_the_ticket_names_or_is_over(record):
    with pytest.raises(Unauthenticated):
        sessions.admit(record, sessions.Ticket("d", ACCOUNT, RIGHTS), NOW)


def test_admit_takes_a_live_session_of_the_named_account_and_rights():
    assert sessions.admit(session_record(), sessions.Ticket("d", ACCOUNT, RIGHTS), NOW).rights_id == RIGHTS
