"""Reading the table as the store lays it out, for the tests that check what was (or was not) written.

Keys come from the store's own key builders, never written out by hand. These helpers use a client
of their own, not the application's: the DynamoDB requests the application makes stay countable
(the `dynamodb_calls` fixture) whatever the test reads.
"""

import functools

import boto3

from chalicelib.settings import get_settings
from chalicelib.store import keys
from tests.helpers.people import NIR


@functools.cache
def _client():
    """One client per test (the `aws` fixture forgets it with the emulated account it reads)."""
    return boto3.client("dynamodb")


def forget_client() -> None:
    _client.cache_clear()


def _table() -> str:
    return get_settings().table_name


def item(key: keys.Key) -> dict | None:
    """The item at `key` as DynamoDB holds it (typed attributes, keys included), or None."""
    response = _client().get_item(TableName=_table(), Key=keys.key_attributes(key), ConsistentRead=True)
    return response.get("Item")


def record(key: keys.Key) -> dict | None:
    """The record at `key` as the store reads it (plain values, without its keys), or None."""
    return keys.from_attributes(item(key))


def partition(partition_key: str, sort_key_prefix: str | None = None) -> list[dict]:
    """Every item of a partition (those whose sort key starts with the prefix, if given), in order."""
    condition, values = f"{keys.PARTITION_KEY} = :pk", {":pk": {"S": partition_key}}
    if sort_key_prefix is not None:
        condition += f" AND begins_with({keys.SORT_KEY}, :prefix)"
        values[":prefix"] = {"S": sort_key_prefix}
    response = _client().query(
        TableName=_table(), KeyConditionExpression=condition, ExpressionAttributeValues=values, ConsistentRead=True
    )
    return response["Items"]


def every_item() -> list[dict]:
    """Every item of the table, in key order (a Scan: tests only, on tables of a few dozen items)."""
    items, start = [], {}
    while True:
        page = _client().scan(TableName=_table(), ConsistentRead=True, **start)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return sorted(items, key=_key_of)
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def put_back(items: list[dict]) -> None:
    """The table made to hold exactly `items` (from `every_item`) again: what was written since is
    deleted, and every item is put back as it was."""
    wanted = {_key_of(item) for item in items}
    deletes = [
        {"DeleteRequest": {"Key": {name: item[name] for name in (keys.PARTITION_KEY, keys.SORT_KEY)}}}
        for item in every_item()
        if _key_of(item) not in wanted
    ]
    writes = deletes + [{"PutRequest": {"Item": item}} for item in items]
    for start in range(0, len(writes), 25):  # BatchWriteItem's limit
        answer = _client().batch_write_item(RequestItems={_table(): writes[start : start + 25]})
        assert not answer.get("UnprocessedItems"), answer["UnprocessedItems"]


def _key_of(item: dict) -> tuple[str, str]:
    return item[keys.PARTITION_KEY]["S"], item[keys.SORT_KEY]["S"]


def account_id_of(nir: str) -> str:
    """The account that holds a NIR, as its credentials say."""
    return record(keys.credentials_key(nir))["compte_id"]


def rights_id_of(nir: str) -> str | None:
    """The random id under which a NIR's rights are kept (None: it has none yet), as its item names it."""
    named = record(keys.rights_id_key(nir))
    return None if named is None else named["droits_id"]


def history_types(nir: str) -> list[str]:
    """The types of the history events of the account that holds a NIR, oldest first."""
    events = partition(keys.account_partition(account_id_of(nir)), keys.EVENT_PREFIX)
    return [keys.from_attributes(event)["type"] for event in events]


def captcha_answer(captcha_id: str) -> str:
    """What the image of a captcha shows, opened with the application's keyring (KeyError for an id
    that is no captcha). Whether it was answered already is the table's: its spent mark."""
    from chalicelib import dependencies
    from chalicelib.domain import captchas

    captcha = captchas.read(captcha_id, dependencies.sealer())
    if captcha is None:
        raise KeyError(captcha_id)
    return captcha.answer


def credit_cpf_hours(hours: int, nir: str = NIR) -> None:
    """Employers' declarations worth `hours` CPF hours, credited to the NIR by the crediting functions
    (the file in the bucket, the S3-triggered split, the SQS-triggered chunks)."""
    from tests.helpers.crediting import credit_hours

    credit_hours(hours, nir)


def write_directly(items: list[dict]) -> None:
    """Put items (as `keys.item` builds them) without the store, 25 to a request."""
    client = _client()
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": one}} for one in items[start : start + 25]]
        assert not client.batch_write_item(RequestItems={_table(): requests})["UnprocessedItems"]
