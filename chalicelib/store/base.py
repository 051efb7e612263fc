"""What every part of the store builds on: one round trip to the table each, and the transaction
whose refused conditions come back named.

A method of the store is one request to DynamoDB unless its docstring says otherwise. Writes that
must happen together are one TransactWriteItems, built from the action builders here; when one of
its conditions fails, `transact` raises WriteConflict naming the records (and what they hold now).
"""

import secrets
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..domain.errors import Part, WriteConflict
from .keys import (
    PARTITION_KEY,
    SORT_KEY,
    Item,
    Key,
    expression_values,
    from_attributes,
    item,
    key_attributes,
)

# BatchGetItem and BatchWriteItem may leave part of a request unprocessed when throttled: back off
# and send the rest, as AWS advises, this many times at most.
BATCH_ATTEMPTS = 8
BATCH_WRITE_LIMIT = 25
TRANSACTION_LIMIT = 100  # items in one TransactWriteItems
# The attribute in which a transaction marks what it writes (see TableAccess._transact).
WRITE_MARK = "ecriture"

# One item of a TransactWriteItems (Put, Update, ConditionCheck or Delete), and a list of them by name
# (WriteConflict names the ones whose condition failed).
Action = dict[str, Any]
NamedActions = list[tuple[Part, Action]]
# How a transaction decodes what a refused condition found, by the name of its action.
ReadBack = Mapping[Part, Callable[[Item | None], object]]


def exists() -> str:
    return f"attribute_exists({PARTITION_KEY})"


def absent() -> str:
    return f"attribute_not_exists({PARTITION_KEY})"


