"""An account's history ("Consulter mon historique"): events in the account's partition, newest first.

Every change to an account writes its event in the same transaction as the change, through
`actions.event_action`.
"""

from typing import Any

from ..domain.errors import UnknownPosition
from ..domain.records.history import HistoryPage
from .base import TableAccess
from .history_items import event_from
from .keys import (
    EVENT_PREFIX,
    PARTITION_KEY,
    SORT_KEY,
    account_partition,
    expression_values,
    from_attributes,
    history_cursor,
    history_sort_key,
    key_attributes,
    sort_key_of,
)


class HistoryRecords(TableAccess):
    def history_page(self, account_id: str, cursor: str | None, limit: int) -> HistoryPage:
        """Up to `limit` events, newest first, from after the opaque `cursor`; and the cursor to go on
        from, or None when nothing is left (one more is read to know it). A cursor this API did not
        hand out raises UnknownPosition."""
        arguments: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": f"{PARTITION_KEY} = :pk AND begins_with({SORT_KEY}, :prefix)",
            "ExpressionAttributeValues": expression_values(pk=account_partition(account_id), prefix=EVENT_PREFIX),
            "ScanIndexForward": False,
            "Limit": limit + 1,
            "ConsistentRead": True,
        }
        if cursor is not None:
            after = history_sort_key(cursor)
            if after is None:
                raise UnknownPosition(cursor)
            arguments["ExclusiveStartKey"] = key_attributes((account_partition(account_id), after))
        items = self._client.query(**arguments).get("Items", [])
        page = items[:limit]
        following = history_cursor(sort_key_of(page[-1])) if len(items) > limit else None
        return HistoryPage([event_from(from_attributes(item) or {}) for item in page], following)

    def delete_account_events(self, account_id: str) -> tuple[int, int]:
        """Delete the history of an account (after the account itself). Returns (deleted, items_read)."""
        keys = self._query(account_partition(account_id), EVENT_PREFIX, keys_only=True)
        self._delete_keys(keys)
        return len(keys), len(keys)
