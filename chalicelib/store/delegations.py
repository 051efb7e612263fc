"""Delegations ("Mes délégations"): a holder lets another account holder read, or also prepare, their account.

A delegation is written as three records, always changed together in one transaction:

  DELEGATION#<id> / DELEGATION               the delegation, what every delegate call reads and checks
  COMPTE#<holder> / COMPTE#DELEGATION#<id>   the holder's copy: "Mes délégations" is one Query
  INVITATION#<digest> / INVITATION           the invitation link, until it is used (or expires)

and, once accepted, a pointer in the delegate's partition (`DELEGUE#<id>`) for "comptes délégués",
deleted by the revocation. Expiry (the invitation's, the end date's) is checked in code on every read;
TTL only tidies up.
"""

from datetime import datetime

from ..clock import to_epoch
from ..domain.states import AccountStatus, DelegationStatus
from .base import absent, exists
from .history import HistoryRecords
from .keys import (
    ACCOUNT_SORT_KEY,
    DELEGATED_ACCOUNT_PREFIX,
    HOLDER_DELEGATION_PREFIX,
    HOLDER_DELEGATIONS_END,
    PARTITION_KEY,
    SORT_KEY,
    TTL_ATTRIBUTE,
    account_key,
    account_partition,
    delegated_account_key,
    delegation_key,
    expression_values,
    from_attributes,
    holder_delegation_key,
    invitation_key,
    session_key,
    sort_key_of,
)
from .tokens import _sent_log_update


