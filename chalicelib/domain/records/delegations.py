"""A délégation, its invitation, the delegate's pointer to it, and what granting, accepting and
revoking write."""

from dataclasses import dataclass
from datetime import datetime

from .history import Event
from .people import Names
from .tokens import EmailLog


@dataclass(frozen=True)
class Delegation:
    """As the delegation's own record and the holder's copy hold it ("Mes délégations")."""

    id: str
    holder_id: str
    holder_rights_id: str | None  # the key of the holder's hours (None: granted before it was kept)
    holder: Names
    email: str  # whom it was sent to
    email_key: str
    scope: str  # DelegationScope
    status: str  # DelegationStatus as stored (`expiree` is computed on every read)
    created_at: str
    end: str  # ISO date, the last day
    invitation_until: int  # epoch seconds
    invitation_digest: str
    delegate_id: str | None = None
    delegate: Names | None = None
    accepted_at: str | None = None
    revoked_at: str | None = None
    email_invalid_at: str | None = None  # its invitation bounced (contract §10)
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Invitation:
    """What an invitation's code leads to (the acceptance reads it, never the delegation first)."""

    digest: str
    delegation_id: str
    holder_id: str
    holder: Names
    email_key: str
    scope: str
    end: str
    revoked: bool = False
    expires_at: datetime | None = None


@dataclass(frozen=True)
class DelegatedAccount:
    """In a delegate's partition, while the délégation is active ("comptes délégués")."""

    delegation_id: str
    holder_id: str
    holder: Names
    scope: str
    end: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Grant:
    """The delegation (with its invitation's expiry), the holder's copy kept until `kept_until`, the
    invitation, the email in the holder's log, the event."""

    delegation: Delegation
    invitation_expires: datetime
    kept_until: datetime
    log: EmailLog
    event: Event
    now: datetime


@dataclass(frozen=True)
class Revocation:
    """A delegation revoked if still as read (`status_seen`), with the active one's pointer
    (`delegate_id`) deleted, or the pending one's invitation (`invitation_digest`) marked revoked."""

    delegation_id: str
    holder_id: str
    status_seen: str
    delegate_id: str | None
    invitation_digest: str | None
    moment: str
    event: Event
    now: datetime


@dataclass(frozen=True)
class Acceptance:
    """The invitation used up, the delegation active until `ends` (its copy kept until `kept_until`),
    the delegate's pointer, both histories' events."""

    invitation: Invitation
    delegate_id: str
    delegate: Names
    moment: str
    ends: datetime
    kept_until: datetime
    holder_event: Event
    delegate_event: Event
    now: datetime
