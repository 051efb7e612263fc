"""The cleanup's expiry index: registration drafts and pending accounts, found once expired.

They carry `expire_lot`, a shard `EXPIRE#<n>` (from a hash of their id), which puts them, and only
them, in the sparse index `expiration` (shard, expiry). The cleanup queries each shard for what
expired before now: it never scans, and reads what it removes, not the table.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..clock import to_epoch
from ..domain.errors import Part, WriteConflict
from ..domain.records.registrations import ExpiredAccount, ExpiredDraft, ExpiredPage
from ..domain.states import AccountStatus
from ..table import EXPIRY_INDEX, EXPIRY_INDEX_PROJECTION
from .actions import expiry_shards
from .base import NamedActions, TableAccess, absent
from .keys import (
    EXPIRY_SHARD_ATTRIBUTE,
    PARTITION_KEY,
    TTL_ATTRIBUTE,
    Item,
    account_key,
    activation_key,
    credentials_key,
    deserialize,
    draft_key,
    email_key,
    expression_values,
)

PAGE_SIZE = 100


class ExpiryRecords(TableAccess):
    def expired_registrations(self, now: datetime, page_size: int = PAGE_SIZE) -> Iterator[ExpiredPage]:
        """The drafts and pending accounts that expired before `now`, a page (one Query) at a time,
        shard after shard. A page is read only when asked for, so a caller that stops early makes
        no further request. An account comes with what it holds, without reading the account."""
        for shard in expiry_shards():
            start_key = None
            while True:
                arguments: dict[str, Any] = {
                    "TableName": self._table,
                    "IndexName": EXPIRY_INDEX,
                    "KeyConditionExpression": "#lot = :lot AND #expire < :now",
                    "ExpressionAttributeNames": {"#lot": EXPIRY_SHARD_ATTRIBUTE, "#expire": TTL_ATTRIBUTE},
                    "ExpressionAttributeValues": expression_values(lot=shard, now=to_epoch(now)),
                    "Limit": page_size,
                }
                if start_key:
                    arguments["ExclusiveStartKey"] = start_key
                response = self._client.query(**arguments)
                records = [_expired_record(item) for item in response.get("Items", [])]
                yield ExpiredPage([r for r in records if r], response.get("ScannedCount", 0))
                start_key = response.get("LastEvaluatedKey")
                if not start_key:
                    break

    def delete_expired_account(
        self, account: ExpiredAccount, email_key_value: str | None, now: datetime, only_expired: bool = True
    ) -> bool:
        """Delete a pending account whose link has expired, with its NIR and email reservations and its
        activation token: all together, or nothing when the account is no longer an expired pending
        one (activated meanwhile, or already removed by another run). A reservation that another
        registration took over after the expiry is left to it. Returns whether the account was deleted.
        With `only_expired` False, a pending account is released before its expiry (its activation
        email bounced): the same deletion, on the same condition that it is still pending."""
        account_id, same_account = account.id, f"{absent()} OR compte_id = :compte"
        still_pending = "statut = :attente"
        values: dict[str, object] = {"attente": AccountStatus.PENDING}
        if only_expired:
            still_pending += f" AND {TTL_ATTRIBUTE} < :now"
            values["now"] = to_epoch(now)
        actions: NamedActions = [(Part.ACCOUNT, self._delete_action(account_key(account_id), still_pending, **values))]
        held = [
            (Part.NIR, account.nir and credentials_key(account.nir)),
            (Part.EMAIL, email_key_value and email_key(email_key_value)),
            (Part.ACTIVATION, account.activation_digest and activation_key(account.activation_digest)),
        ]
        actions += [(name, self._delete_action(key, same_account, compte=account_id)) for name, key in held if key]
        while True:
            try:
                self._transact(actions)
                return True
            except WriteConflict as conflict:
                if Part.ACCOUNT in conflict.failed:
                    return False
                # Someone else's now: leave it, delete the rest.
                actions = [(name, action) for name, action in actions if name not in conflict.failed]
            except ClientError:
                return False  # racing another transaction on these items (another run): the next run decides

    def delete_expired_draft(self, draft_id: str, now: datetime) -> bool:
        """False when already gone (another run, "Annuler")."""
        return self._delete_if(draft_key(draft_id), f"{TTL_ATTRIBUTE} < :now", now=to_epoch(now))


def _expired_record(item: Item) -> ExpiredDraft | ExpiredAccount | None:
    kind, _, item_id = item[PARTITION_KEY]["S"].partition("#")
    if kind == "INSCRIPTION":
        return ExpiredDraft(item_id)
    if kind == "COMPTE":
        values = {name: deserialize(item[name]) for name in EXPIRY_INDEX_PROJECTION if name in item}
        return ExpiredAccount(item_id, values.get("nir"), values.get("courriel"), values.get("activation_empreinte"))
    return None
