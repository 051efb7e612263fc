"""Expiry as the code sees it. DynamoDB's TTL deletes expired items late (up to days; the emulator
never), so every read checks the record's own expiry against the clock."""

from datetime import datetime
from typing import Protocol, TypeGuard


class Expiring(Protocol):
    @property
    def expires_at(self) -> datetime | None: ...


def has_expired(record: Expiring, now: datetime) -> bool:
    return record.expires_at is not None and record.expires_at <= now


def is_live[R: Expiring](record: R | None, now: datetime) -> TypeGuard[R]:
    """Present and not past its expiry (records without one live until deleted)."""
    return record is not None and not has_expired(record, now)
