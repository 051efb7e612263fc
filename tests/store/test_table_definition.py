"""The table as chalicelib/table.py defines it, created on the emulator, and an older one brought up to date."""

import boto3
from moto import mock_aws

from chalicelib import table


def test_the_table_definition_is_the_one_the_store_expects(aws):
    description = boto3.client("dynamodb").describe_table(TableName="mon-compte-formation")["Table"]
    assert description["KeySchema"] == table.KEY_SCHEMA
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName="mon-compte-formation")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": table.TTL_ATTRIBUTE}


def test_an_older_table_without_the_expiry_index_gets_it():
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        old = {k: v for k, v in table.create_table_arguments("ancienne").items() if k != "GlobalSecondaryIndexes"}
        old["AttributeDefinitions"] = old["AttributeDefinitions"][:2]
        dynamodb.create_table(**old)
        assert table.ensure_table(dynamodb, "ancienne") is False
        indexes = dynamodb.describe_table(TableName="ancienne")["Table"]["GlobalSecondaryIndexes"]
        assert [index["IndexName"] for index in indexes] == [table.EXPIRY_INDEX]
        assert indexes[0]["KeySchema"] == table.GLOBAL_SECONDARY_INDEXES[0]["KeySchema"]
