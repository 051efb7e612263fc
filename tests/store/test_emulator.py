"""The emulator under every test and the local stack (tools/local/emulator.py), in process: a transaction
backs up only the items it touches, and a cancelled one puts back exactly those.

Costs are counted, not timed: every DynamoDB item moto holds or copies is an instance of its `Item`,
so the items a request creates (its copies included) show what it costs whatever the machine's load.
"""

import threading

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import Item

from chalicelib.settings import get_settings

pytestmark = pytest.mark.usefixtures("aws")


def backend():
    return dynamodb_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"]


def fill(count: int) -> None:
    """`count` items of other partitions, written straight into moto (fast: no HTTP, no parsing)."""
    table_name = get_settings().table_name
    for number in range(count):
        backend().put_item(table_name, {"pk": {"S": f"REMPLI#{number}"}, "sk": {"S": "A"}, "n": {"N": "1"}})


def key(pk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": "A"}}


def two_item_transaction(client, table_name: str) -> list[dict]:
    return [
        {"Put": {"TableName": table_name, "Item": {**key("TX#1"), "v": {"N": "1"}}}},
        {
            "Update": {
                "TableName": table_name,
                "Key": key("TX#2"),
                "UpdateExpression": "ADD v :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        },
    ]


@pytest.fixture
def items_created(monkeypatch):
    """How many moto `Item`s were created (stored, or copied) since the fixture started."""
    created = []
    make = Item.__new__

    def counted(cls, *args, **kwargs):
        created.append(cls)
        return make(cls, *args, **kwargs)

    monkeypatch.setattr(Item, "__new__", staticmethod(counted))
    return created


@pytest.mark.parametrize("table_size", [10, 20_000])
def test_a_transaction_copies_the_items_it_touches_whatever_the_table_s_size(table_size, items_created):
    client, table_name = boto3.client("dynamodb"), get_settings().table_name
    fill(table_size)
    items_created.clear()
    client.transact_write_items(TransactItems=two_item_transaction(client, table_name))
    # moto's own transaction deep-copies the table (table_size items) first; here: the two items it
    # writes, their two backups (of nothing: both are new) and moto's working copy of the updated one.
    assert len(items_created) <= 6
    assert len(backend().get_table(table_name).all_items()) == table_size + 2


def test_a_query_of_one_partition_does_not_walk_the_table(items_created, monkeypatch):
    client, table_name = boto3.client("dynamodb"), get_settings().table_name
    fill(2_000)
    walked = []
    table = backend().get_table(table_name)
    every_item = type(table).all_items
    monkeypatch.setattr(type(table), "all_items", lambda self: walked.append(1) or every_item(self))
    answer = client.query(
        TableName=table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "REMPLI#7"}},
    )
    assert [item["pk"]["S"] for item in answer["Items"]] == ["REMPLI#7"]
    assert walked == []
    empty = client.query(
        TableName=table_name, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "ABSENT"}}
    )
    assert empty["Items"] == []


def test_a_cancelled_transaction_restores_exactly_its_items_while_a_concurrent_write_survives(monkeypatch):
    client, table_name = boto3.client("dynamodb"), get_settings().table_name
    client.put_item(TableName=table_name, Item={**key("A"), "v": {"N": "1"}, "garde": {"S": "avant"}})
    client.put_item(TableName=table_name, Item={**key("VERROU"), "etat": {"S": "ferme"}})
    fill(50)
    # While the transaction runs (when moto reads its last part), another thread writes another item
    # and one of the filled items, straight into moto: a whole-table rollback would erase both.
    read_item = type(backend()).get_item
    wrote_meanwhile = threading.Event()

    def read_and_write_meanwhile(self, table, item_key, *args, **kwargs):
        if item_key == key("VERROU") and not wrote_meanwhile.is_set():
            writer = threading.Thread(target=write_elsewhere)
            writer.start()
            writer.join()
        return read_item(self, table, item_key, *args, **kwargs)

    def write_elsewhere():
        backend().put_item(table_name, {**key("AUTRE"), "v": {"N": "7"}})
        backend().put_item(table_name, {**key("REMPLI#3"), "n": {"N": "2"}})
        wrote_meanwhile.set()

    monkeypatch.setattr(type(backend()), "get_item", read_and_write_meanwhile)
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table_name, "Item": {**key("NOUVEAU"), "v": {"N": "1"}}}},
                {
                    "Update": {
                        "TableName": table_name,
                        "Key": key("A"),
                        "UpdateExpression": "SET v = :two REMOVE garde",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table_name,
                        "Key": key("VERROU"),
                        "ConditionExpression": "etat = :ouvert",
                        "ExpressionAttributeValues": {":ouvert": {"S": "ouvert"}},
                    }
                },
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert wrote_meanwhile.is_set()
    monkeypatch.undo()

    def read(pk):
        return client.get_item(TableName=table_name, Key=key(pk), ConsistentRead=True).get("Item")

    assert read("NOUVEAU") is None
    assert read("A") == {**key("A"), "v": {"N": "1"}, "garde": {"S": "avant"}}
    assert read("VERROU") == {**key("VERROU"), "etat": {"S": "ferme"}}
    assert read("AUTRE") == {**key("AUTRE"), "v": {"N": "7"}}
    assert read("REMPLI#3")["n"] == {"N": "2"}
    assert read("REMPLI#4")["n"] == {"N": "1"}


