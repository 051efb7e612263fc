"""The table's definition, in one place: the local bootstrap, the tests and the deploy template read it.

One table, on demand. Every item has a string partition key `pk` and sort key `sk`; items that
expire carry `expire_ttl` (epoch seconds), the attribute DynamoDB's TTL watches. TTL deletes late,
so the code checks expiry itself too.
"""

PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "expire_ttl"

KEY_SCHEMA = [
    {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
    {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
]
ATTRIBUTE_DEFINITIONS = [
    {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": SORT_KEY, "AttributeType": "S"},
]
BILLING_MODE = "PAY_PER_REQUEST"


def create_table_arguments(table_name: str) -> dict:
    """The arguments of DynamoDB's CreateTable for this table."""
    return {
        "TableName": table_name,
        "KeySchema": KEY_SCHEMA,
        "AttributeDefinitions": ATTRIBUTE_DEFINITIONS,
        "BillingMode": BILLING_MODE,
    }


def ensure_table(dynamodb, table_name: str) -> bool:
    """Create the table and turn TTL on, unless already done. Returns whether it was created."""
    created = False
    try:
        dynamodb.create_table(**create_table_arguments(table_name))
        created = True
    except dynamodb.exceptions.ResourceInUseException:
        pass
    dynamodb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ttl = dynamodb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    return created
