"""A NIR's rights (every hour figure), their movements, and the holder's training dossiers."""

from dataclasses import dataclass
from datetime import datetime

from .history import Event
from .sessions import SessionTouch


@dataclass(frozen=True)
class Rights:
    """Hours belong to the NIR. `free` is kept precomputed (a condition cannot add); `version`
    increases with every write (0: a record written before versions existed)."""

    cpf: int = 0
    dif: int | None = None  # None until entered
    reserved: int = 0
    debited: int = 0
    free: int = 0
    dif_locked: bool = False
    version: int = 0


@dataclass(frozen=True)
class Movement:
    """A credit (positive) or a debit (negative) of hours."""

    date: str
    hours: int
    label: str
    confidential: bool = False  # a delegate reads its hours, not its label


@dataclass(frozen=True)
class Dossier:
    """A training dossier as the holder (or a `gestion` delegate) built it."""

    id: str
    title: str  # intitulé
    provider: str  # organisme de formation
    hours: int
    status: str  # DossierStatus
    created_at: str
    cpf_code: str | None = None
    start_date: str | None = None
    confidential: bool = False
    validated_at: str | None = None
    closed_at: str | None = None
    by_delegation: str | None = None  # the délégation through which a delegate prepared it


@dataclass(frozen=True)
class DifEntry:
    account_id: str
    rights_id: str
    hours: int
    event: Event
    now: datetime


@dataclass(frozen=True)
class DossierCreation:
    """A draft dossier, on condition that the NIR's DIF is entered; the account counts it."""

    account_id: str
    rights_id: str
    dossier: Dossier
    event: Event
    now: datetime


@dataclass(frozen=True)
class DelegateCheck:
    """A dossier a delegate creates: the délégation must be active, `gestion`, and theirs, at that instant."""

    delegation_id: str
    delegate_id: str


@dataclass(frozen=True)
class DossierTransition:
    """Validation (hours reserved) or closure (hours debited, with its movement) of `dossier` as
    read; with `session`, that session's idle deadline is pushed back in the same write."""

    account_id: str
    rights_id: str
    dossier: Dossier
    moment: str
    event: Event
    now: datetime
    session: SessionTouch | None = None
    movement: Movement | None = None
