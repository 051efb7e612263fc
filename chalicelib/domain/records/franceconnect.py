"""FranceConnect: the pivot identity it vouches for, the reservation of its `sub`, a verification,
an OpenID `state`'s "spent" mark."""

from dataclasses import dataclass
from datetime import datetime

from .history import Event


@dataclass(frozen=True)
class PivotIdentity:
    """Who FranceConnect says logged in (its "identité pivot"), as its userinfo gives it."""

    sub: str
    given_name: str
    family_name: str
    birthdate: str  # YYYY-MM-DD
    gender: str  # "male" | "female"
    birthplace: str  # INSEE commune code (5 characters, "2A004"); empty when born abroad
    birthcountry: str  # "99100" France, else "99XXX"


@dataclass(frozen=True)
class FranceConnectLink:
    """The reservation of a FranceConnect identity: the one account it verifies, and that account's
    NIR (so that a login through FranceConnect reads the NIR's credentials next)."""

    account_id: str
    nir: str
    expires_at: datetime | None = None  # while the account it names is pending


@dataclass(frozen=True)
class IdentityVerification:
    """An account verified with a FranceConnect identity: the account's date and sub, the sub's
    reservation, the history event, in one transaction."""

    account_id: str
    nir: str
    sub: str
    verified_at: str  # ISO
    event: Event
    now: datetime


@dataclass(frozen=True)
class StateMark:
    """What a spent `state`'s item held: the draft of a registration (None for the other paths)."""

    draft_id: str | None
