"""An account, the reservations that make a NIR and an email address unique, and failed logins."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from .history import Event
from .people import Names


@dataclass(frozen=True)
class Identity:
    """Who registers: what step 2 asks for."""

    nir: str
    civilite: str
    nom_naissance: str
    courriel: str
    prenom: str | None = None
    telephone_fixe: str | None = None
    telephone_portable: str | None = None


@dataclass(frozen=True)
class DossierCounts:
    """The account counts its dossiers; confidential ones also apart (a delegate's synthesis leaves them out)."""

    open: int = 0
    closed: int = 0
    confidential_open: int = 0
    confidential_closed: int = 0


@dataclass(frozen=True)
class Account:
    id: str
    identity: Identity
    status: str  # AccountStatus
    cgu_version: str
    cgu_accepted_at: str
    created_at: str
    activation_expires_at: str | None = None  # ISO, while pending
    activated_at: str | None = None
    dossiers: DossierCounts = field(default_factory=DossierCounts)
    email_log: tuple[int, ...] = ()  # epoch seconds of the emails sent (the hourly allowance)
    activation_digest: str | None = None
    reset_digest: str | None = None
    email_change_digest: str | None = None
    registration_event: str | None = None  # the id of its "inscription" event, while pending
    email_invalid: bool = False  # mails to its address come back (a bounce, a complaint: contract §10)
    identity_verified_at: str | None = None  # ISO: verified with FranceConnect (contract §14)
    franceconnect_sub: str | None = None  # the FranceConnect identity it was verified with
    expires_at: datetime | None = None  # a pending account's

    @property
    def nir(self) -> str:
        return self.identity.nir

    @property
    def courriel(self) -> str:
        return self.identity.courriel

    @property
    def names(self) -> Names:
        return Names(self.identity.civilite, self.identity.nom_naissance, self.identity.prenom)


@dataclass(frozen=True)
class Credentials:
    """The NIR's reservation, which login reads: its account and the password hash."""

    account_id: str
    password_hash: str
    status: str  # AccountStatus
    expires_at: datetime | None = None  # a pending registration's
    logins: int = 0  # sessions opened with them: a takeover conditions on it (contract §14)


@dataclass(frozen=True)
class EmailReservation:
    """What holds an email address (case-folded)."""

    account_id: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class FailedLogins:
    """Failed logins in a row for a NIR, known or not, and the lock they led to."""

    count: int
    locked_until: int | None = None  # epoch seconds
    expires_at: datetime | None = None


@dataclass(frozen=True)
class AccountEvent:
    account_id: str
    event: Event
    now: datetime


@dataclass(frozen=True)
class FailedLogin:
    """One more failed login: counted (from one when `fresh`), or the lock, and the account's event."""

    nir: str
    fresh: bool
    expires: datetime
    locked_until: datetime | None = None
    account_event: AccountEvent | None = None


@dataclass(frozen=True)
class InformationsChange:
    """ "Mes informations personnelles": the fields set and those cleared (named as Identity names them)."""

    account_id: str
    values: tuple[tuple[str, str], ...]
    cleared: tuple[str, ...]
    event: Event
    now: datetime


@dataclass(frozen=True)
class PasswordChange:
    """The new hash, unless the old one changed meanwhile; the sessions named end with it."""

    nir: str
    account_id: str
    old_hash: str
    new_hash: str
    event: Event
    now: datetime
    ended_sessions: tuple[str, ...] = ()
    notice_at: datetime | None = None  # the notice to the holder joins the email log (None: none is sent)


class LoginRecords(NamedTuple):
    credentials: Credentials | None
    attempts: FailedLogins | None
    rights_id: str | None = None  # the random id of the NIR's rights, once it has one


class LoginRecordsAndReservation(NamedTuple):
    credentials: Credentials | None
    attempts: FailedLogins | None
    reservation: EmailReservation | None
