"""A NIR's rights, in its own partition `DROITS#<rights id>`, whether or not an online account exists
(the NIR's own item `NIR#<nir>` names the random rights id: written by the first crediting or the first
login of the NIR, never changed; session tokens and delegations name the rights by that id, never by
the NIR):

- the rights record (`DROITS`): every hour figure of the person: `heures_cpf` (CPF credited),
  `heures_dif` (once entered) and `dif_verrouille`, `heures_reservees` (validated dossiers),
  `heures_debitees` (closed ones), `heures_libres` (kept precomputed: a condition cannot add), and
  `version`, which every write increases;
- the movements (`DROITS#MOUVEMENT#<time>#<random>`), credits and debits alike, right after it, so
  that one Query reads the figures and the movements of "Mon compte d'heures";
- a record per year credited (`ANNEE#<year>`): its base b, the hours it has credited so far, each
  employer's declaration by SIRET and where it came from, and its own `version`.

The holder's routes change the rights record in their dossier transactions (store/holder.py);
crediting writes it here, on condition that the versions it read are still there.
"""

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from ..domain.errors import Part, WriteConflict
from ..domain.records.crediting import Credit, KnownRights
from ..domain.records.hours import Movement, Rights
from .base import Action, NamedActions, TableAccess, absent, exists
from .crediting_items import year_attributes, year_from
from .hours_items import (
    movement_attributes,
    movement_from,
    rights_from,
    rights_id_attributes,
    rights_id_from,
)
from .keys import (
    RIGHTS_MOVEMENT_PREFIX,
    RIGHTS_SORT_KEY,
    Item,
    Key,
    expression_values,
    from_attributes,
    item,
    rights_id_key,
    rights_key,
    rights_movement_key,
    rights_partition,
    rights_year_key,
    sort_key_of,
    time_ordered_id,
)

BATCH_GET_LIMIT = 100  # keys per BatchGetItem
# What a refused credit reads back: the records as they now are.
READ_BACK = {Part.RIGHTS: rights_from, Part.YEAR: year_from, Part.RIGHTS_ID: rights_id_from}


def version_condition(version: int | None) -> tuple[str, dict[str, Any]]:
    """The record is as it was read: absent (None), or at this version."""
    if version is None:
        return absent(), {}
    if version == 0:  # a record written before versions existed
        return f"{exists()} AND attribute_not_exists(version)", {}
    return "version = :version", {"version": version}


