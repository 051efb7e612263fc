"""CPF hours earned by work: the 2015–2018 rule (Code du travail L. 6323-11 and R. 6323-1 then in
force), and what one employer's yearly declaration does to a NIR's rights.

A year's work fraction is f = min(1, Σ heures_travaillees / duree_reference) over the year's
declarations. From the balance b just before the year is first credited, hours accrue at 24 per
full-time year while the balance is below 120, then at 12; the year's total is rounded up to the
whole hour and never takes the balance past 150. Everything is exact (`Fraction`), never a float.

Rights belong to the NIR, whether or not an online account exists. Their record holds every hour
figure of the person (`hours.figures` reads it): CPF credited (`heures_cpf`), the DIF entered,
what validated dossiers hold and what closed ones spent, the free hours kept precomputed, and a
`version` that every write increases, so that crediting, which reads before it writes, can write
on condition that nothing changed meanwhile. A year's record keeps its base b, the hours it has
credited so far, and each employer's declaration with where it came from.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from . import hours
from .records.crediting import DeclarationEntry, YearCredit
from .records.hours import Rights

FULL_RATE = 24  # hours per full-time year while the balance is below FULL_RATE_UNTIL
REDUCED_RATE = 12
FULL_RATE_UNTIL = 120
CEILING = 150

# What a declaration line did, as the report counts it.
APPLIED = "appliquee"
UNCHANGED = "inchangee"
REGULARISED = "regularisee"


def credit_label(year: int) -> str:
    return f"Alimentation de vos droits au titre de {year}"


def regularisation_label(year: int) -> str:
    return f"Régularisation de vos droits {year}"


# The rule --------------------------------------------------------------------------------------


def work_fraction(declarations: Iterable[tuple[Decimal, Decimal]]) -> Fraction:
    """min(1, Σ worked / reference) over (worked, reference) pairs of exact numbers."""
    total = sum((Fraction(worked) / Fraction(reference) for worked, reference in declarations), Fraction(0))
    return min(Fraction(1), total)


def earned(base: int, fraction: Fraction) -> Fraction:
    """Hours a year of `fraction` earns from balance `base`, before rounding and the ceiling: the
    full rate until the balance reaches FULL_RATE_UNTIL, the reduced rate for the rest of the year."""
    fraction = min(Fraction(1), max(Fraction(0), Fraction(fraction)))
    room_at_full_rate = max(0, FULL_RATE_UNTIL - base)
    share_at_full_rate = min(fraction, Fraction(room_at_full_rate, FULL_RATE))
    return FULL_RATE * share_at_full_rate + REDUCED_RATE * (fraction - share_at_full_rate)


def year_hours(base: int, fraction: Fraction) -> int:
    """The year's hours: rounded up to the whole hour, never taking the balance past CEILING."""
    base = max(0, base)
    return max(0, min(math.ceil(earned(base, fraction)), CEILING - base))


# A declaration and where it came from -------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """One line of an employer's file, valid: hours as exact decimals."""

    siret: str
    nir: str
    annee: int
    heures_travaillees: Decimal
    duree_reference: Decimal


@dataclass(frozen=True)
class Source:
    """Where a line comes from: the file (one stored version of it), its line number, and when the
    file was deposited. Declarations of one key are ordered by (deposited, file, line): the latest
    deposited wins, whatever order parallel chunks apply them in."""

    file_id: str
    line: int
    deposited: str  # ISO 8601 UTC, to the millisecond

    def order(self) -> tuple[str, str, int]:
        return self.deposited, self.file_id, self.line


def decimal_text(value: Decimal) -> str:
    """A canonical text for an exact number: 1607, 1607.0 and 1607,00 are one value."""
    normalized = value.normalize()
    return format(normalized if normalized != normalized.to_integral_value() else normalized.quantize(1), "f")


def _entry(declaration: Declaration, source: Source, outcome: str) -> DeclarationEntry:
    return DeclarationEntry(
        decimal_text(declaration.heures_travaillees),
        decimal_text(declaration.duree_reference),
        source.file_id,
        source.line,
        source.deposited,
        outcome,
    )


