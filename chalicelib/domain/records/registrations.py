"""A registration draft and the two steps that turn it into a pending account."""

from dataclasses import dataclass
from datetime import datetime

from .accounts import Account, Credentials, Identity
from .delegations import Delegation, Revocation
from .franceconnect import PivotIdentity
from .history import Event
from .hours import Dossier
from .tokens import Activation


@dataclass(frozen=True)
class Draft:
    id: str
    step: str  # DraftStep
    expires_at: datetime
    cgu_version: str
    cgu_accepted_at: str
    created_at: str | None = None
    identity: Identity | None = None
    franceconnect: PivotIdentity | None = None  # the names the account will have, and its sub


@dataclass(frozen=True)
class FranceConnectOnDraft:
    """A draft awaiting its identity takes a FranceConnect identity: written whole from its id (like
    the identity step) if it was not written yet."""

    draft: Draft
    pivot: PivotIdentity
    now: datetime


@dataclass(frozen=True)
class SpentCaptcha:
    """A captcha's "spent" mark, which lives as long as the captcha would."""

    nonce: str
    expires: datetime


@dataclass(frozen=True)
class IdentityStep:
    """Step 2: the captcha spent and the identity stored on a draft that awaits it, if the NIR and
    the email are free. `draft` is its first step, which its id seals (written whole, whether it
    existed or not)."""

    draft: Draft
    identity: Identity
    email_key: str
    captcha: SpentCaptcha
    now: datetime
    # For a draft verified with FranceConnect whose NIR an unverified account holds: that account's
    # id. The NIR's condition is left out (the password step takes it over, contract §14), and the
    # email may be held by that same account (its reservation passes on with the NIR).
    taking_over: str | None = None


@dataclass(frozen=True)
class PendingAccount:
    """Step 3: the account (with its activation digest), its NIR's credentials, its email
    reservation, its activation token and first event; the draft stripped of its personal data."""

    draft_id: str
    account: Account
    credentials: Credentials
    email_key: str
    activation: Activation
    event: Event
    now: datetime
    verified_event: Event | None = None  # a registration verified with FranceConnect
    takeover: "Takeover | None" = None  # the unverified account whose NIR it takes over


@dataclass(frozen=True)
class Holding:
    """What holds a NIR, as a verified registration reads it before taking it over: the credentials
    (with the count of logins they have seen), the NIR's rights id, and the account they name with
    its délégations granted, its dossiers and its sessions."""

    credentials: Credentials | None
    rights_id: str | None = None
    account: Account | None = None
    delegations: tuple[Delegation, ...] = ()
    dossiers: tuple[Dossier, ...] = ()
    sessions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Takeover:
    """An unverified account closed in the transaction of the verified account that takes its NIR
    over, if it is still as read: its credentials still naming it after `logins_seen` logins (a login
    in between changes them: its session would not be among `sessions`), its status (`status_seen`)
    and unverified. Its email reservation is freed, its sessions end, its open délégations are
    revoked, its dossiers not closed are cancelled (the validated ones' hours given back to the
    NIR's rights, `rights_id`), and `event` goes into its history."""

    account_id: str
    status_seen: str
    logins_seen: int
    email_key: str
    sessions: tuple[str, ...]
    revocations: tuple[Revocation, ...]
    cancelled: tuple[Dossier, ...]
    rights_id: str | None
    moment: str
    event: Event
    expires_at: datetime | None = None  # a pending account's: its closing event goes with it


@dataclass(frozen=True)
class ExpiredDraft:
    id: str


@dataclass(frozen=True)
class ExpiredAccount:
    """A pending account whose link has expired, and what it holds (read from the expiry index,
    without reading the account)."""

    id: str
    nir: str | None = None
    email: str | None = None
    activation_digest: str | None = None


@dataclass(frozen=True)
class ExpiredPage:
    """One Query of the expiry index: what expired, and how many items it read."""

    expired: list[ExpiredDraft | ExpiredAccount]
    items_read: int
