"""DynamoDB: keys, conditional writes, TTL. The only module that speaks to the table.

Records go in and come out as plain dicts. Every method is one round trip to DynamoDB; the writes
that must happen together (an account and its reservations, an activation and its effects) are one
TransactWriteItems. Conditions carry the rules a race could break: a NIR or an email is free when
nothing holds it or what holds it has expired; a one-time token is used up at most once.
"""

import time
from datetime import datetime
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from .clock import to_epoch
from .domain.errors import WriteConflict
from .domain.history import new_event_id
from .table import (
    EXPIRY_INDEX,
    EXPIRY_INDEX_PROJECTION,
    EXPIRY_SHARD_ATTRIBUTE,
    PARTITION_KEY,
    SORT_KEY,
    TTL_ATTRIBUTE,
    expiry_shard,
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Condition under which a reservation (NIR credentials, email) may be taken: nobody holds it, or
# the pending registration holding it has expired. An active account's reservation has no expiry.
_FREE = f"attribute_not_exists({PARTITION_KEY}) OR {TTL_ATTRIBUTE} < :now"


def draft_key(draft_id: str) -> tuple[str, str]:
    return f"INSCRIPTION#{draft_id}", "INSCRIPTION"


def captcha_key(captcha_id: str) -> tuple[str, str]:
    return f"CAPTCHA#{captcha_id}", "CAPTCHA"


def credentials_key(nir: str) -> tuple[str, str]:
    return f"IDENTIFIANT#{nir}", "IDENTIFIANT"


def email_key(email_key_value: str) -> tuple[str, str]:
    return f"COURRIEL#{email_key_value}", "COURRIEL"


def activation_key(token_digest: str) -> tuple[str, str]:
    return f"ACTIVATION#{token_digest}", "ACTIVATION"


def session_key(token_digest: str) -> tuple[str, str]:
    return f"SESSION#{token_digest}", "SESSION"


def attempts_key(nir: str) -> tuple[str, str]:
    """Failed logins for a NIR, whether or not an account has it: a lockout must not tell which."""
    return f"TENTATIVES#{nir}", "TENTATIVES"


def reset_key(token_digest: str) -> tuple[str, str]:
    return f"REINITIALISATION#{token_digest}", "REINITIALISATION"


def session_pointer_key(account_id: str, token_digest: str) -> tuple[str, str]:
    """Beside each session, in the account's partition: how "end every session" finds them."""
    return f"COMPTE#{account_id}", f"SESSION#{token_digest}"


def account_key(account_id: str) -> tuple[str, str]:
    return f"COMPTE#{account_id}", "COMPTE"


def event_key(account_id: str, event_id: str) -> tuple[str, str]:
    return f"COMPTE#{account_id}", f"EVENEMENT#{event_id}"


EVENT_PREFIX = "EVENEMENT#"
DOSSIER_PREFIX = "DOSSIER#"
# Movements sort right after their account ("COMPTE" is a prefix of their sort key): one Query
# with begins_with "COMPTE" reads the account's figures and its movements together.
MOVEMENT_PREFIX = "COMPTE#MOUVEMENT#"


def dossier_key(account_id: str, dossier_id: str) -> tuple[str, str]:
    return f"COMPTE#{account_id}", f"{DOSSIER_PREFIX}{dossier_id}"


def movement_key(account_id: str, movement_id: str) -> tuple[str, str]:
    return f"COMPTE#{account_id}", f"{MOVEMENT_PREFIX}{movement_id}"


def _to_attributes(record: dict) -> dict:
    return {name: _serializer.serialize(value) for name, value in record.items() if value is not None}


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _from_attributes(item: dict | None) -> dict | None:
    if item is None:
        return None
    record = {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}
    record.pop(PARTITION_KEY, None)
    record.pop(SORT_KEY, None)
    return record


def _key(key: tuple[str, str]) -> dict:
    return {PARTITION_KEY: {"S": key[0]}, SORT_KEY: {"S": key[1]}}


def _item(key: tuple[str, str], record: dict, expires: datetime | None = None) -> dict:
    attributes = _to_attributes(record)
    attributes.update(_key(key))
    if expires is not None:
        attributes[TTL_ATTRIBUTE] = {"N": str(to_epoch(expires))}
    return attributes


def _values(**values) -> dict:
    return {f":{name}": _serializer.serialize(value) for name, value in values.items()}


class Store:
    def __init__(self, client, table_name: str):
        self._client = client
        self._table = table_name

    # Plain reads and writes ------------------------------------------------------------------

    def _get(self, key: tuple[str, str]) -> dict | None:
        response = self._client.get_item(TableName=self._table, Key=_key(key), ConsistentRead=True)
        return _from_attributes(response.get("Item"))

    def _put(self, key: tuple[str, str], record: dict, expires: datetime | None) -> None:
        self._client.put_item(TableName=self._table, Item=_item(key, record, expires))

    def _take(self, key: tuple[str, str]) -> dict | None:
        """Delete and return what was there: whoever gets the record back is the only one to have it."""
        response = self._client.delete_item(TableName=self._table, Key=_key(key), ReturnValues="ALL_OLD")
        return _from_attributes(response.get("Attributes"))

    def _transact(self, named_actions: list[tuple[str, dict]]) -> None:
        """Run actions atomically; on a failed condition raise WriteConflict naming the records."""
        try:
            self._client.transact_write_items(TransactItems=[action for _, action in named_actions])
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            failed, current = set(), {}
            for (name, _), reason in zip(named_actions, reasons):
                if reason.get("Code") == "ConditionalCheckFailed":
                    failed.add(name)
                    current[name] = _from_attributes(reason.get("Item"))
            if not failed:
                raise  # cancelled for another reason (throttling, conflict with another transaction)
            raise WriteConflict(failed, current) from None

    def _put_action(self, key, record: dict, expires: datetime | None = None, condition: str | None = None, **values) -> dict:
        put = {"TableName": self._table, "Item": _item(key, record, expires)}
        if condition:
            put["ConditionExpression"] = condition
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            if values:
                put["ExpressionAttributeValues"] = _values(**values)
        return {"Put": put}

    def _update_action(self, key, update: str, condition: str, names: dict | None = None, **values) -> dict:
        action = {
            "TableName": self._table,
            "Key": _key(key),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            action["ExpressionAttributeValues"] = _values(**values)
        if names:
            action["ExpressionAttributeNames"] = names
        return {"Update": action}

    def _check_action(self, key, condition: str, **values) -> dict:
        return {
            "ConditionCheck": {
                "TableName": self._table,
                "Key": _key(key),
                "ConditionExpression": condition,
                "ExpressionAttributeValues": _values(**values),
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _event_action(self, account_id: str, event: dict, moment: datetime, expires: datetime | None = None) -> dict:
        return self._put_action(event_key(account_id, new_event_id(moment)), event, expires)

    # Captchas ---------------------------------------------------------------------------------

    def put_captcha(self, captcha_id: str, record: dict, expires: datetime) -> None:
        self._put(captcha_key(captcha_id), record, expires)

    def get_captcha(self, captcha_id: str) -> dict | None:
        return self._get(captcha_key(captcha_id))

    def take_captcha(self, captcha_id: str) -> dict | None:
        return self._take(captcha_key(captcha_id))

    # Registration drafts ----------------------------------------------------------------------

    def put_draft(self, draft_id: str, record: dict, expires: datetime) -> None:
        # In the expiry index: a draft holds a NIR, names and an email until its hour is over.
        self._put(draft_key(draft_id), {**record, EXPIRY_SHARD_ATTRIBUTE: expiry_shard(draft_id)}, expires)

    def get_draft(self, draft_id: str) -> dict | None:
        return self._get(draft_key(draft_id))

    def delete_draft(self, draft_id: str) -> dict | None:
        return self._take(draft_key(draft_id))

    def save_identity(
        self, draft_id: str, identity: dict, email_key_value: str, captcha_id: str, captcha_answer: str, now: datetime
    ) -> None:
        """Use the captcha up if answered right and store the identity on a draft that awaits it,
        if its NIR and email are free: all or nothing.

        WriteConflict names `captcha` (wrong, spent or expired: it is then still there, for the
        caller to spend), `nir`, `courriel` and/or `inscription` (gone, expired or past this step)."""
        fields = {name: value for name, value in identity.items() if value is not None}
        cleared = [name for name, value in identity.items() if value is None]
        update = "SET etape = :next, " + ", ".join(f"#{name} = :{name}" for name in fields)
        if cleared:
            update += " REMOVE " + ", ".join(f"#{name}" for name in cleared)
        epoch = to_epoch(now)
        self._transact(
            [
                (
                    "captcha",
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": _key(captcha_key(captcha_id)),
                            "ConditionExpression": f"reponse = :answer AND {TTL_ATTRIBUTE} > :now",
                            "ExpressionAttributeValues": _values(answer=captcha_answer, now=epoch),
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                ),
                ("nir", self._check_action(credentials_key(identity["nir"]), _FREE, now=epoch)),
                ("courriel", self._check_action(email_key(email_key_value), _FREE, now=epoch)),
                (
                    "inscription",
                    self._update_action(
                        draft_key(draft_id),
                        update,
                        f"attribute_exists({PARTITION_KEY}) AND etape IN (:identite, :next) AND {TTL_ATTRIBUTE} > :now",
                        names={f"#{name}": name for name in identity},
                        next="mot_de_passe",
                        identite="identite",
                        now=epoch,
                        **fields,
                    ),
                ),
            ]
        )

    # Accounts ---------------------------------------------------------------------------------

    def create_pending_account(
        self,
        *,
        draft_id: str,
        draft_identity_fields: list[str],
        account_id: str,
        account: dict,
        credentials: dict,
        email_key_value: str,
        activation_digest: str,
        activation: dict,
        event: dict,
        now: datetime,
        expires: datetime,
    ) -> None:
        """Write a pending account with its NIR and email reservations, its activation token and its
        first history event, and strip the draft of its personal data: all or nothing.

        WriteConflict names `nir`, `courriel` and/or `inscription`.

        The account goes in the expiry index with its token's digest, so that the cleanup can
        remove all it holds once its link has expired."""
        epoch = to_epoch(now)
        account = {
            **account,
            "activation_empreinte": activation_digest,
            EXPIRY_SHARD_ATTRIBUTE: expiry_shard(account_id),
        }
        self._transact(
            [
                ("nir", self._put_action(credentials_key(account["nir"]), credentials, expires, _FREE, now=epoch)),
                (
                    "courriel",
                    self._put_action(email_key(email_key_value), {"compte_id": account_id}, expires, _FREE, now=epoch),
                ),
                (
                    "compte",
                    self._put_action(account_key(account_id), account, expires, f"attribute_not_exists({PARTITION_KEY})"),
                ),
                (
                    "activation",
                    self._put_action(
                        activation_key(activation_digest), activation, expires, f"attribute_not_exists({PARTITION_KEY})"
                    ),
                ),
                ("evenement", self._put_action(event_key(account_id, account["evenement_inscription"]), event, expires)),
                (
                    "inscription",
                    self._update_action(
                        draft_key(draft_id),
                        "SET etape = :next, compte_id = :compte REMOVE "
                        + ", ".join(f"#{name}" for name in draft_identity_fields),
                        f"attribute_exists({PARTITION_KEY}) AND etape = :expected AND {TTL_ATTRIBUTE} > :now",
                        names={f"#{name}": name for name in draft_identity_fields},
                        next="activation",
                        compte=account_id,
                        expected="mot_de_passe",
                        now=epoch,
                    ),
                ),
            ]
        )

    def get_activation(self, activation_digest: str) -> dict | None:
        return self._get(activation_key(activation_digest))

    def activate_account(
        self, *, activation_digest: str, activation: dict, event: dict, now: datetime
    ) -> None:
        """Use the activation token up and make the account and its reservations permanent.

        WriteConflict names `activation` (already used, or expired) or the account's records."""
        account_id = activation["compte_id"]
        epoch = to_epoch(now)
        same_account = "compte_id = :compte"
        self._transact(
            [
                (
                    "activation",
                    self._update_action(
                        activation_key(activation_digest),
                        "SET utilise_le = :now",
                        f"attribute_exists({PARTITION_KEY}) AND attribute_not_exists(utilise_le) AND {TTL_ATTRIBUTE} > :now",
                        now=epoch,
                    ),
                ),
                (
                    "nir",
                    self._update_action(
                        credentials_key(activation["nir"]),
                        f"SET statut = :actif REMOVE {TTL_ATTRIBUTE}",
                        same_account,
                        actif="actif",
                        compte=account_id,
                    ),
                ),
                (
                    "courriel",
                    self._update_action(
                        email_key(activation["courriel_cle"]), f"REMOVE {TTL_ATTRIBUTE}", same_account, compte=account_id
                    ),
                ),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        f"SET statut = :actif, active_le = :moment REMOVE {TTL_ATTRIBUTE}, {EXPIRY_SHARD_ATTRIBUTE}",
                        "statut = :attente",
                        actif="actif",
                        attente="en_attente",
                        moment=event["date"],
                    ),
                ),
                (
                    "evenement_inscription",
                    self._update_action(
                        event_key(account_id, activation["evenement_inscription"]),
                        f"REMOVE {TTL_ATTRIBUTE}",
                        f"attribute_exists({PARTITION_KEY})",
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def get_login_records(self, nir: str) -> tuple[dict | None, dict | None]:
        """The credentials and the failed-login record of a NIR, in one round trip."""
        found = self._get_many({"credentials": credentials_key(nir), "attempts": attempts_key(nir)})
        return found["credentials"], found["attempts"]

    def get_reservations(self, nir: str, email_key_value: str) -> tuple[dict | None, dict | None]:
        """What holds a NIR and what holds an email, in one round trip."""
        found = self._get_many({"nir": credentials_key(nir), "courriel": email_key(email_key_value)})
        return found["nir"], found["courriel"]

    def _get_many(self, keys: dict[str, tuple[str, str]]) -> dict[str, dict | None]:
        wanted = {name: _key(key) for name, key in keys.items()}
        found = dict.fromkeys(keys)
        request = {self._table: {"Keys": list(wanted.values()), "ConsistentRead": True}}
        for attempt in range(8):
            response = self._client.batch_get_item(RequestItems=request)
            for item in response["Responses"].get(self._table, []):
                name = next(n for n, k in wanted.items() if k == {PARTITION_KEY: item[PARTITION_KEY], SORT_KEY: item[SORT_KEY]})
                found[name] = _from_attributes(item)
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return found
            time.sleep(min(2.0, 0.05 * 2**attempt))  # throttled: back off, as AWS advises
        raise RuntimeError("BatchGetItem left keys unprocessed after 8 attempts")

    def record_failed_login(
        self, nir: str, *, fresh: bool, expires: datetime, account_id: str | None, event: dict, now: datetime
    ) -> None:
        """Count one more failure with one atomic update (from one when the earlier ones have lapsed),
        and for an account its history event. A known and an unknown NIR cost one request alike."""
        update = (
            f"SET echecs = :one, {TTL_ATTRIBUTE} = :ttl REMOVE verrouille_jusqu_au"
            if fresh
            else f"ADD echecs :one SET {TTL_ATTRIBUTE} = :ttl"
        )
        count = {
            "Update": {
                "TableName": self._table,
                "Key": _key(attempts_key(nir)),
                "UpdateExpression": update,
                "ExpressionAttributeValues": _values(one=1, ttl=to_epoch(expires)),
            }
        }
        actions = [("tentatives", count)]
        if account_id is not None:
            actions.append(("evenement", self._event_action(account_id, event, now)))
        self._transact(actions)

    def lock_logins(self, nir: str, until: datetime) -> None:
        """Refuse every login for this NIR until `until`; the count starts again afterwards."""
        self._client.put_item(
            TableName=self._table,
            Item=_item(attempts_key(nir), {"echecs": 0, "verrouille_jusqu_au": to_epoch(until)}, until),
        )

    # Recovery: a new activation link, a password reset -----------------------------------------

    def _sent_log_update(self, old_log: list[int], new_log: list[int]) -> tuple[str, dict]:
        """The email log changes only if nobody else sent meanwhile (the limit stays exact under races)."""
        condition = "(attribute_not_exists(envois_courriel) OR envois_courriel = :ancien_journal)"
        return condition, {"ancien_journal": old_log, "journal": new_log}

    def replace_activation_token(
        self, *, account_id: str, old_digest: str, new_digest: str, activation: dict,
        expires: datetime, old_log: list[int], new_log: list[int], now: datetime,
    ) -> None:
        """A new link for a pending account still within its time; the old one stops working."""
        log_condition, log_values = self._sent_log_update(old_log, new_log)
        self._transact(
            [
                ("ancienne", self._delete_action(activation_key(old_digest))),
                ("activation", self._put_action(activation_key(new_digest), activation, expires, f"attribute_not_exists({PARTITION_KEY})")),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        "SET activation_empreinte = :nouvelle, envois_courriel = :journal",
                        f"statut = :attente AND {TTL_ATTRIBUTE} > :now AND activation_empreinte = :ancienne AND {log_condition}",
                        nouvelle=new_digest, ancienne=old_digest, attente="en_attente", now=to_epoch(now), **log_values,
                    ),
                ),
            ]
        )

    def issue_reset_token(
        self, *, account_id: str, old_digest: str | None, new_digest: str, reset: dict,
        expires: datetime, old_log: list[int], new_log: list[int],
    ) -> None:
        """A password reset link for an active account; an older one stops working."""
        log_condition, log_values = self._sent_log_update(old_log, new_log)
        actions = []
        if old_digest:
            actions.append(("ancienne", self._delete_action(reset_key(old_digest))))
        same_previous = "reinitialisation_empreinte = :ancienne" if old_digest else "attribute_not_exists(reinitialisation_empreinte)"
        values = {"ancienne": old_digest} if old_digest else {}
        actions += [
            ("reinitialisation", self._put_action(reset_key(new_digest), reset, expires, f"attribute_not_exists({PARTITION_KEY})")),
            (
                "compte",
                self._update_action(
                    account_key(account_id),
                    "SET reinitialisation_empreinte = :nouvelle, envois_courriel = :journal",
                    f"statut = :actif AND {same_previous} AND {log_condition}",
                    nouvelle=new_digest, actif="actif", **values, **log_values,
                ),
            ),
        ]
        self._transact(actions)

    def get_reset(self, reset_digest: str) -> dict | None:
        return self._get(reset_key(reset_digest))

    def reset_password(self, *, reset_digest: str, reset: dict, password_hash: str, event: dict, now: datetime) -> None:
        """Use the reset link up, set the new password, clear a lockout: all or nothing.

        WriteConflict names `reinitialisation` (used or expired meanwhile) or `compte` (a newer link
        was asked for)."""
        account_id, nir = reset["compte_id"], reset["nir"]
        epoch = to_epoch(now)
        self._transact(
            [
                ("reinitialisation", self._delete_action(reset_key(reset_digest), f"attribute_exists({PARTITION_KEY}) AND {TTL_ATTRIBUTE} > :now", now=epoch)),
                ("identifiants", self._update_action(credentials_key(nir), "SET mot_de_passe = :hash", "compte_id = :compte", hash=password_hash, compte=account_id)),
                ("tentatives", self._delete_action(attempts_key(nir))),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id), "REMOVE reinitialisation_empreinte", "reinitialisation_empreinte = :empreinte",
                        empreinte=reset_digest,
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def get_account(self, account_id: str) -> dict | None:
        return self._get(account_key(account_id))

    # Sessions ---------------------------------------------------------------------------------

    def open_session(
        self, session_digest: str, session: dict, expires: datetime, event: dict, now: datetime, nir: str
    ) -> None:
        """The session, its pointer in the account's partition and the login event; the failed-login
        count of the NIR starts again from zero."""
        account_id = session["compte_id"]
        self._transact(
            [
                ("session", self._put_action(session_key(session_digest), session, expires, f"attribute_not_exists({PARTITION_KEY})")),
                ("pointeur", self._put_action(session_pointer_key(account_id, session_digest), {}, expires)),
                ("evenement", self._event_action(account_id, event, now)),
                ("tentatives", self._delete_action(attempts_key(nir))),
            ]
        )

    def touch_session(self, session_digest: str, now: datetime, idle_until: datetime) -> dict | None:
        """Extend a live session's idle deadline and return it; None when it is unknown or over."""
        epoch = to_epoch(now)
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=_key(session_key(session_digest)),
                UpdateExpression="SET inactive_apres = :idle",
                ConditionExpression=f"attribute_exists({PARTITION_KEY}) AND inactive_apres > :now AND {TTL_ATTRIBUTE} > :now",
                ExpressionAttributeValues=_values(now=epoch, idle=to_epoch(idle_until)),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return _from_attributes(response["Attributes"])

    def close_session(self, session_digest: str, account_id: str, event: dict, now: datetime) -> None:
        self._transact(
            [
                ("session", self._delete_action(session_key(session_digest))),
                ("pointeur", self._delete_action(session_pointer_key(account_id, session_digest))),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def end_sessions(self, account_id: str, keep_digest: str | None = None) -> int:
        """End every session of an account but `keep_digest`'s. Returns how many were ended."""
        digests = [
            key[SORT_KEY]["S"].removeprefix("SESSION#")
            for key in self._query(account_key(account_id)[0], "SESSION#", keys_only=True)
        ]
        ended = [digest for digest in digests if digest != keep_digest]
        self._delete_keys([_key(session_key(d)) for d in ended] + [_key(session_pointer_key(account_id, d)) for d in ended])
        return len(ended)

    # Holder space -----------------------------------------------------------------------------
    # Each method is one request. The account item carries the figures (`heures_dif`, `heures_cpf`,
    # `heures_reservees`, `heures_debitees`, `heures_libres`, `dossiers_en_cours`, `dossiers_clos`,
    # `dif_verrouille`), changed in the same transaction as the dossier and the history event.

    def get_account_and_movements(self, account_id: str) -> tuple[dict | None, list[dict]]:
        """The account and its movements, oldest first, in one Query."""
        account, movements = None, []
        for item in self._query(account_key(account_id)[0], "COMPTE"):
            if item[SORT_KEY]["S"] == "COMPTE":
                account = _from_attributes(item)
            elif item[SORT_KEY]["S"].startswith(MOVEMENT_PREFIX):
                movements.append(_from_attributes(item))
        return account, movements

    def set_dif(self, account_id: str, hours: int, event: dict, now: datetime) -> None:
        """While no dossier is validated nothing is reserved nor debited: the free hours are CPF + DIF.

        WriteConflict names `compte` (the DIF is locked)."""
        self._transact(
            [
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        "SET heures_dif = :dif, heures_libres = if_not_exists(heures_cpf, :zero) + :dif",
                        f"attribute_exists({PARTITION_KEY}) AND (attribute_not_exists(dif_verrouille) OR dif_verrouille = :faux)",
                        dif=hours,
                        zero=0,
                        faux=False,
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def create_dossier(self, account_id: str, dossier_id: str, dossier: dict, event: dict, now: datetime) -> None:
        """WriteConflict names `compte` (the DIF is not entered yet)."""
        self._transact(
            [
                (
                    "dossier",
                    self._put_action(dossier_key(account_id, dossier_id), dossier, condition=f"attribute_not_exists({PARTITION_KEY})"),
                ),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        "SET dossiers_en_cours = if_not_exists(dossiers_en_cours, :zero) + :un",
                        "attribute_exists(heures_dif)",
                        zero=0,
                        un=1,
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def get_dossier(self, account_id: str, dossier_id: str) -> dict | None:
        return self._get(dossier_key(account_id, dossier_id))

    def list_dossiers(self, account_id: str, statuses: tuple[str, ...] | None = None) -> list[dict]:
        """The account's dossiers (only those in `statuses` when given), in the order of their keys."""
        names = {f":s{n}": status for n, status in enumerate(statuses or ())}
        items = self._query(
            account_key(account_id)[0],
            DOSSIER_PREFIX,
            filter_expression=f"statut IN ({', '.join(names)})" if statuses else None,
            filter_values={name[1:]: value for name, value in names.items()},
        )
        return [{**_from_attributes(item), "id": item[SORT_KEY]["S"].removeprefix(DOSSIER_PREFIX)} for item in items]

    def validate_dossier(self, account_id: str, dossier_id: str, hours: int, moment: str, event: dict, now: datetime) -> None:
        """Reserve the dossier's hours and lock the DIF, if the dossier is a draft and enough hours are free.

        WriteConflict names `dossier` (not a draft any more) and/or `compte` (not enough free hours)."""
        self._transact(
            [
                (
                    "dossier",
                    self._update_action(
                        dossier_key(account_id, dossier_id),
                        "SET statut = :valide, valide_le = :moment",
                        "statut = :brouillon",
                        valide="valide",
                        brouillon="en_cours_elaboration",
                        moment=moment,
                    ),
                ),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        "SET heures_libres = heures_libres - :h, "
                        "heures_reservees = if_not_exists(heures_reservees, :zero) + :h, dif_verrouille = :vrai",
                        "heures_libres >= :h",
                        h=hours,
                        zero=0,
                        vrai=True,
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def close_dossier(
        self, account_id: str, dossier_id: str, hours: int, moment: str, movement: dict, event: dict, now: datetime
    ) -> None:
        """Turn the dossier's reserved hours into debited ones and record the movement.

        WriteConflict names `dossier` (not a validated one)."""
        self._transact(
            [
                (
                    "dossier",
                    self._update_action(
                        dossier_key(account_id, dossier_id),
                        "SET statut = :clos, clos_le = :moment",
                        "statut = :valide",
                        clos="clos",
                        valide="valide",
                        moment=moment,
                    ),
                ),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        "SET heures_reservees = heures_reservees - :h, "
                        "heures_debitees = if_not_exists(heures_debitees, :zero) + :h, "
                        "dossiers_en_cours = dossiers_en_cours - :un, "
                        "dossiers_clos = if_not_exists(dossiers_clos, :zero) + :un",
                        f"attribute_exists({PARTITION_KEY})",
                        h=hours,
                        zero=0,
                        un=1,
                    ),
                ),
                ("mouvement", self._put_action(movement_key(account_id, new_event_id(now)), movement)),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def update_account_fields(self, account_id: str, changes: dict, event: dict, now: datetime) -> None:
        """Set the fields of `changes`, remove those whose value is None, and record the event."""
        kept = {name: value for name, value in changes.items() if value is not None}
        removed = [name for name, value in changes.items() if value is None]
        update = ""
        if kept:
            update += "SET " + ", ".join(f"#{name} = :{name}" for name in kept)
        if removed:
            update += " REMOVE " + ", ".join(f"#{name}" for name in removed)
        self._transact(
            [
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        update.strip(),
                        f"attribute_exists({PARTITION_KEY})",
                        names={f"#{name}": name for name in changes},
                        **kept,
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def change_password(
        self, nir: str, account_id: str, old_hash: str, new_hash: str, event: dict, now: datetime
    ) -> None:
        """Replace the password hash, unless it changed meanwhile. WriteConflict names `identifiant`."""
        self._transact(
            [
                (
                    "identifiant",
                    self._update_action(
                        credentials_key(nir),
                        "SET mot_de_passe = :new",
                        "compte_id = :compte AND mot_de_passe = :old",
                        new=new_hash,
                        compte=account_id,
                        old=old_hash,
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def history_page(self, account_id: str, after: str | None, limit: int) -> tuple[list[dict], str | None]:
        """Up to `limit` events, newest first, from after the sort key `after`; and the sort key to go
        on from, or None when nothing is left (one more is read to know it)."""
        arguments = {
            "TableName": self._table,
            "KeyConditionExpression": f"{PARTITION_KEY} = :pk AND begins_with({SORT_KEY}, :prefix)",
            "ExpressionAttributeValues": _values(pk=account_key(account_id)[0], prefix=EVENT_PREFIX),
            "ScanIndexForward": False,
            "Limit": limit + 1,
            "ConsistentRead": True,
        }
        if after:
            arguments["ExclusiveStartKey"] = _key((account_key(account_id)[0], after))
        items = self._client.query(**arguments).get("Items", [])
        page = items[:limit]
        following = page[-1][SORT_KEY]["S"] if len(items) > limit else None
        return [_from_attributes(item) for item in page], following

    def _query(
        self,
        partition: str,
        prefix: str,
        filter_expression: str | None = None,
        filter_values: dict | None = None,
        keys_only: bool = False,
    ) -> list[dict]:
        """Every item of a partition whose sort key starts with `prefix`, raw, every page (only
        their keys with `keys_only`)."""
        items, start_key = [], None
        while True:
            arguments = {
                "TableName": self._table,
                "KeyConditionExpression": f"{PARTITION_KEY} = :pk AND begins_with({SORT_KEY}, :prefix)",
                "ExpressionAttributeValues": _values(pk=partition, prefix=prefix, **(filter_values or {})),
                "ConsistentRead": True,
            }
            if filter_expression:
                arguments["FilterExpression"] = filter_expression
            if keys_only:
                arguments["ProjectionExpression"] = f"{PARTITION_KEY}, {SORT_KEY}"
            if start_key:
                arguments["ExclusiveStartKey"] = start_key
            response = self._client.query(**arguments)
            items += response.get("Items", [])
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return items

    # Cleanup of expired registrations ---------------------------------------------------------

    def expired_registrations(self, shard: str, now: datetime, start_key: dict | None = None, limit: int = 100):
        """One page of the drafts and pending accounts of `shard` that expired before `now`, from the
        sparse expiry index (it holds nothing else, so only what has expired is read).

        Returns (records, next_key, items_read); each record has `genre` ("compte" or
        "inscription"), `id`, and for an account `nir`, `courriel`, `activation_empreinte`."""
        arguments = {
            "TableName": self._table,
            "IndexName": EXPIRY_INDEX,
            "KeyConditionExpression": "#lot = :lot AND #expire < :now",
            "ExpressionAttributeNames": {"#lot": EXPIRY_SHARD_ATTRIBUTE, "#expire": TTL_ATTRIBUTE},
            "ExpressionAttributeValues": _values(lot=shard, now=to_epoch(now)),
            "Limit": limit,
        }
        if start_key:
            arguments["ExclusiveStartKey"] = start_key
        response = self._client.query(**arguments)
        records = [_expired_record(item) for item in response.get("Items", [])]
        return [r for r in records if r], response.get("LastEvaluatedKey"), response.get("ScannedCount", 0)

    def delete_expired_account(
        self, *, account_id: str, nir: str | None, email_key_value: str | None, activation_digest: str | None, now: datetime
    ) -> bool:
        """Delete a pending account whose link has expired, with its NIR and email reservations and its
        activation token: all together, or nothing when the account is no longer an expired pending
        one (activated meanwhile, or already removed by another run). A reservation that another
        registration took over after the expiry is left to it. Returns whether the account was deleted."""
        same_account = f"attribute_not_exists({PARTITION_KEY}) OR compte_id = :compte"
        actions = [
            (
                "compte",
                self._delete_action(
                    account_key(account_id), f"statut = :attente AND {TTL_ATTRIBUTE} < :now",
                    attente="en_attente", now=to_epoch(now),
                ),
            )
        ]
        if nir:
            actions.append(("nir", self._delete_action(credentials_key(nir), same_account, compte=account_id)))
        if email_key_value:
            actions.append(("courriel", self._delete_action(email_key(email_key_value), same_account, compte=account_id)))
        if activation_digest:
            actions.append(
                ("activation", self._delete_action(activation_key(activation_digest), same_account, compte=account_id))
            )
        while True:
            try:
                self._transact(actions)
                return True
            except WriteConflict as conflict:
                if "compte" in conflict.failed:
                    return False
                # Someone else's now: leave it, delete the rest.
                actions = [(name, action) for name, action in actions if name not in conflict.failed]
            except ClientError:
                return False  # racing another transaction on these items (another run): the next run decides

    def delete_account_events(self, account_id: str) -> tuple[int, int]:
        """Delete the history of an account (after the account itself). Returns (deleted, items_read)."""
        keys = self._query(account_key(account_id)[0], "EVENEMENT#", keys_only=True)
        self._delete_keys(keys)
        return len(keys), len(keys)

    def delete_expired_draft(self, draft_id: str, now: datetime) -> bool:
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=_key(draft_key(draft_id)),
                ConditionExpression=f"{TTL_ATTRIBUTE} < :now",
                ExpressionAttributeValues=_values(now=to_epoch(now)),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False  # already gone (another run, "Annuler")
            raise
        return True

    def _delete_action(self, key, condition: str | None = None, **values) -> dict:
        delete = {"TableName": self._table, "Key": _key(key)}
        if condition:
            delete["ConditionExpression"] = condition
            delete["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            if values:
                delete["ExpressionAttributeValues"] = _values(**values)
        return {"Delete": delete}

    def _delete_keys(self, keys: list[dict]) -> None:
        for start in range(0, len(keys), 25):  # BatchWriteItem's limit
            self._batch_delete(keys[start : start + 25])

    def _batch_delete(self, keys: list[dict]) -> None:
        requests = {self._table: [{"DeleteRequest": {"Key": key}} for key in keys]}
        for attempt in range(8):
            response = self._client.batch_write_item(RequestItems=requests)
            requests = response.get("UnprocessedItems") or {}
            if not requests:
                return
            time.sleep(min(2.0, 0.05 * 2**attempt))  # throttled: back off, as AWS advises
        raise RuntimeError("BatchWriteItem left items unprocessed after 8 attempts")


def _expired_record(item: dict) -> dict | None:
    kind, _, item_id = item[PARTITION_KEY]["S"].partition("#")
    if kind == "INSCRIPTION":
        return {"genre": "inscription", "id": item_id}
    if kind == "COMPTE":
        values = {name: _deserializer.deserialize(item[name]) for name in EXPIRY_INDEX_PROJECTION if name in item}
        return {"genre": "compte", "id": item_id, **values}
    return None
