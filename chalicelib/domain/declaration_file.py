"""Employers' yearly declaration files: UTF-8 CSV, `;` separated, header
`siret;nir;annee;heures_travaillees;duree_reference`, one line per employer, worker and year.

Files are read as streams of byte blocks, never whole: `physical_lines` cuts them into lines with
their byte offsets (so that a chunk can be named by a byte range of one stored version of the
file), `check_header` accepts or refuses the file, `parse_line` turns a data line into a
`Declaration` or a rejection code. Line numbers are the file's own, the header being line 1.

SIRET: 14 digits and Luhn (python-stdnum, imported on first use). NIR: the rule of the registration
form (`identity.normalize_nir`). Numbers may use a comma or a point, and are kept exact (`Decimal`).
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from . import identity
from .errors import InvalidValue
from .records.crediting import Rejection
from .rights import Declaration

HEADER = ("siret", "nir", "annee", "heures_travaillees", "duree_reference")
SEPARATOR = ";"
FIRST_YEAR = 2015
MAX_HOURS = Decimal(8784)  # a leap year, every hour of it
DEFAULT_REFERENCE = Decimal(1607)  # the legal full-time year
# No valid line comes near this; a longer one is refused without being held in memory.
MAX_LINE_BYTES = 1024
_NUMBER = re.compile(r"\d{1,6}(?:[.,]\d{1,4})?")
_BOM = b"\xef\xbb\xbf"

# Why a line is rejected (the report's `code`).
FIELD_COUNT = "nombre_de_champs"
BAD_ENCODING = "encodage_invalide"
LINE_TOO_LONG = "ligne_trop_longue"
BAD_SIRET = "siret_invalide"
BAD_NIR = "nir_invalide"
BAD_YEAR = "annee_invalide"
BAD_HOURS = "heures_travaillees_invalides"
BAD_REFERENCE = "duree_reference_invalide"
LINE_CODES = (FIELD_COUNT, BAD_ENCODING, LINE_TOO_LONG, BAD_SIRET, BAD_NIR, BAD_YEAR, BAD_HOURS, BAD_REFERENCE)

# Why a whole file is rejected (the report's `fichier_rejete`).
EMPTY_FILE = "fichier_vide"
BAD_HEADER = "entete_invalide"
HEADER_DETAIL = f"La première ligne doit être l'en-tête « {SEPARATOR.join(HEADER)} »."
FILE_PROBLEMS = {
    EMPTY_FILE: f"Le fichier est vide. {HEADER_DETAIL}",
    BAD_HEADER: f"Ce fichier n'est pas une déclaration au format attendu (CSV séparé par des « ; »). {HEADER_DETAIL}",
    BAD_ENCODING: f"Ce fichier n'est pas un texte encodé en UTF-8. {HEADER_DETAIL}",
}


@dataclass(frozen=True)
class Line:
    """A physical line: its number in the file, its byte range (end excluded, line break included),
    and its content without the line break (None when longer than MAX_LINE_BYTES)."""

    number: int
    start: int
    end: int
    content: bytes | None


def physical_lines(blocks: Iterable[bytes], first_number: int = 1, offset: int = 0) -> Iterator[Line]:
    """The lines of a byte stream (`\\n` or `\\r\\n`), numbered from `first_number`, with their byte
    offsets from `offset`. Memory stays bounded by MAX_LINE_BYTES whatever the stream holds."""
    number, start, pending, overflow = first_number, offset, bytearray(), False
    position = offset
    for block in blocks:
        view = memoryview(block)
        cursor = 0
        while cursor < len(view):
            newline = block.find(b"\n", cursor)
            piece_end = len(view) if newline < 0 else newline
            if not overflow:
                pending += view[cursor:piece_end]
                if len(pending) > MAX_LINE_BYTES + 1:  # one byte of slack for a '\r'
                    overflow, pending = True, bytearray()
            position += piece_end - cursor + (0 if newline < 0 else 1)
            cursor = piece_end + (0 if newline < 0 else 1)
            if newline >= 0:
                yield Line(number, start, position, None if overflow else _without_cr(pending))
                number, start, pending, overflow = number + 1, position, bytearray(), False
    if position > start:
        yield Line(number, start, position, None if overflow else _without_cr(pending))


def _without_cr(content: bytearray) -> bytes | None:
    text = bytes(content[:-1] if content.endswith(b"\r") else content)
    return text if len(text) <= MAX_LINE_BYTES else None


def check_header(line: Line | None) -> str | None:
    """None when the first line is the expected header, else why the file is rejected whole."""
    if line is None:
        return EMPTY_FILE
    if line.content is None:
        return BAD_HEADER
    content = line.content.removeprefix(_BOM)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return BAD_ENCODING
    fields = tuple(field.strip().lower() for field in text.split(SEPARATOR))
    return None if fields == HEADER else BAD_HEADER


def is_blank(line: Line) -> bool:
    """A blank line carries no declaration: it is neither counted nor rejected."""
    return line.content is not None and not line.content.strip()


def parse_line(line: Line, last_year: int) -> Declaration | Rejection:
    """A data line: the declaration it makes, or why it is rejected (the first field in error)."""
    if line.content is None:
        return Rejection(line.number, LINE_TOO_LONG)
    try:
        text = line.content.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(line.number, BAD_ENCODING)
    try:
        fields = next(csv.reader([text], delimiter=SEPARATOR))
    except csv.Error:
        return Rejection(line.number, FIELD_COUNT)
    if len(fields) != len(HEADER):
        return Rejection(line.number, FIELD_COUNT)
    siret, nir, year, worked, reference = (field.strip() for field in fields)
    checks = (
        (BAD_SIRET, lambda: _siret(siret)),
        (BAD_NIR, lambda: _nir(nir)),
        (BAD_YEAR, lambda: _year(year, last_year)),
        (BAD_HOURS, lambda: _number(worked, minimum=Decimal(0))),
        (BAD_REFERENCE, lambda: DEFAULT_REFERENCE if reference == "" else _number(reference, minimum=Decimal(1))),
    )
    values = []
    for code, check in checks:
        value = check()
        if value is None:
            return Rejection(line.number, code)
        values.append(value)
    return Declaration(*values)  # type: ignore[arg-type]  # each check gives its field, in order


def _siret(raw: str) -> str | None:
    from stdnum.fr import siret

    compact = siret.compact(raw)
    return compact if len(compact) == 14 and compact.isdigit() and siret.is_valid(compact) else None


def _nir(raw: str) -> str | None:
    try:
        return identity.normalize_nir(raw)
    except InvalidValue:
        return None


def _year(raw: str, last_year: int) -> int | None:
    if not re.fullmatch(r"\d{4}", raw):
        return None
    year = int(raw)
    return year if FIRST_YEAR <= year <= last_year else None


def _number(raw: str, minimum: Decimal) -> Decimal | None:
    if not _NUMBER.fullmatch(raw):
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None
    return value if minimum <= value <= MAX_HOURS else None


@dataclass(frozen=True)
class Chunk:
    """Consecutive lines of a file, named by their byte range: `index` from 0, `first_line` the
    number of its first line, `start`..`end` its bytes (end excluded)."""

    index: int
    first_line: int
    start: int
    end: int


def chunks(lines: Iterable[Line], size: int) -> Iterator[Chunk]:
    """Cut the data lines into chunks of `size` lines (blank ones included: they cost nothing)."""
    index, first, count = 0, None, 0
    for line in lines:
        if first is None:
            first = line
        count += 1
        last = line
        if count == size:
            yield Chunk(index, first.number, first.start, last.end)
            index, first, count = index + 1, None, 0
    if first is not None:
        yield Chunk(index, first.number, first.start, last.end)
