"""Crediting CPF hours from employers' declaration files ("alimentation du compte d'heures").

Two steps, each one Lambda function, scaled out by Lambda itself:

- `split_file`: a file was deposited. Its header is checked, then its lines are cut into chunks of
  `chunk_lines`, each named by a byte range of this very version of the file (a message of a few
  hundred bytes whatever the lines hold), handed to `send` ten at a time. The file is read as a
  stream; nothing but the current line is held.
- `apply_chunk`: one chunk. Its lines are parsed; the rights and year records of every NIR and year
  it names are read together (BatchGetItem, 100 keys a request); then each line that changes
  something is one transaction, conditioned on the versions read. A conflict (another chunk, a
  closure, a DIF entry on the same NIR meanwhile) comes back with the records as they now are (no
  read again), and the line is decided again: at most retry.ATTEMPTS transactions, so that a line
  never costs more than 3 requests; then the chunk goes back to the queue, which delivers it later.

Delivery is at least once and a file may be deposited twice: every step is idempotent. A line that
already wrote its declaration is recognised by its source (file version and line number); the
chunk's counts are added to the file's once (the chunk's record is written on condition that it
does not exist); whoever completes the count (the last chunk, or the split if it ends last) writes
the report. Reports and logs hold counts and line numbers, never a NIR.

Here nothing knows S3 or SQS: the byte streams come in, and `send` and `write_report` go out, as
callables (chalicelib/crediting.py wires them to chalicelib/bucket_and_queue.py).
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from ..clock import Clock, to_iso
from . import declaration_file, rights, tokens
from .errors import Part, WriteConflict
from .records.crediting import (
    AppliedChunk,
    Credit,
    DeclarationFile,
    KnownRights,
    LineCounts,
    Rejection,
    RightsCondition,
    YearCredit,
)
from .records.hours import Movement
from .records.hours import Rights as RightsRecord
from .retry import on_conflict_retry

DECLARATIONS_PREFIX = "declarations/"
REPORTS_PREFIX = "rapports/"
SEND_BATCH = 10  # SQS's SendMessageBatch limit
# The file's bookkeeping (counts, chunks done) outlives any redelivery, then goes.
BOOKKEEPING_DAYS = 90


class CreditStore(Protocol):
    def start_declaration_file(self, file: DeclarationFile) -> DeclarationFile | None: ...

    def finish_declaration_split(
        self, file_id: str, chunk_count: int, rejection: str | None = None
    ) -> DeclarationFile | None: ...

    def record_declaration_chunk(self, chunk: AppliedChunk) -> DeclarationFile | None: ...

    def declaration_file_rejections(self, file_id: str) -> list[Rejection]: ...

    def read_rights(self, years: Iterable[tuple[str, int]]) -> KnownRights: ...

    def credit_declaration(self, credit: Credit) -> None: ...


class CreditContention(Exception):
    """A line could not be written after retry.ATTEMPTS tries: the chunk goes back to the queue."""


class NotADeclaration(Exception):
    """An event or a message that is not one of ours (a key outside `declarations/`, a foreign body)."""


@dataclass(frozen=True)
class Upload:
    """One stored version of a deposited file: S3 names it by bucket, key and version id (the ETag
    when the bucket keeps no versions), and says when it was deposited."""

    bucket: str
    key: str
    version: str | None
    etag: str
    deposited: str

    @property
    def file_id(self) -> str:
        """The file's bookkeeping name: the same upload is always the same id; a new one never is."""
        identity = "\n".join((self.bucket, self.key, self.version or "", self.etag))
        return hashlib.sha256(identity.encode()).hexdigest()

    @property
    def name(self) -> str:
        return self.key.removeprefix(DECLARATIONS_PREFIX)

    @property
    def report_key(self) -> str:
        return f"{REPORTS_PREFIX}{self.name}.json"


def chunk_message(upload: Upload, chunk: declaration_file.Chunk) -> str:
    return json.dumps({"fichier": asdict(upload), "morceau": asdict(chunk)}, separators=(",", ":"))


def read_message(body: str) -> tuple[Upload, declaration_file.Chunk]:
    try:
        message = json.loads(body)
        return Upload(**message["fichier"]), declaration_file.Chunk(**message["morceau"])
    except (ValueError, KeyError, TypeError) as error:
        raise NotADeclaration("not a chunk message") from error


# Reports -----------------------------------------------------------------------------------------

OUTCOMES = (rights.APPLIED, rights.UNCHANGED, rights.REGULARISED)
COUNTERS = {rights.APPLIED: "appliquees", rights.UNCHANGED: "inchangees", rights.REGULARISED: "regularisees"}


def empty_counts() -> dict[str, int]:
    return {"lignes": 0, **dict.fromkeys(COUNTERS.values(), 0)}


def is_complete(file: DeclarationFile | None) -> bool:
    return file is not None and file.chunks is not None and file.chunks_done >= file.chunks


def report(store: CreditStore, upload: Upload, file: DeclarationFile) -> dict[str, object]:
    """The file's report: its counts, and every rejected line in file order; or why it was
    rejected whole."""
    counts = asdict(file.counts)
    if file.rejection:
        return {"fichier": upload.name, **counts, "rejetees": [], "fichier_rejete": _rejection(file.rejection)}
    rejected = sorted(store.declaration_file_rejections(upload.file_id), key=lambda r: r.line)
    return {"fichier": upload.name, **counts, "rejetees": [line.as_dict() for line in rejected]}


def _rejection(code: str) -> dict[str, str]:
    return {"code": code, "detail": declaration_file.FILE_PROBLEMS[code]}


# The S3-triggered step ---------------------------------------------------------------------------


