"""One-time links, stored by their token's digest: activation, password reset, email change."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .history import Event

if TYPE_CHECKING:  # delegations.py takes EmailLog from here
    from .delegations import Revocation


@dataclass(frozen=True)
class Activation:
    digest: str
    account_id: str
    nir: str
    email_key: str
    registration_event: str | None = None
    used_at: int | None = None  # epoch seconds
    expires_at: datetime | None = None
    franceconnect_sub: str | None = None  # a verified registration's: its reservation becomes permanent


@dataclass(frozen=True)
class Reset:
    digest: str
    account_id: str
    nir: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class EmailChange:
    digest: str
    account_id: str
    new_email: str
    new_email_key: str
    old_email: str
    old_email_key: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class EmailLog:
    """The account's email log as read and as it becomes: it changes only if nobody sent meanwhile."""

    old: tuple[int, ...]
    new: tuple[int, ...]


@dataclass(frozen=True)
class ActivationUse:
    activation: Activation
    event: Event
    now: datetime


@dataclass(frozen=True)
class NewActivationLink:
    """A pending account's new link (within its own time); the old one stops working."""

    old_digest: str
    activation: Activation  # its expires_at is the account's
    log: EmailLog
    now: datetime


@dataclass(frozen=True)
class NewResetLink:
    old_digest: str | None
    reset: Reset
    log: EmailLog


@dataclass(frozen=True)
class PasswordReset:
    """The new password from a reset link, the sessions ended with it, the délégations revoked with it
    (`"fin_des_delegations": true`) and, when one is sent, the notice's moment in the email log."""

    reset: Reset
    password_hash: str
    event: Event
    now: datetime
    ended_sessions: tuple[str, ...] = ()
    revocations: tuple["Revocation", ...] = ()
    notice_at: datetime | None = None


@dataclass(frozen=True)
class NewEmailChangeLink:
    """For an active account whose address is still the change's old one."""

    old_digest: str | None
    change: EmailChange
    log: EmailLog
    event: Event
    now: datetime


@dataclass(frozen=True)
class EmailChangeUse:
    change: EmailChange
    event: Event
    now: datetime
