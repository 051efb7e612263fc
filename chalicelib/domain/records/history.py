"""An account's history: each change writes its event in the same transaction."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    date: str  # ISO 8601 UTC
    type: str
    detail: str


@dataclass(frozen=True)
class HistoryPage:
    events: list[Event]
    next_cursor: str | None  # opaque: where the next page starts, None when none is left