def split_file(
    store: CreditStore,
    clock: Clock,
    upload: Upload,
    blocks: Iterable[bytes],
    send: Callable[[list[str]], None],
    write_report: Callable[[str, dict[str, object]], None],
    chunk_lines: int,
) -> dict[str, object]:
    """Check the header, cut the file into chunks and send them. Returns counts for the log."""
    if not upload.key.startswith(DECLARATIONS_PREFIX):
        raise NotADeclaration("not under declarations/")
    now = clock()
    expires = now + timedelta(days=BOOKKEEPING_DAYS)
    file = DeclarationFile(upload.file_id, upload.name, upload.deposited, to_iso(now), expires_at=expires)
    existing = store.start_declaration_file(file)
    if existing is not None and existing.chunks is not None:
        # S3 delivered this event again: the chunks went out already. The report may be lost.
        if is_complete(existing):
            write_report(upload.report_key, report(store, upload, existing))
        return {"morceaux": existing.chunks, "deja_decoupe": True}

    lines = declaration_file.physical_lines(blocks)
    problem = declaration_file.check_header(next(lines, None))
    if problem is not None:
        done = store.finish_declaration_split(upload.file_id, 0, rejection=problem)
        if done is not None:
            write_report(upload.report_key, report(store, upload, done))
        return {"morceaux": 0, "rejet": problem}

    batch, count = [], 0
    for chunk in declaration_file.chunks(lines, chunk_lines):
        batch.append(chunk_message(upload, chunk))
        count += 1
        if len(batch) == SEND_BATCH:
            send(batch)
            batch = []
    if batch:
        send(batch)
    done = store.finish_declaration_split(upload.file_id, count)
    if done is not None and is_complete(done):  # every chunk was applied before the split ended (or there was none)
        write_report(upload.report_key, report(store, upload, done))
    return {"morceaux": count}


# The SQS-triggered step --------------------------------------------------------------------------


def apply_chunk(
    store: CreditStore,
    clock: Clock,
    upload: Upload,
    chunk: declaration_file.Chunk,
    blocks: Iterable[bytes],
    write_report: Callable[[str, dict[str, object]], None],
    pause: Callable[[int], None] = lambda attempt: None,
) -> dict[str, int]:
    """Apply one chunk's lines and add its counts to the file's. Returns the chunk's counts."""
    now = clock()
    counts = empty_counts()
    rejected: list[Rejection] = []
    declarations: list[tuple[int, rights.Declaration]] = []
    for line in declaration_file.physical_lines(blocks, chunk.first_line, chunk.start):
        if declaration_file.is_blank(line):
            continue
        counts["lignes"] += 1
        parsed = declaration_file.parse_line(line, last_year=now.year - 1)
        if isinstance(parsed, Rejection):
            rejected.append(parsed)
        else:
            declarations.append((line.number, parsed))

    state = store.read_rights({(d.nir, d.annee) for _, d in declarations})
    for number, declaration in declarations:
        source = rights.Source(upload.file_id, number, upload.deposited)
        outcome = _credit(store, now, state, (declaration, source), pause)
        counts[COUNTERS[outcome]] += 1

    applied = AppliedChunk(
        upload.file_id, chunk.index, LineCounts(**counts), tuple(rejected), now + timedelta(days=BOOKKEEPING_DAYS)
    )
    file = store.record_declaration_chunk(applied)
    if file is not None and is_complete(file):
        write_report(upload.report_key, report(store, upload, file))
    return {**counts, "rejetees": len(rejected)}


def _credit(
    store: CreditStore,
    now: datetime,
    state: KnownRights,
    line: tuple[rights.Declaration, rights.Source],
    pause: Callable[[int], None],
) -> str:
    (declaration, source), nir, year = line, line[0].nir, line[0].annee

    def attempt(_: int) -> str:
        current = state.by_nir.get(nir)
        decision = rights.decide(current, state.by_year.get((nir, year)), declaration, source)
        if decision.year_record is None:
            return decision.outcome
        known_id = state.rights_ids.get(nir)
        rights_id = known_id or tokens.new_id()  # the NIR's first rights: this line gives them their id
        credit = _credit_of(rights_id, decision, decision.year_record, now)
        store.credit_declaration(credit if known_id else replace(credit, new_rights_id_of=nir))
        state.rights_ids[nir] = rights_id
        state.by_nir[nir] = rights.after(current, decision)
        state.by_year[(nir, year)] = decision.year_record
        return decision.outcome

    def read_again(conflict: WriteConflict, number: int) -> None:
        # Someone wrote this NIR meanwhile: the refusal carries the records as they now are
        # (none when DynamoDB cancelled us for another transaction in flight: try again as is).
        pause(number)
        if Part.RIGHTS_ID in conflict.failed:
            # Another chunk or a login gave the NIR its rights id first: write under theirs. What
            # their write put there is unknown until a refusal says it (the next attempt's).
            state.rights_ids[nir] = conflict.found(Part.RIGHTS_ID, str)
        if Part.RIGHTS in conflict.failed:
            state.by_nir[nir] = conflict.found(Part.RIGHTS, RightsRecord)
        if Part.YEAR in conflict.failed:
            state.by_year[(nir, year)] = conflict.found(Part.YEAR, YearCredit)

    return on_conflict_retry(
        attempt, lambda: CreditContention(f"line {source.line} kept conflicting"), after_conflict=read_again
    )


def _credit_of(rights_id: str, decision: rights.Decision, year: YearCredit, now: datetime) -> Credit:
    """What a decision writes: the year, the rights (a change or a check), the movement when hours move."""
    movement = Movement(to_iso(now), decision.delta, decision.label or "") if decision.delta else None
    condition = RightsCondition(decision.delta, decision.checks_rights, decision.rights_version)
    return Credit(rights_id, year, decision.year_version, condition, movement, now)
