"""The cleanup of expired registrations at the domain level: runs at once, and a run out of time."""

from chalicelib.domain import cleanup
from chalicelib.store import keys
from tests.helpers.people import make_nir
from tests.helpers.races import RecordingMailer, draft_awaiting_password, password_step, race
from tests.helpers.table import account_id_of, item, partition

FIFTEEN_DAYS = 15 * 86400


def expired_registrations(store, clock, count: int) -> list[str]:
    """`count` registrations (account and draft) of different people, then the clock past their 15 days; their NIRs."""
    mailer = RecordingMailer()
    nirs = [make_nir(f"2920169123{n:03d}") for n in range(count)]
    for n, nir in enumerate(nirs):
        password_step(store, clock, mailer, draft_awaiting_password(store, clock, nir, f"attente{n}@example.fr"))()
    clock.advance(seconds=FIFTEEN_DAYS + 1)
    return nirs


def test_two_runs_at_once_remove_each_registration_once(store, clock):
    """Real threads on the domain; the emulator serves one request at a time (tools/local/emulator.py),
    so that its transactions are atomic the way DynamoDB's are."""
    expired_registrations(store, clock, 6)
    reports = race(lambda: cleanup.clean_up(store, clock), lambda: cleanup.clean_up(store, clock))
    assert sum(report.supprimees for report in reports) == 6
    assert sum(report.brouillons_supprimes for report in reports) == 6
    assert cleanup.clean_up(store, clock).supprimees == 0


class TimeRunningOut:
    """`time_left` as a Lambda sees it: plenty for a few checks, then none."""

    def __init__(self, checks_with_time: int):
        self.checks_with_time = checks_with_time

    def __call__(self) -> float:
        self.checks_with_time -= 1
        return 60.0 if self.checks_with_time >= 0 else 0.0


def test_a_run_out_of_time_stops_cleanly_and_says_so(store, clock):
    nirs = expired_registrations(store, clock, 4)
    accounts = {nir: account_id_of(nir) for nir in nirs}

    first = cleanup.clean_up(store, clock, TimeRunningOut(checks_with_time=3))
    assert first.termine is False
    assert first.supprimees + first.brouillons_supprimes < 8
    # Each registration is either gone whole or left whole, for the next run.
    gone = [nir for nir in nirs if item(keys.credentials_key(nir)) is None]
    assert len(gone) == first.supprimees
    assert all(partition(keys.account_partition(accounts[nir])) == [] for nir in gone)
    assert all(len(partition(keys.account_partition(accounts[nir]))) == 2 for nir in nirs if nir not in gone)

    second = cleanup.clean_up(store, clock, lambda: 900.0)
    assert second.termine is True
    assert first.supprimees + second.supprimees == 4
    assert first.brouillons_supprimes + second.brouillons_supprimes == 4
    assert [item(keys.credentials_key(nir)) for nir in nirs] == [None] * 4
    assert [partition(keys.account_partition(account)) for account in accounts.values()] == [[]] * 4