class DelegationRecords(HistoryRecords):
    # The holder's side --------------------------------------------------------------------------------

    def get_account_and_delegations(self, account_id: str) -> tuple[dict | None, list[dict]]:
        """The account and the delegations it granted (each with its `id`), in one Query (every page)."""
        account, delegations, start_key = None, [], None
        while True:
            arguments = {
                "TableName": self._table,
                "KeyConditionExpression": f"{PARTITION_KEY} = :pk AND {SORT_KEY} BETWEEN :first AND :last",
                "ExpressionAttributeValues": expression_values(
                    pk=account_partition(account_id), first=ACCOUNT_SORT_KEY, last=HOLDER_DELEGATIONS_END
                ),
                "ConsistentRead": True,
            }
            if start_key:
                arguments["ExclusiveStartKey"] = start_key
            response = self._client.query(**arguments)
            for found in response.get("Items", []):
                sort_key = sort_key_of(found)
                if sort_key == ACCOUNT_SORT_KEY:
                    account = from_attributes(found)
                elif sort_key.startswith(HOLDER_DELEGATION_PREFIX):
                    delegations.append(
                        {**from_attributes(found), "id": sort_key.removeprefix(HOLDER_DELEGATION_PREFIX)}
                    )
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return account, delegations

    def grant_delegation(
        self,
        *,
        holder_id: str,
        delegation_id: str,
        delegation: dict,
        invitation_digest: str,
        invitation: dict,
        invitation_expires: datetime,
        kept_until: datetime,
        old_log: list[int],
        new_log: list[int],
        event: dict,
        now: datetime,
    ) -> None:
        """The delegation, the holder's copy (kept until `kept_until` for "Mes délégations"), the
        invitation link, the invitation email in the holder's log and the event: all or nothing.

        The log changes only if no other email was sent meanwhile: two grants at once cannot both
        pass the count of delegations or the duplicate check they read. WriteConflict names `compte`."""
        log_condition, log_values = _sent_log_update(old_log, new_log)
        self._transact(
            [
                (
                    "delegation",
                    self._put_action(delegation_key(delegation_id), delegation, invitation_expires, absent()),
                ),
                (
                    "copie",
                    self._put_action(holder_delegation_key(holder_id, delegation_id), delegation, kept_until, absent()),
                ),
                (
                    "invitation",
                    self._put_action(invitation_key(invitation_digest), invitation, invitation_expires, absent()),
                ),
                (
                    "compte",
                    self._update_action(
                        account_key(holder_id),
                        "SET envois_courriel = :journal",
                        f"statut = :actif AND {log_condition}",
                        actif=AccountStatus.ACTIVE,
                        **log_values,
                    ),
                ),
                ("evenement", self._event_action(holder_id, event, now)),
            ]
        )

    def get_holder_delegation(self, holder_id: str, delegation_id: str) -> dict | None:
        """A delegation as its holder's copy has it: another holder's is simply not there."""
        return self._get(holder_delegation_key(holder_id, delegation_id))

    def revoke_delegation(
        self,
        *,
        delegation_id: str,
        holder_id: str,
        status_seen: str,
        delegate_id: str | None,
        invitation_digest: str | None,
        moment: str,
        event: dict,
        now: datetime,
    ) -> None:
        """Revoke a delegation still as it was read (`status_seen`): the delegate's pointer goes, a
        pending invitation is marked revoked (its code then answers "expired"), and the event.

        WriteConflict names `delegation` (it changed meanwhile: accepted, or revoked already)."""
        same = "titulaire_id = :titulaire AND statut = :vu"
        values = {"revoquee": DelegationStatus.REVOKED, "moment": moment, "titulaire": holder_id, "vu": status_seen}
        actions = [
            (
                "delegation",
                self._update_action(
                    delegation_key(delegation_id), "SET statut = :revoquee, revoquee_le = :moment", same, **values
                ),
            ),
            (
                "copie",
                self._update_action(
                    holder_delegation_key(holder_id, delegation_id),
                    "SET statut = :revoquee, revoquee_le = :moment",
                    same,
                    **values,
                ),
            ),
            ("evenement", self._event_action(holder_id, event, now)),
        ]
        if delegate_id is not None:
            actions.append(("pointeur", self._delete_action(delegated_account_key(delegate_id, delegation_id))))
        if invitation_digest is not None:
            actions.append(
                (
                    "invitation",
                    self._update_action(invitation_key(invitation_digest), "SET revoquee = :vrai", exists(), vrai=True),
                )
            )
        self._transact(actions)

    # The delegate's side ------------------------------------------------------------------------------

    def get_delegation(self, delegation_id: str) -> dict | None:
        return self._get(delegation_key(delegation_id))

    def get_session_and_delegation(
        self, session_digest: str, delegation_id: str | None
    ) -> tuple[dict | None, dict | None]:
        """A session and a delegation, in one BatchGetItem (the session alone, one GetItem, for a
        delegation id that cannot be one)."""
        if delegation_id is None:
            return self._get(session_key(session_digest)), None
        found = self._get_many({"session": session_key(session_digest), "delegation": delegation_key(delegation_id)})
        return found["session"], found["delegation"]

    def get_invitation_and_account(self, invitation_digest: str, account_id: str) -> tuple[dict | None, dict | None]:
        """An invitation and the account that would accept it, in one round trip."""
        found = self._get_many({"invitation": invitation_key(invitation_digest), "compte": account_key(account_id)})
        return found["invitation"], found["compte"]

    def accept_delegation(
        self,
        *,
        invitation_digest: str,
        delegation_id: str,
        holder_id: str,
        delegate_id: str,
        delegate: dict,
        moment: str,
        ends: datetime,
        kept_until: datetime,
        pointer: dict,
        holder_event: dict,
        delegate_event: dict,
        now: datetime,
    ) -> None:
        """Use the invitation up and make the delegation active until `ends`, with the delegate's
        pointer and both histories' events: all or nothing.

        WriteConflict names `invitation` (used, revoked or expired meanwhile) or `delegation`."""
        epoch = to_epoch(now)
        accepted = {
            "actif": DelegationStatus.ACTIVE,
            "attente": DelegationStatus.PENDING,
            "delegataire_id": delegate_id,
            "delegataire": delegate,
            "moment": moment,
            "titulaire": holder_id,
        }
        update = (
            f"SET statut = :actif, delegataire_id = :delegataire_id, delegataire = :delegataire, "
            f"acceptee_le = :moment, {TTL_ATTRIBUTE} = :fin"
        )
        condition = "titulaire_id = :titulaire AND statut = :attente"
        self._transact(
            [
                (
                    "invitation",
                    self._delete_action(
                        invitation_key(invitation_digest),
                        f"{exists()} AND attribute_not_exists(revoquee) AND {TTL_ATTRIBUTE} > :now",
                        now=epoch,
                    ),
                ),
                (
                    "delegation",
                    self._update_action(
                        delegation_key(delegation_id), update, condition, fin=to_epoch(ends), **accepted
                    ),
                ),
                (
                    "copie",
                    self._update_action(
                        holder_delegation_key(holder_id, delegation_id),
                        update,
                        condition,
                        fin=to_epoch(kept_until),
                        **accepted,
                    ),
                ),
                (
                    "pointeur",
                    self._put_action(delegated_account_key(delegate_id, delegation_id), pointer, ends, absent()),
                ),
                ("evenement_titulaire", self._event_action(holder_id, holder_event, now)),
                ("evenement_delegataire", self._event_action(delegate_id, delegate_event, now)),
            ]
        )

    def list_delegated_accounts(self, delegate_id: str) -> list[dict]:
        """The pointers to the delegations a delegate accepted and that were not revoked (each with
        its `delegation_id`), in one Query (every page)."""
        found = self._query(account_partition(delegate_id), DELEGATED_ACCOUNT_PREFIX)
        return [
            {**from_attributes(item), "delegation_id": sort_key_of(item).removeprefix(DELEGATED_ACCOUNT_PREFIX)}
            for item in found
        ]
