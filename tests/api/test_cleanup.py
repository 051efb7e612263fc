"""The scheduled cleanup of expired registrations, invoked as a Lambda the way Chalice's documentation
shows (`client.lambda_.invoke` with a generated EventBridge event and the test client's own context),
on moto, with a fixed clock."""

import pytest

from chalicelib import dependencies
from chalicelib.domain import activation, tokens
from chalicelib.store import Store, keys
from chalicelib.store.actions import expiry_shards
from tests.helpers.api import scheduled_event
from tests.helpers.clock import FixedClock
from tests.helpers.people import EMAIL, NIR, make_nir
from tests.helpers.table import account_id_of, item, partition, write_directly

FIFTEEN_DAYS = 15 * 86400


@pytest.fixture
def run_cleanup(api):
    """Invoke the scheduled function as EventBridge does; returns its counts. The test client's Lambda
    context gives the run about 3 s, a short timeout: the cleanup must fit its margin to that."""
    from app import app

    def run() -> dict:
        return api.client.lambda_.invoke("cleanup_expired_registrations", scheduled_event(api)).payload

    assert "cleanup_expired_registrations" in app.handler_map
    return run


@pytest.fixture
def run_cleanup_as_deployed(api):
    """The same invocation with the deployed function's 300 s (`.chalice/config.json`), for tests
    that load the emulator heavily and are not about the time a run has."""
    from chalice.local import LambdaContext

    from app import app

    def run() -> dict:
        context = LambdaContext("cleanup_expired_registrations", memory_size=1769, max_runtime_ms=300_000)
        return app.handler_map["cleanup_expired_registrations"](scheduled_event(api), context)

    return run


def register_several(journey, count: int) -> list[str]:
    """`count` pending registrations of different people; their NIRs."""
    nirs = [make_nir(f"2920169123{n:03d}") for n in range(count)]
    for n, nir in enumerate(nirs):
        journey.register(nir=nir, courriel=f"attente{n}@example.fr")
    return nirs


def test_a_default_invocation_removes_a_few_expired_registrations_and_finishes(journey, clock, run_cleanup):
    nirs = register_several(journey, 3)
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    report = run_cleanup()
    assert report["termine"] is True
    assert report["supprimees"] == 3 and report["brouillons_supprimes"] == 3
    assert [item(keys.credentials_key(nir)) for nir in nirs] == [None, None, None]


def test_an_expired_registration_leaves_nothing_and_frees_its_nir_and_email(journey, clock, run_cleanup):
    code = journey.register(courriel=EMAIL)
    account_id = account_id_of(NIR)
    assert len(partition(keys.account_partition(account_id))) == 2  # the account and its registration event

    clock.advance(seconds=FIFTEEN_DAYS + 1)
    assert run_cleanup() == {
        "supprimees": 1,
        "brouillons_supprimes": 1,  # the draft it came from, past its hour
        "evenements_supprimes": 1,
        "elements_lus": 3,
        "termine": True,
    }

    assert item(keys.credentials_key(NIR)) is None
    assert item(keys.email_key(EMAIL)) is None
    assert item(keys.activation_key(tokens.digest(code))) is None
    assert partition(keys.account_partition(account_id)) == []
    assert journey.activate(code).body["code"] == "activation_invalide"

    journey.register(courriel=EMAIL)  # the same person registers again at once
    assert account_id_of(NIR) != account_id


def test_a_pending_account_within_its_fifteen_days_stays(journey, clock, run_cleanup):
    code = journey.register()
    clock.advance(seconds=FIFTEEN_DAYS - 60)
    assert run_cleanup()["supprimees"] == 0
    assert item(keys.credentials_key(NIR)) is not None
    assert journey.activate(code).status == 200


def test_an_active_account_stays(journey, clock, run_cleanup):
    journey.active_account()
    clock.advance(days=400)
    assert run_cleanup()["supprimees"] == 0
    assert journey.log_in(NIR).status == 201


def test_an_account_activated_while_the_cleanup_runs_stays(journey, clock, run_cleanup, monkeypatch):
    code = journey.register()
    account_id = account_id_of(NIR)
    before_expiry = FixedClock(clock.now)
    clock.advance(seconds=FIFTEEN_DAYS + 1)

    # The person activates between the cleanup's query and its deletions (a Lambda elsewhere,
    # whose clock was still within the link's validity).
    original = Store.expired_registrations

    def then_activate(self, *args, **kwargs):
        for page in original(self, *args, **kwargs):
            if any(record.id == account_id for record in page.expired):
                activation.activate(self, before_expiry, code)
            yield page

    monkeypatch.setattr(Store, "expired_registrations", then_activate)
    assert run_cleanup()["supprimees"] == 0
    assert item(keys.account_key(account_id))["statut"]["S"] == "actif"
    assert item(keys.credentials_key(NIR)) is not None
    assert item(keys.email_key(EMAIL)) is not None
    assert journey.log_in(NIR).status == 201


