"""A deposited declaration file's bookkeeping, in its partition `FICHIER#<file id>` (the id names
one stored version of the file):

- the file record (`FICHIER`): its name and deposit time, `morceaux` (how many chunks, once the split
  is over) or `rejet` (why the whole file was refused), and the counts the chunks added
  (`lignes`, `appliquees`, `inchangees`, `regularisees`, `morceaux_faits`);
- a record per chunk applied (`MORCEAU#<index>`): its counts and rejected lines. It is written on
  condition that it does not exist, in the same transaction as the counts: a chunk delivered twice
  is counted once.

Both expire after the bookkeeping time (the report, in the bucket, stays).
"""

from botocore.exceptions import ClientError

from ..domain.errors import Part, WriteConflict
from ..domain.records.crediting import AppliedChunk, DeclarationFile, Rejection
from .base import TableAccess, absent, exists
from .crediting_items import COUNTS, counts_attributes, file_attributes, file_from, rejection_attributes, rejection_from
from .keys import (
    DECLARATION_CHUNK_PREFIX,
    declaration_chunk_key,
    declaration_file_key,
    from_attributes,
    item,
)


class DeclarationFileRecords(TableAccess):
    def start_declaration_file(self, file: DeclarationFile) -> DeclarationFile | None:
        """Create the file's record; None when created, or the record already there (the same
        upload seen again)."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item(declaration_file_key(file.id), file_attributes(file), file.expires_at),
                ConditionExpression=absent(),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            existing = from_attributes(error.response.get("Item"))
            if existing is None:
                existing = self._get(declaration_file_key(file.id))
            return file_from(file.id, existing)
        return None

    def finish_declaration_split(
        self, file_id: str, chunk_count: int, rejection: str | None = None
    ) -> DeclarationFile | None:
        """Record how many chunks the file has (or why it was refused whole); returns the record as it now is."""
        update, values = "SET morceaux = :count", dict[str, object](count=chunk_count)
        if rejection is not None:
            update += ", rejet = :rejet"
            values["rejet"] = rejection
        return file_from(file_id, self._update_if(declaration_file_key(file_id), update, exists(), **values))

    def record_declaration_chunk(self, chunk: AppliedChunk) -> DeclarationFile | None:
        """Add a chunk's counts to its file's, once whatever the deliveries; returns the file's record
        as it then is. One TransactWriteItems and one GetItem."""
        additions = counts_attributes(chunk.counts)
        record = {**additions, "rejetees": [rejection_attributes(rejected) for rejected in chunk.rejected]}
        try:
            self._transact(
                [
                    (
                        Part.CHUNK,
                        self._put_action(
                            declaration_chunk_key(chunk.file_id, chunk.index), record, chunk.expires, absent()
                        ),
                    ),
                    (
                        Part.FILE,
                        self._update_action(
                            declaration_file_key(chunk.file_id),
                            "ADD " + ", ".join(f"{name} :{name}" for name in COUNTS) + ", morceaux_faits :one",
                            exists(),
                            one=1,
                            **additions,
                        ),
                    ),
                ]
            )
        except WriteConflict as conflict:
            if Part.CHUNK not in conflict.failed:
                raise
            # Counted by an earlier delivery of this chunk.
        return file_from(chunk.file_id, self._get(declaration_file_key(chunk.file_id)))

    def declaration_file_rejections(self, file_id: str) -> list[Rejection]:
        """Every rejected line of the file, chunk after chunk (one Query, paged)."""
        rejected = []
        for found in self._query(declaration_file_key(file_id)[0], DECLARATION_CHUNK_PREFIX):
            rejected += [rejection_from(line) for line in (from_attributes(found) or {}).get("rejetees", [])]
        return rejected
