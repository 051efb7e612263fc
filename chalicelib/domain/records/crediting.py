"""What crediting keeps: each year credited to a NIR, and the bookkeeping of a deposited file."""

from dataclasses import dataclass, field
from datetime import datetime

from .hours import Movement


@dataclass(frozen=True)
class DeclarationEntry:
    """An employer's latest declaration for a year, and where it came from."""

    hours: str  # canonical decimal texts
    reference: str
    file_id: str
    line: int
    deposited: str
    outcome: str

    def order(self) -> tuple[str, str, int]:
        return self.deposited, self.file_id, self.line


@dataclass(frozen=True)
class YearCredit:
    """A year credited to a NIR: its base b, the hours credited so far, each employer's declaration
    by SIRET; `version` increases with every write."""

    year: int
    base: int
    hours: int
    declarations: dict[str, DeclarationEntry] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True)
class RightsCondition:
    """What a credit needs of the rights as read: `delta` hours added (CPF and free), or only a check
    (`checked`) that they are still at `version` (None: absent)."""

    delta: int
    checked: bool
    version: int | None


@dataclass(frozen=True)
class Credit:
    """A line's write: the year's record (on condition that it is still at `year_version`, None:
    absent), the rights, the movement when hours move."""

    nir: str
    year: YearCredit
    year_version: int | None
    rights: RightsCondition
    movement: Movement | None
    now: datetime


@dataclass(frozen=True)
class Rejection:
    """A line of a declaration file refused, and why."""

    line: int
    code: str

    def as_dict(self) -> dict[str, int | str]:
        return {"ligne": self.line, "code": self.code}


@dataclass(frozen=True)
class LineCounts:
    lignes: int = 0
    appliquees: int = 0
    inchangees: int = 0
    regularisees: int = 0


@dataclass(frozen=True)
class DeclarationFile:
    """A deposited file's bookkeeping: how many chunks (once split) or why it was refused whole,
    and what the chunks applied so far added up to."""

    id: str
    name: str
    deposited: str
    received: str
    chunks: int | None = None
    rejection: str | None = None
    counts: LineCounts = field(default_factory=LineCounts)
    chunks_done: int = 0
    expires_at: datetime | None = None


@dataclass(frozen=True)
class AppliedChunk:
    """A chunk's counts and rejected lines, added to its file's once whatever the deliveries."""

    file_id: str
    index: int
    counts: LineCounts
    rejected: tuple[Rejection, ...]
    expires: datetime
