"""Expiry as the code sees it. DynamoDB's TTL deletes expired items late (up to days; the emulator
never), so every read checks the record's own expiry against the clock."""

from datetime import datetime

from ..clock import from_epoch
from ..store.keys import TTL_ATTRIBUTE


def expiry(record: dict) -> datetime | None:
    seconds = record.get(TTL_ATTRIBUTE)
    return None if seconds is None else from_epoch(seconds)


def has_expired(record: dict, now: datetime) -> bool:
    moment = expiry(record)
    return moment is not None and moment <= now


def is_live(record: dict | None, now: datetime) -> bool:
    """Present and not past its expiry (records without one live until deleted)."""
    return record is not None and not has_expired(record, now)
