"""The scheduled cleanup of expired registrations, invoked as the schedule does, on moto, with a fixed clock."""

import functools

import boto3
import pytest
from moto import mock_aws

from chalicelib import dependencies, table
from chalicelib.domain import activation, tokens
from chalicelib.settings import get_settings
from chalicelib.store import Store
from chalicelib.store.expiry import expiry_shards
from tests.support import NIR, FixedClock, make_nir

COURRIEL = "jean.dupont@example.fr"
FIFTEEN_DAYS = 15 * 86400


@pytest.fixture
def run_cleanup(api, monkeypatch):
    """Invoke the scheduled function as EventBridge does; returns its counts."""
    import chalice.test
    from app import app

    # The test client's Lambda context says 3 s remain, less than the cleanup's margin; a deployed
    # function has its configured timeout. Give it Lambda's maximum, 15 minutes.
    monkeypatch.setattr(
        chalice.test, "LambdaContext", functools.partial(chalice.test.LambdaContext, max_runtime_ms=900_000)
    )

    def run() -> dict:
        return api.client.lambda_.invoke("cleanup_expired_registrations", scheduled_event(api)).payload

    assert "cleanup_expired_registrations" in app.handler_map
    return run


@pytest.fixture
def store(aws):
    return Store(dependencies.aws_client("dynamodb"), get_settings().table_name)


def scheduled_event(api) -> dict:
    return api.client.events.generate_cw_event(
        source="aws.events",
        detail_type="Scheduled Event",
        detail={},
        resources=["arn:aws:events:eu-west-3:123456789012:rule/cleanup_expired_registrations"],
    )


def item(pk: str, sk: str) -> dict | None:
    key = {"pk": {"S": pk}, "sk": {"S": sk}}
    return boto3.client("dynamodb").get_item(TableName=get_settings().table_name, Key=key, ConsistentRead=True).get("Item")


def partition(pk: str) -> list[dict]:
    response = boto3.client("dynamodb").query(
        TableName=get_settings().table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    )
    return response["Items"]


def account_id_of(nir: str) -> str:
    return item(f"IDENTIFIANT#{nir}", "IDENTIFIANT")["compte_id"]["S"]


def test_an_expired_registration_leaves_nothing_and_frees_its_nir_and_email(journey, clock, run_cleanup):
    code = journey.register(courriel=COURRIEL)
    account_id = account_id_of(NIR)
    assert len(partition(f"COMPTE#{account_id}")) == 2  # the account and its registration event

    clock.advance(seconds=FIFTEEN_DAYS + 1)
    assert run_cleanup() == {
        "supprimees": 1,
        "brouillons_supprimes": 1,  # the draft it came from, past its hour
        "evenements_supprimes": 1,
        "elements_lus": 3,
        "termine": True,
    }

    assert item(f"IDENTIFIANT#{NIR}", "IDENTIFIANT") is None
    assert item(f"COURRIEL#{COURRIEL}", "COURRIEL") is None
    assert item(f"ACTIVATION#{tokens.digest(code)}", "ACTIVATION") is None
    assert partition(f"COMPTE#{account_id}") == []
    assert journey.activate(code).body["code"] == "activation_invalide"

    journey.register(courriel=COURRIEL)  # the same person registers again at once
    assert account_id_of(NIR) != account_id


def test_a_pending_account_within_its_fifteen_days_stays(journey, clock, run_cleanup):
    code = journey.register()
    clock.advance(seconds=FIFTEEN_DAYS - 60)
    assert run_cleanup()["supprimees"] == 0
    assert item(f"IDENTIFIANT#{NIR}", "IDENTIFIANT") is not None
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
        for records, read in original(self, *args, **kwargs):
            if any(record["id"] == account_id for record in records):
                activation.activate(self, before_expiry, code)
            yield records, read

    monkeypatch.setattr(Store, "expired_registrations", then_activate)
    assert run_cleanup()["supprimees"] == 0
    assert item(f"COMPTE#{account_id}", "COMPTE")["statut"]["S"] == "actif"
    assert item(f"IDENTIFIANT#{NIR}", "IDENTIFIANT") is not None
    assert item(f"COURRIEL#{COURRIEL}", "COURRIEL") is not None
    assert journey.log_in(NIR).status == 201


def test_drafts_past_their_hour_go_and_live_ones_stay(journey, api, clock, run_cleanup):
    old = [journey.start(), journey.start()]
    clock.advance(minutes=30)
    live = journey.start()
    clock.advance(minutes=31)
    assert run_cleanup()["brouillons_supprimes"] == 2
    assert [item(f"INSCRIPTION#{draft}", "INSCRIPTION") for draft in old] == [None, None]
    assert api.get(f"/inscriptions/{live}").status == 200


