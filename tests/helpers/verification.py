"""An account's identity marked verified, as FranceConnect's verification will mark it (contract §14),
written straight into the table: the attribute `identite_verifiee_le` on the account item, found
through the store's own key builders. Nothing here goes through FranceConnect.

`verify_identity` writes on the emulated AWS of the API tests (the `aws` fixture's), `verify_on_stack`
on a local stack's emulator (the system tests); `mark_email_invalid` and `email_hour_passes_on_stack`
set the account item's other marks a test needs without waiting (a bounce, an hour)."""

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


def _stack_client(stack):
    return boto3.client(
        "dynamodb",
        endpoint_url=stack.endpoint_url,
        region_name=stack.env.get("AWS_REGION", "eu-west-3"),
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _stack_account(client, table_name: str, nir: str) -> str:
    credentials = client.get_item(
        TableName=table_name, Key=keys.key_attributes(keys.credentials_key(nir)), ConsistentRead=True
    )["Item"]
    return credentials["compte_id"]["S"]


def verify_on_stack(stack, nir: str, moment: str = VERIFIED_AT) -> None:
    """The same, on a local stack's emulator."""
    client, table_name = _stack_client(stack), stack.env.get("TABLE_NAME", get_settings().table_name)
    _mark(client, table_name, _stack_account(client, table_name, nir), moment)


def email_hour_passes_on_stack(stack, nir: str) -> None:
    """The emails the account holding `nir` was sent leave the hour's allowance, as an hour would make
    them leave it (a local stack runs on the real clock, which a test cannot move on)."""
    client, table_name = _stack_client(stack), stack.env.get("TABLE_NAME", get_settings().table_name)
    client.update_item(
        TableName=table_name,
        Key=keys.key_attributes(keys.account_key(_stack_account(client, table_name, nir))),
        UpdateExpression="REMOVE envois_courriel",
        ConditionExpression="attribute_exists(pk)",
    )
