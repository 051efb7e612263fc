"""Time: the one source of "now", and the formats the API and the table use."""

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """The one source of "now": the system's in production, one the tests move by hand."""

    def __call__(self) -> datetime: ...


def system_clock() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """ISO 8601 UTC with a Z, to the second: the API's format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_epoch(moment: datetime) -> int:
    """Epoch seconds: the format of the table's TTL attribute."""
    return int(moment.timestamp())


def from_epoch(seconds: int | float) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=UTC)