def test_a_reservation_taken_over_after_the_expiry_is_left_to_its_new_holder(journey, clock, run_cleanup):
    journey.register(courriel=COURRIEL)
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    journey.register(courriel=COURRIEL)  # before any cleanup: an expired registration blocks nothing
    new_account = account_id_of(NIR)

    assert run_cleanup()["supprimees"] == 1
    assert account_id_of(NIR) == new_account
    assert item(f"COURRIEL#{COURRIEL}", "COURRIEL")["compte_id"]["S"] == new_account
    assert item(f"COMPTE#{new_account}", "COMPTE") is not None


def test_running_twice_is_harmless(journey, clock, run_cleanup):
    journey.register()
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    assert run_cleanup()["supprimees"] == 1
    assert run_cleanup() == {
        "supprimees": 0, "brouillons_supprimes": 0, "evenements_supprimes": 0, "elements_lus": 0, "termine": True
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
    nir = make_nir(f"1840575{n:06d}")
    return {"pk": {"S": f"COMPTE#actif{n:06d}"}, "sk": {"S": "COMPTE"}, "statut": {"S": "actif"}, "nir": {"S": nir}}


def write_directly(items: list[dict]) -> None:
    client = boto3.client("dynamodb")
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": one}} for one in items[start : start + 25]]
        assert not client.batch_write_item(RequestItems={get_settings().table_name: requests})["UnprocessedItems"]


def test_the_cost_grows_with_the_expired_registrations_not_with_the_table(journey, clock, run_cleanup):
    expired = 10
    for n in range(expired):
        journey.register(nir=make_nir(f"2920169123{n:03d}"), courriel=f"attente{n}@example.fr")
    write_directly([active_account(n) for n in range(1000)])
    clock.advance(seconds=FIFTEEN_DAYS + 1)

    read = []
    client = dependencies.aws_client("dynamodb")
    client.meta.events.register(
        "after-call.dynamodb.Query", lambda parsed, **_: read.append(parsed.get("ScannedCount", parsed.get("Count", 0)))
    )
    report = run_cleanup()

    print(f"table: 1000 active accounts + {expired} expired registrations; "
          f"cleanup: {len(read)} Query requests, {sum(read)} items read, report {report}")
    assert report["supprimees"] == expired and report["brouillons_supprimes"] == expired
    # Per expired registration: its account and its draft in the index, its one history event.
    assert sum(read) == report["elements_lus"] == 3 * expired
    assert len(read) == len(expiry_shards()) + expired


class ContextRunningOut:
    """A Lambda context whose remaining time drops below the cleanup's margin after a few checks."""

    def __init__(self, checks_with_time: int):
        self.checks_with_time = checks_with_time

    def get_remaining_time_in_millis(self) -> int:
        self.checks_with_time -= 1
        return 60_000 if self.checks_with_time >= 0 else 5_000


def test_it_stops_before_the_timeout_and_the_next_run_finishes(journey, api, clock, run_cleanup):
    from app import cleanup_expired_registrations

    for n in range(4):
        journey.register(nir=make_nir(f"2920169123{n:03d}"), courriel=f"attente{n}@example.fr")
    clock.advance(seconds=FIFTEEN_DAYS + 1)

    first = cleanup_expired_registrations(scheduled_event(api), ContextRunningOut(checks_with_time=3))
    assert first["termine"] is False
    assert first["supprimees"] + first["brouillons_supprimes"] < 8

    second = run_cleanup()
    assert second["termine"] is True
    assert first["supprimees"] + second["supprimees"] == 4
    assert first["brouillons_supprimes"] + second["brouillons_supprimes"] == 4


def test_an_older_table_without_the_expiry_index_gets_it():
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        old = {k: v for k, v in table.create_table_arguments("ancienne").items() if k != "GlobalSecondaryIndexes"}
        old["AttributeDefinitions"] = old["AttributeDefinitions"][:2]
        dynamodb.create_table(**old)
        assert table.ensure_table(dynamodb, "ancienne") is False
        indexes = dynamodb.describe_table(TableName="ancienne")["Table"]["GlobalSecondaryIndexes"]
        assert [index["IndexName"] for index in indexes] == [table.EXPIRY_INDEX]
        assert indexes[0]["KeySchema"] == table.GLOBAL_SECONDARY_INDEXES[0]["KeySchema"]


def test_two_runs_at_once_remove_each_registration_once(journey, clock, serialized_emulator):
    """Real threads on the domain; moto serialised to one request at a time (conftest.py), so that
    its transactions are atomic the way DynamoDB's are."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.domain import cleanup

    for n in range(6):
        journey.register(nir=make_nir(f"2920169123{n:03d}"), courriel=f"attente{n}@example.fr")
    clock.advance(seconds=FIFTEEN_DAYS + 1)

    store = Store(boto3.client("dynamodb"), get_settings().table_name)
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        return cleanup.clean_up(store, clock)

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: run(), range(2)))
    assert sum(report.supprimees for report in reports) == 6
    assert sum(report.brouillons_supprimes for report in reports) == 6
    assert cleanup.clean_up(store, clock).supprimees == 0
