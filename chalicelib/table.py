"""The table's definition, in one place: the local bootstrap, the tests and the deploy template read it.

One table, on demand. Every item has a string partition key `pk` and sort key `sk`; items that
expire carry `expire_ttl` (epoch seconds), the attribute DynamoDB's TTL watches. TTL deletes late,
so the code checks expiry itself too.

Pending accounts and registration drafts also carry `expire_lot`, a shard `EXPIRE#<n>`: that puts
them, and only them, in the sparse index `expiration` (shard, expiry), which the scheduled cleanup
queries for what has expired. Four shards spread the writes; the cleanup queries each
(chalicelib/store/expiry.py assigns them).
"""

import time
from typing import Any

PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "expire_ttl"

KEY_SCHEMA = [
    {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
    {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
]
BILLING_MODE = "PAY_PER_REQUEST"

EXPIRY_INDEX = "expiration"
EXPIRY_SHARD_ATTRIBUTE = "expire_lot"
EXPIRY_SHARDS = 4
# What the cleanup needs to find everything a pending account holds, without reading the account.
EXPIRY_INDEX_PROJECTION = ["nir", "courriel", "activation_empreinte"]

ATTRIBUTE_DEFINITIONS = [
    {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": SORT_KEY, "AttributeType": "S"},
    {"AttributeName": EXPIRY_SHARD_ATTRIBUTE, "AttributeType": "S"},
    {"AttributeName": TTL_ATTRIBUTE, "AttributeType": "N"},
]
GLOBAL_SECONDARY_INDEXES = [
    {
        "IndexName": EXPIRY_INDEX,
        "KeySchema": [
            {"AttributeName": EXPIRY_SHARD_ATTRIBUTE, "KeyType": "HASH"},
            {"AttributeName": TTL_ATTRIBUTE, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": EXPIRY_INDEX_PROJECTION},
    }
]


def create_table_arguments(table_name: str) -> dict[str, Any]:
    """The arguments of DynamoDB's CreateTable for this table."""
    return {
        "TableName": table_name,
        "KeySchema": KEY_SCHEMA,
        "AttributeDefinitions": ATTRIBUTE_DEFINITIONS,
        "BillingMode": BILLING_MODE,
        "GlobalSecondaryIndexes": GLOBAL_SECONDARY_INDEXES,
    }


def ensure_table(dynamodb: Any, table_name: str) -> bool:
    """Create the table (with its index) and turn TTL on, unless already done. Returns whether it was created.

    A table made before the expiry index existed gets the index added, so an old local emulator's
    data survives the upgrade."""
    created = False
    try:
        dynamodb.create_table(**create_table_arguments(table_name))
        created = True
    except dynamodb.exceptions.ResourceInUseException:
        pass
    dynamodb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    _ensure_indexes(dynamodb, table_name)
    ttl = dynamodb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    return created


def _ensure_indexes(dynamodb: Any, table_name: str) -> None:
    existing = dynamodb.describe_table(TableName=table_name)["Table"].get("GlobalSecondaryIndexes", [])
    names = {index["IndexName"] for index in existing}
    for index in GLOBAL_SECONDARY_INDEXES:
        if index["IndexName"] not in names:
            dynamodb.update_table(
                TableName=table_name,
                AttributeDefinitions=ATTRIBUTE_DEFINITIONS,
                GlobalSecondaryIndexUpdates=[{"Create": index}],
            )
    for _ in range(300):  # an index being built on real AWS takes a while; the emulator none
        indexes = dynamodb.describe_table(TableName=table_name)["Table"].get("GlobalSecondaryIndexes", [])
        if all(index.get("IndexStatus", "ACTIVE") == "ACTIVE" for index in indexes):
            return
        time.sleep(2)
    raise RuntimeError(f"the indexes of table {table_name} are not active after 10 minutes")


def cloudformation_resources(table_name: str, default_sender: str) -> dict[str, Any]:
    """The table (and the sender's SES identity) as a CloudFormation template fragment, for
    `chalice package --merge-template`: the same definition as `create_table_arguments`, plus what
    only a real account has: point-in-time recovery, encryption at rest, and retention on delete."""
    properties = {
        **create_table_arguments(table_name),
        "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    return {
        "Parameters": {
            "SenderEmail": {
                "Type": "String",
                "Default": default_sender,
                "Description": "The address activation and reset emails come from (an SES identity).",
            }
        },
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",  # accounts outlive any stack mishap
                "UpdateReplacePolicy": "Retain",
                "Properties": properties,
            },
            "SenderIdentity": {
                "Type": "AWS::SES::EmailIdentity",
                "Properties": {"EmailIdentity": {"Ref": "SenderEmail"}},
            },
        },
        "Outputs": {"TableName": {"Value": {"Ref": "Table"}}},
    }
