"""Races, at the domain level, with real threads: the conditional writes decide, exactly one wins.

moto applies a transaction item by item without a lock, so on its own it is not atomic between
threads the way DynamoDB is; the `serialized_emulator` fixture (conftest.py) gives it DynamoDB's isolation by
running one request at a time. What is tested is then our conditions, not moto's thread safety.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from chalicelib import table
from chalicelib.domain import activation, captchas, registration
from chalicelib.domain.errors import DomainError
from chalicelib.store import Store
from tests.support import NIR, PASSWORD, FixedClock

CONTENDERS = 6


class RecordingMailer:
    def __init__(self):
        self.sent = []
        self._lock = threading.Lock()

    def send_activation(self, recipient, token, expires_at):
        with self._lock:
            self.sent.append((recipient, token))


@pytest.fixture
def store(serialized_emulator):
    return Store(boto3.client("dynamodb"), "mon-compte-formation")


@pytest.fixture
def fixed_clock():
    return FixedClock()


def draft_awaiting_password(store, clock, nir=NIR, courriel="jean.dupont@example.fr") -> str:
    draft = registration.start(store, clock, ttl_seconds=3600, current_cgu_version="v1", accepted=True, version="v1")
    captcha = captchas.create(store, clock, 600, fixed_answer="AE23HJ")
    person = registration.Identity(nir=nir, civilite="M", nom_naissance="Dupont", courriel=courriel)
    registration.submit_identity(store, clock, draft.id, person, captcha.id, "ae23hj")
    return draft.id


def race(*attempts) -> list:
    """Start every attempt at the same moment; return each one's result or refusal."""
    barrier = threading.Barrier(len(attempts))

    def run(attempt):
        barrier.wait()
        try:
            return attempt()
        except DomainError as refusal:
            return refusal

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(run, attempts))


def password_step(store, clock, mailer, draft_id):
    return lambda: registration.submit_password(
        store, mailer, clock, draft_id=draft_id, password=PASSWORD, confirmation=PASSWORD,
        policy="cpf-2015", activation_ttl_seconds=15 * 86400,
    )


def refusal_codes(results) -> list[str]:
    return sorted(result.code for result in results if isinstance(result, DomainError))


def test_registrations_racing_for_one_nir_make_exactly_one_account(store, fixed_clock):
    mailer = RecordingMailer()
    drafts = [draft_awaiting_password(store, fixed_clock, courriel=f"p{i}@example.fr") for i in range(CONTENDERS)]
    results = race(*(password_step(store, fixed_clock, mailer, draft) for draft in drafts))
    assert sum(isinstance(r, registration.PendingRegistration) for r in results) == 1
    assert refusal_codes(results) == ["nir_deja_inscrit"] * (CONTENDERS - 1)
    assert len(mailer.sent) == 1


def test_registrations_racing_for_one_email_make_exactly_one_account(store, fixed_clock):
    from tests.support import make_nir

    mailer = RecordingMailer()
    nirs = [make_nir(f"18405751234{i:02d}") for i in range(CONTENDERS)]
    drafts = [draft_awaiting_password(store, fixed_clock, nir=nir) for nir in nirs]
    results = race(*(password_step(store, fixed_clock, mailer, draft) for draft in drafts))
    assert sum(isinstance(r, registration.PendingRegistration) for r in results) == 1
    assert refusal_codes(results) == ["courriel_deja_utilise"] * (CONTENDERS - 1)


def test_a_password_step_submitted_many_times_at_once_makes_one_account(store, fixed_clock):
    mailer = RecordingMailer()
    draft = draft_awaiting_password(store, fixed_clock)
    results = race(*(password_step(store, fixed_clock, mailer, draft) for _ in range(CONTENDERS)))
    assert sum(isinstance(r, registration.PendingRegistration) for r in results) == 1
    assert set(refusal_codes(results)) <= {"etape_invalide", "nir_deja_inscrit"}
    assert len(mailer.sent) == 1


def test_an_activation_link_clicked_many_times_at_once_activates_once(store, fixed_clock):
    mailer = RecordingMailer()
    draft = draft_awaiting_password(store, fixed_clock)
    password_step(store, fixed_clock, mailer, draft)()
    (_, code), = mailer.sent
    results = race(*(lambda: activation.activate(store, fixed_clock, code) for _ in range(CONTENDERS)))
    assert results.count(None) == 1
    assert refusal_codes(results) == ["compte_deja_active"] * (CONTENDERS - 1)


def test_the_table_definition_is_the_one_the_store_expects(aws):
    description = boto3.client("dynamodb").describe_table(TableName="mon-compte-formation")["Table"]
    assert description["KeySchema"] == table.KEY_SCHEMA
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName="mon-compte-formation")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": table.TTL_ATTRIBUTE}
