"""The cleanup of expired registrations at the domain level: two runs at once."""

from chalicelib.domain import cleanup
from tests.helpers.people import make_nir
from tests.helpers.races import RecordingMailer, draft_awaiting_password, password_step, race

FIFTEEN_DAYS = 15 * 86400


def expired_registrations(store, clock, count: int) -> list[str]:
    """`count` registrations (account and draft) of different people, then the clock past their 15 days; their NIRs."""
    mailer = RecordingMailer()
    nirs = [make_nir(f"2920169123{n:03d}") for n in range(count)]
    for n, nir in enumerate(nirs):
        password_step(store, clock, mailer, draft_awaiting_password(store, clock, nir, f"attente{n}@example.fr"))()
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    return nirs


def test_two_runs_at_once_remove_each_registration_once(store, clock, serialized_emulator):
    """Real threads on the domain; moto serialised to one request at a time (tests/helpers/races.py),
    so that its transactions are atomic the way DynamoDB's are."""
    expired_registrations(store, clock, 6)
    reports = race(lambda: cleanup.clean_up(store, clock), lambda: cleanup.clean_up(store, clock))
    assert sum(report.supprimees for report in reports) == 6
    assert sum(report.brouillons_supprimes for report in reports) == 6
    assert cleanup.clean_up(store, clock).supprimees == 0
