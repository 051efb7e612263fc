"""How records are laid out in the one table: keys, sort-key prefixes, the item codec, the history cursor.

Every item has a partition key `pk` and a sort key `sk` (chalicelib/table.py defines the table).
The aggregates' codecs (store/*_items.py) turn the domain's records into items and back with what is
here; an item that expires carries `expire_ttl` (`table.TTL_ATTRIBUTE`, epoch seconds, the attribute
DynamoDB's TTL watches), which records expose as `expires_at`.

Nothing here talks to AWS, and boto3's type codec is loaded on first use.
"""

import base64
import binascii
import re
import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..clock import from_epoch, to_epoch
from ..table import EXPIRY_SHARD_ATTRIBUTE, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE

__all__ = ["EXPIRY_SHARD_ATTRIBUTE", "PARTITION_KEY", "SORT_KEY", "TTL_ATTRIBUTE"]

Key = tuple[str, str]
# A record as plain values (its attributes by name), the way the codec reads and writes items.
Item = dict[str, Any]

# Sort-key prefixes of what lives in an account's partition (`COMPTE#<id>`).
EVENT_PREFIX = "EVENEMENT#"
DOSSIER_PREFIX = "DOSSIER#"
SESSION_POINTER_PREFIX = "SESSION#"
ACCOUNT_SORT_KEY = "COMPTE"
# The holder's copy of each delegation they granted sorts between the account and its movements:
# one Query (sk BETWEEN "COMPTE" AND DELEGATIONS_END) reads the account and its delegations together.
HOLDER_DELEGATION_PREFIX = "COMPTE#DELEGATION#"
HOLDER_DELEGATIONS_END = "COMPTE#DELEGATION$"  # "$" follows "#": after every copy
# In a delegate's partition, a pointer to each delegation they accepted ("comptes délégués").
DELEGATED_ACCOUNT_PREFIX = "DELEGUE#"
# A NIR's rights (`DROITS#<rights id>`, a random id that the NIR's own item names: the NIR itself never
# keys what a session token or a delegation must name): the rights record, then its movements right
# after it ("DROITS" is a prefix of their sort key: one Query with begins_with "DROITS" reads both),
# and a record per year credited, apart ("ANNEE#").
RIGHTS_SORT_KEY = "DROITS"
RIGHTS_MOVEMENT_PREFIX = "DROITS#MOUVEMENT#"
RIGHTS_YEAR_PREFIX = "ANNEE#"
# A deposited declaration file (`FICHIER#<file id>`): its counts, then a record per chunk applied.
DECLARATION_FILE_SORT_KEY = "FICHIER"
DECLARATION_CHUNK_PREFIX = "MORCEAU#"


def expiry_of(item: Item) -> datetime | None:
    """A record's `expires_at`: its item's TTL read back."""
    seconds = item.get(TTL_ATTRIBUTE)
    return None if seconds is None else from_epoch(seconds)


# Keys ---------------------------------------------------------------------------------------------


def draft_key(draft_id: str) -> Key:
    return f"INSCRIPTION#{draft_id}", "INSCRIPTION"


def captcha_key(captcha_id: str) -> Key:
    return f"CAPTCHA#{captcha_id}", "CAPTCHA"


def oidc_state_key(state_id: str) -> Key:
    """An OpenID `state`'s "spent" mark (and, for a registration, the draft it was made for)."""
    return f"ETAT_OIDC#{state_id}", "ETAT_OIDC"


def franceconnect_key(sub: str) -> Key:
    """The reservation of a FranceConnect identity: the one account it verifies."""
    return f"FRANCECONNECT#{sub}", "FRANCECONNECT"


def credentials_key(nir: str) -> Key:
    """The NIR's reservation, which login reads: the account it belongs to and the password hash."""
    return f"IDENTIFIANT#{nir}", "IDENTIFIANT"


def email_key(email_key_value: str) -> Key:
    """An email address's reservation (the address case-folded: addresses are unique whatever their case)."""
    return f"COURRIEL#{email_key_value}", "COURRIEL"


def activation_key(token_digest: str) -> Key:
    return f"ACTIVATION#{token_digest}", "ACTIVATION"


def reset_key(token_digest: str) -> Key:
    return f"REINITIALISATION#{token_digest}", "REINITIALISATION"


def email_change_key(token_digest: str) -> Key:
    """A confirmed email change's link, by its token's digest."""
    return f"CHANGEMENT_COURRIEL#{token_digest}", "CHANGEMENT_COURRIEL"


def invitation_key(token_digest: str) -> Key:
    """A delegation's invitation link, by its token's digest."""
    return f"INVITATION#{token_digest}", "INVITATION"


def delegation_key(delegation_id: str) -> Key:
    """A delegation, by its id: what every delegate call reads and checks."""
    return f"DELEGATION#{delegation_id}", "DELEGATION"


def session_key(token_digest: str) -> Key:
    return f"SESSION#{token_digest}", "SESSION"


def attempts_key(nir: str) -> Key:
    """Failed logins for a NIR, whether or not an account has it: a lockout must not tell which."""
    return f"TENTATIVES#{nir}", "TENTATIVES"


