"""A session, stored by its token's digest, and what opening one writes."""

from dataclasses import dataclass
from datetime import datetime

from .history import Event


@dataclass(frozen=True)
class SessionRecord:
    digest: str
    account_id: str
    rights_id: str | None  # the random id of its NIR's rights (None: opened before sessions carried it)
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
    """A new session, its login event; the NIR's failed-login count starts again from zero. When the
    NIR has no rights id yet (never credited, never logged in), the login gives it the session's."""

    session: SessionRecord
    nir: str
    event: Event
    now: datetime
    new_rights_id: bool = False
