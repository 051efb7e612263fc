"""The rules of délégations and of the email change that need no table: dates, statuses, masking,
the hour's email allowance, the settings."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.clock import to_epoch
from chalicelib.domain import delegations, identity, recovery
from chalicelib.domain.records.accounts import Account
from chalicelib.domain.records.delegations import Delegation
from chalicelib.domain.records.people import Names
from chalicelib.domain.records.tokens import EmailLog
from chalicelib.settings import load_settings
from tests.helpers.records import IDENTITY


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("end", "last_instant_utc"),
    [
        (date(2027, 1, 15), "2027-01-15T22:59:59"),  # winter: Paris is UTC+1
        (date(2027, 7, 14), "2027-07-14T21:59:59"),  # summer: UTC+2
    ],
)
def test_a_delegation_holds_until_the_end_of_its_last_day_in_paris(end, last_instant_utc):
    assert delegations.ends_at(end) - timedelta(seconds=1) == moment(last_instant_utc)


def test_the_end_date_defaults_to_one_year_ahead_even_from_the_29th_of_february():
    assert delegations.one_year_after(date(2026, 12, 1)) == date(2027, 12, 1)
    assert delegations.one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_today_is_the_date_in_paris():
    assert delegations.today(moment("2026-12-31T23:30:00")) == date(2027, 1, 1)


def record(statut, fin="2027-01-15", invitation="2026-12-16T10:00:00"):
    names = Names("M", "Dupont", "Jean")
    return Delegation(
        "d",
        "t",
        None,
        names,
        "m@example.fr",
        "m@example.fr",
        "consultation",
        statut,
        "",
        fin,
        to_epoch(moment(invitation)),
        "i",
    )


@pytest.mark.parametrize(
    ("stored", "now", "shown"),
    [
        ("en_attente", "2026-12-10T00:00:00", "en_attente"),
        ("en_attente", "2026-12-16T10:00:00", "expiree"),  # the invitation's 15 days are over
        ("active", "2026-12-20T00:00:00", "active"),  # the invitation's time no longer matters
        ("active", "2027-01-15T22:59:59", "active"),
        ("active", "2027-01-15T23:00:00", "expiree"),  # midnight in Paris
        ("revoquee", "2026-12-10T00:00:00", "revoquee"),
        ("revoquee", "2028-01-01T00:00:00", "revoquee"),
    ],
)
def test_the_status_is_computed_from_the_clock_whatever_ttl_has_done(stored, now, shown):
    assert delegations.status_of(record(stored), moment(now)) == shown


@pytest.mark.parametrize(
    ("address", "masked"),
    [("jean.dupont@example.fr", "j***@example.fr"), ("a@b.fr", "a***@b.fr"), ("É.lo@exemple.fr", "É***@exemple.fr")],
)
def test_a_history_shows_an_address_masked(address, masked):
    assert identity.mask_email(address) == masked


def test_a_person_is_named_by_first_and_birth_name_or_by_civility():
    assert delegations.display_name(Names("MME", "Martin", "Marie")) == "Marie Martin"
    assert delegations.display_name(Names("MME", "Martin")) == "Mme Martin"
    assert delegations.display_name(Names("M", "Dupont")) == "M. Dupont"


ACCOUNT = Account("compte", IDENTITY, "actif", "2026-01", "", "")


def test_the_hour_s_allowance_counts_each_email_and_says_when_to_retry():
    now = moment("2026-12-01T10:00:00")
    sent = (to_epoch(now - timedelta(minutes=50)), to_epoch(now - timedelta(minutes=20)))
    account = replace(ACCOUNT, email_log=sent)
    assert recovery.email_log_with(account, now, 1) == EmailLog(sent, (*sent, to_epoch(now)))
    assert recovery.email_log_with(account, now, 2) is None  # the email change's link and notice: four
    assert recovery.allowance_refused(account, now, 2).retry_after_seconds == 10 * 60  # the older one leaves
    full = replace(ACCOUNT, email_log=(*sent, to_epoch(now - timedelta(minutes=5))))
    assert recovery.allowance_refused(full, now, 2).retry_after_seconds == 40 * 60  # two must leave
    an_hour_ago = replace(ACCOUNT, email_log=(to_epoch(now - timedelta(hours=1)),))
    assert recovery.email_log_with(an_hour_ago, now, 3) is not None


def test_the_settings_of_this_feature_have_the_contract_s_defaults():
    settings = load_settings({})
    assert settings.email_change_ttl_seconds == 3600
    assert settings.delegation_invitation_ttl_seconds == 1_296_000
    assert load_settings({"EMAIL_CHANGE_TTL_SECONDS": "60"}).email_change_ttl_seconds == 60