def account_partition(account_id: str) -> str:
    return f"COMPTE#{account_id}"


def account_key(account_id: str) -> Key:
    return account_partition(account_id), ACCOUNT_SORT_KEY


def session_pointer_key(account_id: str, token_digest: str) -> Key:
    """Beside each session, in the account's partition: how "end every session" finds them."""
    return account_partition(account_id), f"{SESSION_POINTER_PREFIX}{token_digest}"


def holder_delegation_key(holder_id: str, delegation_id: str) -> Key:
    """The holder's copy of a delegation they granted ("Mes délégations"), written with the delegation."""
    return account_partition(holder_id), f"{HOLDER_DELEGATION_PREFIX}{delegation_id}"


def delegated_account_key(delegate_id: str, delegation_id: str) -> Key:
    """A delegate's pointer to an accepted delegation, while it is active."""
    return account_partition(delegate_id), f"{DELEGATED_ACCOUNT_PREFIX}{delegation_id}"


def event_key(account_id: str, event_id: str) -> Key:
    return account_partition(account_id), f"{EVENT_PREFIX}{event_id}"


def dossier_key(account_id: str, dossier_id: str) -> Key:
    return account_partition(account_id), f"{DOSSIER_PREFIX}{dossier_id}"


def rights_id_key(nir: str) -> Key:
    """The NIR's item that names its rights' random id (`droits_id`): written with the NIR's first
    rights (crediting) or its first session, whichever comes first, and never changed."""
    return f"NIR#{nir}", RIGHTS_SORT_KEY


def rights_partition(rights_id: str) -> str:
    """Rights belong to the NIR, whether or not an online account exists; they are keyed by its
    rights id, so that a session token can name them without naming the NIR."""
    return f"DROITS#{rights_id}"


def rights_key(rights_id: str) -> Key:
    return rights_partition(rights_id), RIGHTS_SORT_KEY


def rights_year_key(rights_id: str, year: int) -> Key:
    return rights_partition(rights_id), f"{RIGHTS_YEAR_PREFIX}{year}"


def rights_movement_key(rights_id: str, movement_id: str) -> Key:
    return rights_partition(rights_id), f"{RIGHTS_MOVEMENT_PREFIX}{movement_id}"


def declaration_file_key(file_id: str) -> Key:
    return f"FICHIER#{file_id}", DECLARATION_FILE_SORT_KEY


def declaration_chunk_key(file_id: str, index: int) -> Key:
    return f"FICHIER#{file_id}", f"{DECLARATION_CHUNK_PREFIX}{index:07d}"


def time_ordered_id(moment: datetime) -> str:
    """The id of an event or a movement: sorts by time; the random tail keeps two of the same
    microsecond apart."""
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}"


# The history cursor: the last event's sort key, opaque to the client ------------------------------

# A cursor may only name an event's place (the partition always comes from the session).
_EVENT_SORT_KEY = re.compile(r"EVENEMENT#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z#[0-9a-f]{8}")


def history_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode("ascii")).decode("ascii").rstrip("=")


def history_sort_key(cursor: object) -> str | None:
    """The event sort key a cursor stands for, or None when it is not one this API handed out."""
    if not isinstance(cursor, str) or not 1 <= len(cursor) <= 200:
        return None
    try:
        sort_key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    if not _EVENT_SORT_KEY.fullmatch(sort_key) or history_cursor(sort_key) != cursor:
        return None
    return sort_key


# The item codec: plain dicts in and out ------------------------------------------------------------

_codec: tuple[Any, Any] | None = None


def _types() -> tuple[Any, Any]:
    """boto3's serializer and deserializer, loaded when the store first needs them."""
    global _codec
    if _codec is None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        _codec = TypeSerializer(), TypeDeserializer()
    return _codec


def serialize(value: Any) -> Item:
    attribute: Item = _types()[0].serialize(value)
    return attribute


def deserialize(attribute: Item) -> Any:
    return _plain(_types()[1].deserialize(attribute))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_attributes(record: Item) -> Item:
    return {name: serialize(value) for name, value in record.items() if value is not None}


def from_attributes(item: Item | None) -> Item | None:
    """A record without its keys (the caller knows them)."""
    if item is None:
        return None
    record = {name: deserialize(value) for name, value in item.items()}
    record.pop(PARTITION_KEY, None)
    record.pop(SORT_KEY, None)
    record.pop("ecriture", None)  # the store's own mark of the last transaction (base.WRITE_MARK)
    return record


def key_attributes(key: Key) -> Item:
    return {PARTITION_KEY: {"S": key[0]}, SORT_KEY: {"S": key[1]}}


def sort_key_of(item: Item) -> str:
    sort_key: str = item[SORT_KEY]["S"]
    return sort_key


def item(key: Key, record: Item, expires: datetime | None = None) -> Item:
    attributes = to_attributes(record)
    attributes.update(key_attributes(key))
    if expires is not None:
        attributes[TTL_ATTRIBUTE] = {"N": str(to_epoch(expires))}
    return attributes


def expression_values(**values: Any) -> Item:
    return {f":{name}": serialize(value) for name, value in values.items()}
