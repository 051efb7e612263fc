"""What crediting keeps: each year credited to a NIR, and the bookkeeping of a deposited file."""

from dataclasses import dataclass, field
from datetime import datetime

from .hours import Movement, Rights


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
    absent), the rights, the movement when hours move, all under the NIR's rights id; with
    `new_rights_id_of`, a rights id this line gives that NIR, on condition that it has none yet."""

    rights_id: str
    year: YearCredit
    year_version: int | None
    rights: RightsCondition
    movement: Movement | None
    now: datetime
    new_rights_id_of: str | None = None


@dataclass(frozen=True)
class KnownRights:
    """What crediting reads of its NIRs: each NIR's rights id (None: it has none, and so no records
    yet), its rights by NIR and its year records by (NIR, year) (None: absent)."""

    rights_ids: dict[str, str | None]
    by_nir: dict[str, Rights | None]
    by_year: dict[tuple[str, int], YearCredit | None]


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