class RightsRecords(TableAccess):
    # "Mon compte d'heures" ----------------------------------------------------------------------

    def get_rights_and_movements(self, rights_id: str) -> tuple[Rights | None, list[Movement]]:
        """The rights record and the movements, oldest first, in one Query."""
        rights, movements = None, []
        for found in self._query(rights_partition(rights_id), RIGHTS_SORT_KEY):
            if sort_key_of(found) == RIGHTS_SORT_KEY:
                rights = rights_from(from_attributes(found))
            elif sort_key_of(found).startswith(RIGHTS_MOVEMENT_PREFIX):
                movements.append(movement_from(from_attributes(found) or {}))
        return rights, movements

    # Crediting ----------------------------------------------------------------------------------

    def read_rights(self, years: Iterable[tuple[str, int]]) -> KnownRights:
        """Each NIR's rights id, then, under the ids found, the rights record of each NIR and the
        record of each (NIR, year): one BatchGetItem per 100 keys each (a NIR without a rights id has
        no records yet: None, as for absent records)."""
        years = set(years)
        rights_ids = {
            nir: rights_id_from(record)
            for nir, record in self._get_all({nir: rights_id_key(nir) for nir, _ in years}).items()
        }
        known = {nir: rights_id for nir, rights_id in rights_ids.items() if rights_id is not None}
        wanted: dict[tuple[str, str, int], Key] = {("droits", nir, 0): rights_key(known[nir]) for nir in known}
        wanted.update({("annee", nir, year): rights_year_key(known[nir], year) for nir, year in years if nir in known})
        found = self._get_all(wanted)
        by_nir = {nir: rights_from(found.get(("droits", nir, 0))) for nir in rights_ids}
        by_year = {(nir, year): year_from(found.get(("annee", nir, year))) for nir, year in years}
        return KnownRights(rights_ids, by_nir, by_year)

    def _get_all[N](self, keys: dict[N, Key]) -> dict[N, Item | None]:
        """Any number of records by name, BATCH_GET_LIMIT a BatchGetItem."""
        names, found = list(keys), {}
        for start in range(0, len(names), BATCH_GET_LIMIT):
            found.update(self._get_many({name: keys[name] for name in names[start : start + BATCH_GET_LIMIT]}))
        return found

    def credit_declaration(self, credit: Credit) -> None:
        """Write a year's record and, when hours move, the rights and the movement: one
        TransactWriteItems (one PutItem when only the year's record changes), each record on
        condition that it is still at the version read. When another write came first, WriteConflict
        names `annee` and/or `droits` and holds them as they now are (None: absent), or `droits_id`
        (another chunk or a login gave the NIR its rights id first) and holds that id, or names
        `transaction` when DynamoDB cancelled this one for another in flight on the same items."""
        year_key = rights_year_key(credit.rights_id, credit.year.year)
        year_condition, year_values = version_condition(credit.year_version)
        year_record = year_attributes(credit.year)
        year_action = self._put_action(year_key, year_record, None, year_condition, **year_values)
        actions: NamedActions = [(Part.YEAR, year_action)]
        rights = self._rights_action(credit)
        if rights is not None:
            actions.append((Part.RIGHTS, rights))
        if credit.movement is not None:
            movement_key = rights_movement_key(credit.rights_id, time_ordered_id(credit.now))
            actions.append((Part.MOVEMENT, self._put_action(movement_key, movement_attributes(credit.movement))))
        if credit.new_rights_id_of is not None:
            key, named = rights_id_key(credit.new_rights_id_of), rights_id_attributes(credit.rights_id)
            actions.append((Part.RIGHTS_ID, self._put_action(key, named, None, absent())))
        if len(actions) == 1:
            self._put_if(year_key, year_record, year_condition, **year_values)
            return
        try:
            self._transact(actions, READ_BACK)
        except ClientError as error:
            if _cancelled_by_another_transaction(error):
                raise WriteConflict({Part.TRANSACTION}) from None
            raise

    def _rights_action(self, credit: Credit) -> Action | None:
        condition, values = version_condition(credit.rights.version)
        if credit.rights.delta:
            return self._update_action(
                rights_key(credit.rights_id),
                "SET heures_cpf = if_not_exists(heures_cpf, :zero) + :delta, "
                "heures_libres = if_not_exists(heures_libres, :zero) + :delta, "
                "version = if_not_exists(version, :zero) + :one",
                condition,
                delta=credit.rights.delta,
                zero=0,
                one=1,
                **values,
            )
        if credit.rights.checked:
            return self._check_action(rights_key(credit.rights_id), condition, **values)
        return None

    def _put_if(self, key: Key, record: Item, condition: str, **values: Any) -> None:
        arguments: dict[str, Any] = {
            "TableName": self._table,
            "Item": item(key, record),
            "ConditionExpression": condition,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            arguments["ExpressionAttributeValues"] = expression_values(**values)
        try:
            self._client.put_item(**arguments)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                found = year_from(from_attributes(error.response.get("Item")))
                raise WriteConflict({Part.YEAR}, {Part.YEAR: found}) from None
            raise


def _cancelled_by_another_transaction(error: ClientError) -> bool:
    """DynamoDB cancels a transaction that meets another one on the same item: try again."""
    if error.response["Error"]["Code"] != "TransactionCanceledException":
        return False
    reasons = error.response.get("CancellationReasons") or []
    return any(reason.get("Code") == "TransactionConflict" for reason in reasons)
