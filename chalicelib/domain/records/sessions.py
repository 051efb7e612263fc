"""A session, stored by its token's digest, and what opening one writes."""

from dataclasses import dataclass
from datetime import datetime

from .history import Event


@dataclass(frozen=True)
class SessionRecord:
    digest: str
    account_id: str
    nir: str | None  # None for a session opened before sessions carried it
    created_at: str | None
    idle_until: int  # epoch seconds: the idle deadline, pushed back by each call
    expires_at: datetime | None = None  # the absolute limit


@dataclass(frozen=True)
class SessionTouch:
    """A session's idle deadline pushed back inside another transaction, if it is still live."""

    digest: str
    idle_until: datetime


@dataclass(frozen=True)
class Login:
    """A new session, its login event; the NIR's failed-login count starts again from zero."""

    session: SessionRecord
    nir: str
    event: Event
    now: datetime
