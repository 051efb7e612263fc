"""An account's identity marked verified, as FranceConnect's verification will mark it (contract §14),
written straight into the table: the attribute `identite_verifiee_le` on the account item, found
through the store's own key builders. Nothing here goes through FranceConnect.

`verify_identity` writes on the emulated AWS of the API tests (the `aws` fixture's), `verify_on_stack`
on a local stack's emulator (the system tests)."""

import boto3

from chalicelib.settings import get_settings
from chalicelib.store import keys
from tests.helpers import table

VERIFIED_AT = "2026-12-01T09:30:00Z"


def _mark(client, table_name: str, account_id: str, moment: str, attribute: str = "identite_verifiee_le") -> None:
    value = {"BOOL": True} if attribute == "courriel_invalide" else {"S": moment}
    client.update_item(
        TableName=table_name,
        Key=keys.key_attributes(keys.account_key(account_id)),
        UpdateExpression=f"SET {attribute} = :value",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":value": value},
    )


def verify_identity(nir: str, moment: str = VERIFIED_AT) -> None:
    """The account holding `nir` has its identity verified since `moment`."""
    _mark(table._client(), get_settings().table_name, table.account_id_of(nir), moment)


def mark_email_invalid(nir: str) -> None:
    """The account holding `nir` has its address marked `courriel_invalide`, as a bounce would mark it
    (contract §10; tests/api/test_email_feedback.py goes through the feedback function itself)."""
    _mark(table._client(), get_settings().table_name, table.account_id_of(nir), "", "courriel_invalide")


def verify_on_stack(stack, nir: str, moment: str = VERIFIED_AT) -> None:
    """The same, on a local stack's emulator."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=stack.endpoint_url,
        region_name=stack.env.get("AWS_REGION", "eu-west-3"),
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    table_name = stack.env.get("TABLE_NAME", get_settings().table_name)
    credentials = client.get_item(
        TableName=table_name, Key=keys.key_attributes(keys.credentials_key(nir)), ConsistentRead=True
    )["Item"]
    _mark(client, table_name, credentials["compte_id"]["S"], moment)
