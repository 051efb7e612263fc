"""Races at the domain level, with real threads: every attempt starts at the same moment.

moto applies a transaction item by item without a lock, so on its own it is not atomic between
threads the way DynamoDB is; the emulator of every test (tools/local/emulator.py, installed by the `aws`
fixture) gives it DynamoDB's isolation by serving one request at a time. What a race test checks is
then our conditions, not moto's thread safety.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib import dependencies
from chalicelib.domain import activation, captchas, registration, sessions
from chalicelib.domain.errors import DomainError
from tests.helpers.people import EMAIL, NIR, PASSWORD

CONTENDERS = 6


class RecordingMailer:
    """A mailer that keeps (recipient, token) for each activation email, from any thread, and the
    record id each one is tagged with."""

    def __init__(self):
        self.sent = []
        self.record_ids = []
        self._lock = threading.Lock()

    def send_activation(self, recipient, token, expires_at, *, record_id):
        with self._lock:
            self.sent.append((recipient, token))
            self.record_ids.append(record_id)


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


def refusal_codes(results) -> list[str]:
    return sorted(result.code for result in results if isinstance(result, DomainError))


def draft_awaiting_password(store, clock, nir=NIR, courriel=EMAIL) -> str:
    """A registration draft whose identity step is done (CGU accepted, captcha solved)."""
    sealer = dependencies.sealer()
    draft = registration.start(
        clock, ttl_seconds=3600, current_cgu_version="v1", accepted=True, version="v1", sealer=sealer
    )
    captcha = captchas.create(clock, 600, sealer, fixed_answer="AE23HJ")
    person = registration.Identity(nir=nir, civilite="M", nom_naissance="Dupont", courriel=courriel)
    registration.submit_identity(store, clock, draft.id, person, captcha.id, "ae23hj", sealer)
    return draft.id


def password_step(store, clock, mailer, draft_id):
    """The password step of a draft, as a function a race can start."""
    return lambda: registration.submit_password(
        store,
        mailer,
        clock,
        draft_id=draft_id,
        password=PASSWORD,
        confirmation=PASSWORD,
        policy="cpf-2015",
        activation_ttl_seconds=15 * 86400,
        sealer=dependencies.sealer(),
    )


def activated_account(store, clock) -> str:
    """Jean Dupont registered and activated at the domain level; returns the account's id."""
    mailer = RecordingMailer()
    password_step(store, clock, mailer, draft_awaiting_password(store, clock))()
    ((_, code),) = mailer.sent
    activation.activate(store, clock, code)
    credentials, _, _ = store.get_login_records(NIR)
    return credentials.account_id


def ticket_of(store, clock, nir: str = NIR):
    """A session of an activated account (logged in at the domain level), as a route hands it to
    the dossiers' transitions."""
    opened = sessions.log_in(
        store,
        clock,
        nir=nir,
        password=PASSWORD,
        idle_seconds=1800,
        max_seconds=43200,
        lockout_threshold=5,
        lockout_seconds=900,
    )
    return sessions.ticket(opened.token)
