"""Delegations ("Mes délégations"): a holder lets another account holder read, or also prepare, their account.

A delegation is written as three records, always changed together in one transaction:

  DELEGATION#<id> / DELEGATION               the delegation, what every delegate call reads and checks
  COMPTE#<holder> / COMPTE#DELEGATION#<id>   the holder's copy: "Mes délégations" is one Query
  INVITATION#<digest> / INVITATION           the invitation link, until it is used (or expires)

and, once accepted, a pointer in the delegate's partition (`DELEGUE#<id>`) for "comptes délégués",
deleted by the revocation. Expiry (the invitation's, the end date's) is checked in code on every read;
TTL only tidies up.
"""

from typing import Any

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.accounts import Account
from ..domain.records.delegations import Acceptance, DelegatedAccount, Delegation, Grant, Invitation, Revocation
from ..domain.states import AccountStatus, DelegationStatus
from .account_items import account_from
from .actions import event_action, revocation_actions, sent_log_update
from .base import Action, TableAccess, absent, exists
from .delegation_items import (
    delegation_attributes,
    delegation_from,
    invitation_attributes,
    invitation_from,
    names_attributes,
    pointer_attributes,
    pointer_from,
)
from .keys import (
    ACCOUNT_SORT_KEY,
    DELEGATED_ACCOUNT_PREFIX,
    HOLDER_DELEGATION_PREFIX,
    HOLDER_DELEGATIONS_END,
    TTL_ATTRIBUTE,
    account_key,
    account_partition,
    delegated_account_key,
    delegation_key,
    from_attributes,
    holder_delegation_key,
    invitation_key,
    sort_key_of,
)