# What a line does to a NIR's rights -------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The outcome of a line, and what to write for it (nothing when `year_record` is None).

    `delta` is added to the CPF credited and to the free hours, with one movement labelled `label`
    (none when no hour moves). The writes are conditioned on what was read: the year's `version`
    (`year_version`, None when the year had no record) and, when the outcome depended on the
    rights (`checks_rights`), theirs (`rights_version`, None when the NIR had no record)."""

    outcome: str
    year_record: YearCredit | None = None
    year_version: int | None = None
    delta: int = 0
    label: str | None = None
    checks_rights: bool = False
    rights_version: int | None = None


def balance(rights: Rights | None) -> int:
    """The CPF balance b: credited less what closed dossiers took from the CPF (DIF first)."""
    return hours.figures(rights).cpf_balance


def decide(rights: Rights | None, year: YearCredit | None, declaration: Declaration, source: Source) -> Decision:
    """What `declaration` does, given the NIR's rights record and its year's record as read now.

    - The line that wrote the stored declaration, seen again (a redelivered chunk, a retried
      write): what it did then; nothing to write.
    - A declaration older than the stored one (an earlier deposit, or an earlier line of the same
      file): superseded; nothing changes.
    - The same figures again: nothing changes (a newer deposit is only recorded as the latest).
    - Otherwise the year is computed (first credit) or recomputed from its own base b (a correction,
      a new employer): the difference is one movement, never taking the balance past CEILING nor
      taking back hours that validated dossiers hold (so it never falls below 0 either).
    """
    stored = year.declarations.get(declaration.siret) if year is not None else None
    if year is not None and stored is not None:
        seen = _seen_before(year, stored, declaration, source)
        if seen is not None:
            return seen
    return _computed(rights, year, declaration, source)


def _seen_before(
    year: YearCredit, stored: DeclarationEntry, declaration: Declaration, source: Source
) -> Decision | None:
    """The decision when this employer's year was declared before, unless it must be computed again."""
    if stored.file_id == source.file_id and stored.line == source.line:
        return Decision(stored.outcome)
    if stored.order() > source.order():
        return Decision(UNCHANGED)
    figures_now = (decimal_text(declaration.heures_travaillees), decimal_text(declaration.duree_reference))
    if (stored.hours, stored.reference) != figures_now:
        return None
    entries = {**year.declarations, declaration.siret: _entry(declaration, source, UNCHANGED)}
    kept = replace(year, declarations=entries, version=year.version + 1)
    return Decision(UNCHANGED, year_record=kept, year_version=year.version)


def _computed(rights: Rights | None, year: YearCredit | None, declaration: Declaration, source: Source) -> Decision:
    first = year is None
    outcome = APPLIED if first else REGULARISED
    entries = {**(year.declarations if year else {}), declaration.siret: _entry(declaration, source, outcome)}
    fraction = work_fraction((Decimal(e.hours), Decimal(e.reference)) for e in entries.values())
    figures = hours.figures(rights)
    base = year.base if year else figures.cpf_balance
    credited_so_far = year.hours if year else 0
    wanted = year_hours(base, fraction) - credited_so_far
    delta = max(-figures.cpf_free, min(wanted, CEILING - figures.cpf_balance))
    label = None
    if delta:
        label = credit_label(declaration.annee) if first else regularisation_label(declaration.annee)
    year_version = year.version if year else None
    record = YearCredit(declaration.annee, base, credited_so_far + delta, entries, (year_version or 0) + 1)
    return Decision(
        outcome,
        year_record=record,
        year_version=year_version,
        delta=delta,
        label=label,
        checks_rights=True,
        rights_version=None if rights is None else rights.version,
    )


def after(rights: Rights | None, decision: Decision) -> Rights | None:
    """The rights record as it is once `decision` is written (the write was conditioned on the
    version read, so nothing else changed it)."""
    if not decision.delta:
        return rights
    record = rights or Rights()
    return replace(
        record, cpf=record.cpf + decision.delta, free=record.free + decision.delta, version=record.version + 1
    )
