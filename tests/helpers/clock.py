"""A clock the test moves by hand, for the application's `dependencies.clock()` and the domain."""

from datetime import UTC, datetime, timedelta

START = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)


class FixedClock:
    """Time stands still until the test moves it."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)