class TableAccess:
    """The client and the table's name, and the requests every aggregate's records are made of."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # Single requests ----------------------------------------------------------------------------

    def _get(self, key: Key) -> Item | None:
        response = self._client.get_item(TableName=self._table, Key=key_attributes(key), ConsistentRead=True)
        return from_attributes(response.get("Item"))

    def _put(self, key: Key, record: Item, expires: datetime | None = None) -> None:
        self._client.put_item(TableName=self._table, Item=item(key, record, expires))

    def _update_if(self, key: Key, update: str, condition: str, **values: Any) -> Item | None:
        """A conditional update that returns the record as it now is, or None when the condition failed."""
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=key_attributes(key),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=expression_values(**values),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return from_attributes(response["Attributes"])

    def _delete_if(self, key: Key, condition: str, **values: Any) -> bool:
        """A conditional delete; False when the condition failed (already gone, or not as expected)."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=key_attributes(key),
                ConditionExpression=condition,
                ExpressionAttributeValues=expression_values(**values),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _get_many[N](self, keys: dict[N, Key]) -> dict[N, Item | None]:
        """Several records by name (100 at most: DynamoDB's limit), in one BatchGetItem (plus retries
        of what was left unprocessed)."""
        names = {tuple(key): name for name, key in keys.items()}
        found: dict[N, Item | None] = dict.fromkeys(keys)
        request: dict[str, Any] = {
            self._table: {"Keys": [key_attributes(key) for key in keys.values()], "ConsistentRead": True}
        }
        for attempt in range(BATCH_ATTEMPTS):
            response = self._client.batch_get_item(RequestItems=request)
            for got in response["Responses"].get(self._table, []):
                found[names[(got[PARTITION_KEY]["S"], got[SORT_KEY]["S"])]] = from_attributes(got)
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return found
            _back_off(attempt)
        raise RuntimeError(f"BatchGetItem left keys unprocessed after {BATCH_ATTEMPTS} attempts")

    def _query(
        self,
        partition: str,
        prefix: str,
        filter_expression: str | None = None,
        filter_values: dict[str, Any] | None = None,
        keys_only: bool = False,
    ) -> list[Item]:
        """Every item of a partition whose sort key starts with `prefix`, raw, every page (only
        their keys with `keys_only`)."""
        arguments: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": f"{PARTITION_KEY} = :pk AND begins_with({SORT_KEY}, :prefix)",
            "ExpressionAttributeValues": expression_values(pk=partition, prefix=prefix, **(filter_values or {})),
            "ConsistentRead": True,
        }
        if filter_expression:
            arguments["FilterExpression"] = filter_expression
        if keys_only:
            arguments["ProjectionExpression"] = f"{PARTITION_KEY}, {SORT_KEY}"
        return self._every_page(arguments)

    def _query_between(self, partition: str, first: str, last: str) -> list[Item]:
        """Every item of a partition whose sort key lies between `first` and `last`, raw, every page."""
        return self._every_page(
            {
                "TableName": self._table,
                "KeyConditionExpression": f"{PARTITION_KEY} = :pk AND {SORT_KEY} BETWEEN :first AND :last",
                "ExpressionAttributeValues": expression_values(pk=partition, first=first, last=last),
                "ConsistentRead": True,
            }
        )

    def _every_page(self, arguments: dict[str, Any]) -> list[Item]:
        """A Query's items, page after page until DynamoDB says there is no more."""
        items: list[Item] = []
        while True:
            response = self._client.query(**arguments)
            items += response.get("Items", [])
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return items
            arguments = {**arguments, "ExclusiveStartKey": start_key}

    def _delete_keys(self, keys: list[Item]) -> None:
        """Delete items by raw key, BATCH_WRITE_LIMIT a request."""
        for start in range(0, len(keys), BATCH_WRITE_LIMIT):
            requests: dict[str, Any] = {
                self._table: [{"DeleteRequest": {"Key": key}} for key in keys[start : start + BATCH_WRITE_LIMIT]]
            }
            for attempt in range(BATCH_ATTEMPTS):
                requests = self._client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
                if not requests:
                    break
                _back_off(attempt)
            else:
                raise RuntimeError(f"BatchWriteItem left items unprocessed after {BATCH_ATTEMPTS} attempts")

    # Transactions -------------------------------------------------------------------------------

    def _transact(self, named_actions: NamedActions, read_back: ReadBack | None = None) -> None:
        """Run actions atomically; on a failed condition raise WriteConflict naming the records (and
        holding, for those `read_back` decodes, the record each refusal found).

        A transaction may land while its reply is lost; the SDK then sends it again and it meets
        its own effect. Each one is therefore sent with a request token (DynamoDB itself answers a
        repeat within 10 minutes as the first time) and marks every item it writes with it, on
        condition that the item does not carry it yet: a repeat that finds its own mark is the
        success it repeats (the emulator, which ignores request tokens, needs this; so does a repeat
        after 10 minutes)."""
        token = secrets.token_hex(16)
        try:
            self._client.transact_write_items(
                TransactItems=[_marked(action, token) for _, action in named_actions], ClientRequestToken=token
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            failed: set[Part] = set()
            current: dict[Part, object] = {}
            for (name, _), reason in zip(named_actions, reasons, strict=False):
                if reason.get("Code") == "ConditionalCheckFailed":
                    if (reason.get("Item") or {}).get(WRITE_MARK, {}).get("S") == token:
                        return  # our own earlier write: this is its repeat
                    failed.add(name)
                    if read_back and name in read_back:
                        current[name] = read_back[name](from_attributes(reason.get("Item")))
            if not failed:
                raise  # cancelled for another reason (throttling, conflict with another transaction)
            raise WriteConflict(failed, current) from None

    def _put_action(
        self, key: Key, record: Item, expires: datetime | None = None, condition: str | None = None, **values: Any
    ) -> Action:
        put: dict[str, Any] = {"TableName": self._table, "Item": item(key, record, expires)}
        if condition:
            put.update(_condition(condition, values))
        return {"Put": put}

    def _update_action(
        self, key: Key, update: str, condition: str, names: dict[str, str] | None = None, **values: Any
    ) -> Action:
        action: dict[str, Any] = {"TableName": self._table, "Key": key_attributes(key), "UpdateExpression": update}
        action.update(_condition(condition, values))
        if names:
            action["ExpressionAttributeNames"] = names
        return {"Update": action}

    def _check_action(self, key: Key, condition: str, **values: Any) -> Action:
        return {
            "ConditionCheck": {"TableName": self._table, "Key": key_attributes(key), **_condition(condition, values)}
        }

    def _delete_action(self, key: Key, condition: str | None = None, **values: Any) -> Action:
        delete: dict[str, Any] = {"TableName": self._table, "Key": key_attributes(key)}
        if condition:
            delete.update(_condition(condition, values))
        return {"Delete": delete}


def _condition(condition: str, values: dict[str, Any]) -> dict[str, Any]:
    """A transaction item's condition; a failed one returns the record, for WriteConflict.current."""
    parts: dict[str, Any] = {"ConditionExpression": condition, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
    if values:
        parts["ExpressionAttributeValues"] = expression_values(**values)
    return parts


def _back_off(attempt: int) -> None:
    time.sleep(min(2.0, 0.05 * 2**attempt))


def _marked(action: Action, token: str) -> Action:
    """The action with its item marked by the transaction's token, on condition that it is not yet."""
    ((kind, body),) = action.items()
    if kind not in ("Put", "Update"):
        return action
    body = dict(body)
    unmarked = f"(attribute_not_exists({WRITE_MARK}) OR {WRITE_MARK} <> :{WRITE_MARK})"
    condition = body.get("ConditionExpression")
    body["ConditionExpression"] = f"({condition}) AND {unmarked}" if condition else unmarked
    body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    body["ExpressionAttributeValues"] = {**body.get("ExpressionAttributeValues", {}), f":{WRITE_MARK}": {"S": token}}
    if kind == "Put":
        body["Item"] = {**body["Item"], WRITE_MARK: {"S": token}}
    else:
        body["UpdateExpression"] = _with_mark(body["UpdateExpression"])
    return {kind: body}


def _with_mark(update: str) -> str:
    """An update expression that also sets the mark (one SET clause only is allowed)."""
    mark = f"{WRITE_MARK} = :{WRITE_MARK}"
    if update.startswith("SET "):
        return f"SET {mark}, {update[4:]}"
    if " SET " in update:
        return update.replace(" SET ", f" SET {mark}, ", 1)
    return f"SET {mark} {update}"
