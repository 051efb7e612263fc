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

from datetime import datetime

from botocore.exceptions import ClientError

from ..domain.errors import WriteConflict
from .base import TableAccess, absent, exists
from .keys import (
    DECLARATION_CHUNK_PREFIX,
    declaration_chunk_key,
    declaration_file_key,
    from_attributes,
    item,
)

COUNTS = ("lignes", "appliquees", "inchangees", "regularisees")


class DeclarationFileRecords(TableAccess):
    def start_declaration_file(self, file_id: str, record: dict, expires: datetime) -> dict | None:
        """Create the file's record; None when created, or the record already there (the same
        upload seen again)."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item(declaration_file_key(file_id), record, expires),
                ConditionExpression=absent(),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            existing = from_attributes(error.response.get("Item"))
            return existing if existing is not None else self._get(declaration_file_key(file_id))
        return None

    def finish_declaration_split(self, file_id: str, chunk_count: int, rejection: str | None = None) -> dict:
        """Record how many chunks the file has (or why it was refused whole); returns the record as it now is."""
        update, values = "SET morceaux = :count", {"count": chunk_count}
        if rejection is not None:
            update += ", rejet = :rejet"
            values["rejet"] = rejection
        return self._update_if(declaration_file_key(file_id), update, exists(), **values)

    def record_declaration_chunk(
        self, file_id: str, index: int, counts: dict, rejected: list[dict], expires: datetime
    ) -> dict:
        """Add a chunk's counts to its file's, once whatever the deliveries; returns the file's record
        as it then is. One TransactWriteItems and one GetItem."""
        chunk = {**{name: counts[name] for name in COUNTS}, "rejetees": rejected}
        additions = {name: counts[name] for name in COUNTS}
        try:
            self._transact(
                [
                    (
                        "morceau",
                        self._put_action(declaration_chunk_key(file_id, index), chunk, expires, absent()),
                    ),
                    (
                        "fichier",
                        self._update_action(
                            declaration_file_key(file_id),
                            "ADD " + ", ".join(f"{name} :{name}" for name in COUNTS) + ", morceaux_faits :one",
                            exists(),
                            one=1,
                            **additions,
                        ),
                    ),
                ]
            )
        except WriteConflict as conflict:
            if "morceau" not in conflict.failed:
                raise
            # Counted by an earlier delivery of this chunk.
        return self._get(declaration_file_key(file_id))

    def declaration_file_rejections(self, file_id: str) -> list[dict]:
        """Every rejected line of the file, chunk after chunk (one Query, paged)."""
        rejected = []
        for found in self._query(declaration_file_key(file_id)[0], DECLARATION_CHUNK_PREFIX):
            rejected += from_attributes(found).get("rejetees", [])
        return rejected