def test_a_transaction_naming_an_item_twice_is_refused_and_changes_nothing():
    client, table_name = boto3.client("dynamodb"), get_settings().table_name
    client.put_item(TableName=table_name, Item={**key("A"), "v": {"N": "1"}})
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table_name, "Item": {**key("A"), "v": {"N": "2"}}}},
                {"Delete": {"TableName": table_name, "Key": key("A")}},
            ]
        )
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert client.get_item(TableName=table_name, Key=key("A"))["Item"]["v"] == {"N": "1"}


def test_the_emails_of_one_recipient_are_answered_without_the_others():
    from tools.local import emulator

    ses, sender = boto3.client("ses"), get_settings().sender_email
    for recipient, subject in (("a@example.fr", "un"), ("b@example.fr", "deux"), ("A@example.fr", "trois")):
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": [recipient]},
            Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": f"corps {subject}"}}},
        )
    assert [email["subject"] for email in emulator.emails_to("a@example.fr")] == ["un", "trois"]
    assert emulator.emails_to("c@example.fr") == []


# Expressions read once: the same verdicts as moto's own reading.


def test_an_update_expression_read_again_still_refuses_a_path_set_twice_and_a_clause_given_twice():
    client, table_name = boto3.client("dynamodb"), get_settings().table_name
    values = {":x": {"N": "1"}, ":y": {"N": "2"}}
    for _ in range(2):  # the second time from the kept parse
        for refused in ("SET a = :x, a = :y", "SET a = :x SET b = :y", "SET a = :x, b = :y REMOVE a"):
            with pytest.raises(ClientError) as error:
                client.update_item(
                    TableName=table_name, Key=key("EXPR#1"), UpdateExpression=refused, ExpressionAttributeValues=values
                )
            assert error.value.response["Error"]["Code"] == "ValidationException", refused
        accepted = "SET a = :x, b = :y"
        client.update_item(
            TableName=table_name, Key=key("EXPR#1"), UpdateExpression=accepted, ExpressionAttributeValues=values
        )
    assert client.get_item(TableName=table_name, Key=key("EXPR#1"))["Item"]["b"] == {"N": "2"}


def test_a_condition_read_again_is_judged_with_its_own_values():
    client, table_name = boto3.client("dynamodb"), get_settings().table_name
    client.put_item(TableName=table_name, Item={**key("EXPR#2"), "v": {"N": "1"}})

    def put_if_v_is(value: str) -> bool:
        try:
            client.put_item(
                TableName=table_name,
                Item={**key("EXPR#2"), "v": {"N": str(int(value) + 1)}},
                ConditionExpression="v = :v",
                ExpressionAttributeValues={":v": {"N": value}},
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    assert [put_if_v_is(value) for value in ("1", "1", "2", "5", "3")] == [True, False, True, False, True]


# The moto it was written for


def test_the_emulator_is_written_for_the_moto_requirements_dev_pins():
    from tools.local import emulator
    from tools.local.local_stack import ROOT

    pins = (ROOT / "requirements-dev.txt").read_text().splitlines()
    (pin,) = [line.split("==")[1].split()[0] for line in pins if line.startswith("moto[")]
    assert pin == emulator.MOTO_VERSION


def test_the_emulator_refuses_another_moto_and_says_to_recheck_its_patches():
    from tools.local import emulator

    emulator._check_moto_version(emulator.MOTO_VERSION)
    with pytest.raises(ImportError, match=r"moto 5\.3\.0 is installed: re-check each patch"):
        emulator._check_moto_version("5.3.0")