class DelegationRecords(TableAccess):
    # The holder's side --------------------------------------------------------------------------------

    def get_account_and_delegations(self, account_id: str) -> tuple[Account | None, list[Delegation]]:
        """The account and the delegations it granted, in one Query (every page)."""
        account, delegations = None, []
        for found in self._query_between(account_partition(account_id), ACCOUNT_SORT_KEY, HOLDER_DELEGATIONS_END):
            sort_key = sort_key_of(found)
            if sort_key == ACCOUNT_SORT_KEY:
                account = account_from(account_id, from_attributes(found))
            elif sort_key.startswith(HOLDER_DELEGATION_PREFIX):
                delegation = delegation_from(sort_key.removeprefix(HOLDER_DELEGATION_PREFIX), from_attributes(found))
                if delegation is not None:
                    delegations.append(delegation)
        return account, delegations

    def grant_delegation(self, grant: Grant) -> None:
        """The delegation, the holder's copy (kept until `kept_until` for "Mes délégations"), the
        invitation link, the invitation email in the holder's log and the event: all or nothing.

        The log changes only if no other email was sent meanwhile: two grants at once cannot both
        pass the count of delegations or the duplicate check they read. WriteConflict names `compte`."""
        delegation, expires = grant.delegation, grant.invitation_expires
        holder_id, record = delegation.holder_id, delegation_attributes(delegation)
        invitation = invitation_attributes(_invitation_of(delegation))
        log_condition, log_values = sent_log_update(grant.log)
        self._transact(
            [
                (Part.DELEGATION, self._put_action(delegation_key(delegation.id), record, expires, absent())),
                (
                    Part.COPY,
                    self._put_action(
                        holder_delegation_key(holder_id, delegation.id), record, grant.kept_until, absent()
                    ),
                ),
                (
                    Part.INVITATION,
                    self._put_action(invitation_key(delegation.invitation_digest), invitation, expires, absent()),
                ),
                (
                    Part.ACCOUNT,
                    self._update_action(
                        account_key(holder_id),
                        "SET envois_courriel = :journal",
                        f"statut = :actif AND {log_condition}",
                        actif=AccountStatus.ACTIVE,
                        **log_values,
                    ),
                ),
                (Part.EVENT, event_action(self, holder_id, grant.event, grant.now)),
            ]
        )

    def get_holder_delegation(self, holder_id: str, delegation_id: str) -> Delegation | None:
        """A delegation as its holder's copy has it: another holder's is simply not there."""
        return delegation_from(delegation_id, self._get(holder_delegation_key(holder_id, delegation_id)))

    def revoke_delegation(self, revocation: Revocation) -> None:
        """Revoke a delegation still as it was read (`status_seen`): the delegate's pointer goes, a
        pending invitation is marked revoked (its code then answers "expired"), and the event.

        WriteConflict names `delegation` (it changed meanwhile: accepted, or revoked already)."""
        self._transact(revocation_actions(self, revocation))

    # The delegate's side ------------------------------------------------------------------------------

    def get_delegation(self, delegation_id: str) -> Delegation | None:
        return delegation_from(delegation_id, self._get(delegation_key(delegation_id)))

    def get_invitation_and_account(
        self, invitation_digest: str, account_id: str
    ) -> tuple[Invitation | None, Account | None]:
        """An invitation and the account that would accept it, in one round trip."""
        found = self._get_many({"invitation": invitation_key(invitation_digest), "compte": account_key(account_id)})
        return invitation_from(invitation_digest, found["invitation"]), account_from(account_id, found["compte"])

    def accept_delegation(self, acceptance: Acceptance) -> None:
        """Use the invitation up and make the delegation active until `ends`, with the delegate's
        pointer and both histories' events: all or nothing.

        WriteConflict names `invitation` (used, revoked or expired meanwhile) or `delegation`."""
        invitation, now = acceptance.invitation, acceptance.now
        delegation_id, holder_id, delegate_id = invitation.delegation_id, invitation.holder_id, acceptance.delegate_id
        pointer = DelegatedAccount(delegation_id, holder_id, invitation.holder, invitation.scope, invitation.end)
        self._transact(
            [
                (
                    Part.INVITATION,
                    self._delete_action(
                        invitation_key(invitation.digest),
                        f"{exists()} AND attribute_not_exists(revoquee) AND {TTL_ATTRIBUTE} > :now",
                        now=to_epoch(now),
                    ),
                ),
                (Part.DELEGATION, self._accepted(delegation_key(delegation_id), acceptance, acceptance.ends)),
                (
                    Part.COPY,
                    self._accepted(holder_delegation_key(holder_id, delegation_id), acceptance, acceptance.kept_until),
                ),
                (
                    Part.POINTER,
                    self._put_action(
                        delegated_account_key(delegate_id, delegation_id),
                        pointer_attributes(pointer),
                        acceptance.ends,
                        absent(),
                    ),
                ),
                (Part.HOLDER_EVENT, event_action(self, holder_id, acceptance.holder_event, now)),
                (Part.DELEGATE_EVENT, event_action(self, delegate_id, acceptance.delegate_event, now)),
            ],
            {Part.INVITATION: lambda item: invitation_from(invitation.digest, item)},
        )

    def _accepted(self, key: tuple[str, str], acceptance: Acceptance, until: Any) -> Action:
        """The delegation (or its holder's copy) made active, if still pending, until `until`."""
        return self._update_action(
            key,
            f"SET statut = :actif, delegataire_id = :delegataire_id, delegataire = :delegataire, "
            f"acceptee_le = :moment, {TTL_ATTRIBUTE} = :fin",
            "titulaire_id = :titulaire AND statut = :attente",
            fin=to_epoch(until),
            actif=DelegationStatus.ACTIVE,
            attente=DelegationStatus.PENDING,
            delegataire_id=acceptance.delegate_id,
            delegataire=names_attributes(acceptance.delegate),
            moment=acceptance.moment,
            titulaire=acceptance.invitation.holder_id,
        )

    def list_delegated_accounts(self, delegate_id: str) -> list[DelegatedAccount]:
        """The pointers to the delegations a delegate accepted and that were not revoked, in one Query
        (every page)."""
        found = self._query(account_partition(delegate_id), DELEGATED_ACCOUNT_PREFIX)
        return [
            pointer_from(sort_key_of(item).removeprefix(DELEGATED_ACCOUNT_PREFIX), from_attributes(item) or {})
            for item in found
        ]


def _invitation_of(delegation: Delegation) -> Invitation:
    """What the invitation's code leads to."""
    return Invitation(
        delegation.invitation_digest,
        delegation.id,
        delegation.holder_id,
        delegation.holder,
        delegation.email_key,
        delegation.scope,
        delegation.end,
    )