def test_drafts_past_their_hour_go_and_live_ones_stay(journey, api, clock, run_cleanup):
    """Drafts holding a person (the identity step writes a draft; a started one is its id alone)."""

    def draft_with_an_identity() -> str:
        draft_id = journey.start()
        assert journey.identity(draft_id).status == 200
        return draft_id

    old = [draft_with_an_identity(), draft_with_an_identity()]
    clock.advance(minutes=30)
    live = draft_with_an_identity()
    clock.advance(minutes=31)
    assert run_cleanup()["brouillons_supprimes"] == 2
    assert [item(keys.draft_key(draft)) for draft in old] == [None, None]
    assert api.get(f"/inscriptions/{live}").status == 200


def test_a_reservation_taken_over_after_the_expiry_is_left_to_its_new_holder(journey, clock, run_cleanup):
    journey.register(courriel=EMAIL)
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    journey.register(courriel=EMAIL)  # before any cleanup: an expired registration blocks nothing
    new_account = account_id_of(NIR)

    assert run_cleanup()["supprimees"] == 1
    assert account_id_of(NIR) == new_account
    assert item(keys.email_key(EMAIL))["compte_id"]["S"] == new_account
    assert item(keys.account_key(new_account)) is not None


def test_running_twice_is_harmless(journey, clock, run_cleanup):
    journey.register()
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    assert run_cleanup()["supprimees"] == 1
    assert run_cleanup() == {
        "supprimees": 0,
        "brouillons_supprimes": 0,
        "evenements_supprimes": 0,
        "elements_lus": 0,
        "termine": True,
    }


def test_the_cleanup_never_scans(journey, clock, run_cleanup, dynamodb_calls):
    journey.register()
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    del dynamodb_calls[:]
    run_cleanup()
    assert "Query" in dynamodb_calls
    assert "Scan" not in dynamodb_calls, dynamodb_calls


def active_account(n: int) -> dict:
    """An activated account as the store leaves it: no expiry, not in the expiry index. (Its
    reservations are left out: moto's transactions slow down with the table's size, DynamoDB's do not.)"""
    return keys.item(keys.account_key(f"actif{n:06d}"), {"statut": "actif", "nir": make_nir(f"1840575{n:06d}")})


def test_the_cost_grows_with_the_expired_registrations_not_with_the_table(journey, clock, run_cleanup_as_deployed):
    expired = 10
    register_several(journey, expired)
    write_directly([active_account(n) for n in range(1000)])
    clock.advance(seconds=FIFTEEN_DAYS + 1)

    read = []
    client = dependencies.aws_client("dynamodb")
    client.meta.events.register(
        "after-call.dynamodb.Query", lambda parsed, **_: read.append(parsed.get("ScannedCount", parsed.get("Count", 0)))
    )
    report = run_cleanup_as_deployed()

    assert report["supprimees"] == expired and report["brouillons_supprimes"] == expired
    # Per expired registration: its account and its draft in the index, its one history event.
    assert sum(read) == report["elements_lus"] == 3 * expired
    assert len(read) == len(expiry_shards()) + expired


class ContextRunningOut:
    """A Lambda context of a minute whose remaining time drops to half a second after a few checks:
    below the cleanup's margin, whether that is a fixed 10 s or a share of the invocation's time."""

    def __init__(self, checks_with_time: int):
        self.checks_with_time = checks_with_time

    def get_remaining_time_in_millis(self) -> int:
        self.checks_with_time -= 1
        return 60_000 if self.checks_with_time >= 0 else 500


def test_it_stops_before_the_timeout_and_the_next_run_finishes(journey, api, clock, run_cleanup):
    from app import cleanup_expired_registrations

    register_several(journey, 4)
    clock.advance(seconds=FIFTEEN_DAYS + 1)

    first = cleanup_expired_registrations(scheduled_event(api), ContextRunningOut(checks_with_time=3))
    assert first["termine"] is False
    assert first["supprimees"] + first["brouillons_supprimes"] < 8

    second = run_cleanup()
    assert second["termine"] is True
    assert first["supprimees"] + second["supprimees"] == 4
    assert first["brouillons_supprimes"] + second["brouillons_supprimes"] == 4
