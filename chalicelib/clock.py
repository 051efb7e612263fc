"""Time: the one source of "now", and the formats the API and the table use."""

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def to_iso(moment: datetime) -> str:
    """ISO 8601 UTC with a Z, to the second: the API's format."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_epoch(moment: datetime) -> int:
    """Epoch seconds: the format of the table's TTL attribute."""
    return int(moment.timestamp())


def from_epoch(seconds: int | float) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc)
