"""The pieces that several aggregates' transactions share: a history event, a session's deadline
pushed back or its end, the condition under which a reservation is free, the email log's update,
the expiry index's shard. Each builder takes the table access it builds for; the aggregates' record
classes stand side by side on TableAccess and compose these rather than inherit them.
"""

import zlib
from datetime import datetime
from typing import Any

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.accounts import AccountEvent
from ..domain.records.delegations import Revocation
from ..domain.records.history import Event
from ..domain.records.sessions import SessionTouch
from ..domain.records.tokens import EmailLog
from ..domain.states import DelegationStatus
from ..table import EXPIRY_SHARDS
from .base import Action, NamedActions, TableAccess, absent, exists
from .history_items import event_attributes
from .keys import (
    SESSION_POINTER_PREFIX,
    TTL_ATTRIBUTE,
    account_partition,
    delegated_account_key,
    delegation_key,
    event_key,
    holder_delegation_key,
    invitation_key,
    key_attributes,
    session_key,
    session_pointer_key,
    sort_key_of,
    time_ordered_id,
)

# Condition under which a reservation (NIR credentials, email) may be taken: nobody holds it, or
# the pending registration holding it has expired. An active account's reservation has no expiry.
FREE = f"{absent()} OR {TTL_ATTRIBUTE} < :now"


def expiry_shards() -> list[str]:
    return [f"EXPIRE#{n}" for n in range(EXPIRY_SHARDS)]


def expiry_shard(item_id: str) -> str:
    """The shard of an item in the expiry index: stable for an id, spread evenly across ids."""
    return expiry_shards()[zlib.crc32(item_id.encode()) % EXPIRY_SHARDS]


def sent_log_update(log: EmailLog) -> tuple[str, dict[str, Any]]:
    """The email log changes only if nobody else sent meanwhile (the limit stays exact under races)."""
    condition = "(attribute_not_exists(envois_courriel) OR envois_courriel = :ancien_journal)"
    return condition, {"ancien_journal": list(log.old), "journal": list(log.new)}


# A notice to the holder (a délégation granted, a password changed or reset) joins the email log
# whatever the log holds: an atomic append, so that it never conflicts with the act it reports, and
# the links and invitations asked within the hour count it (the next conditional update prunes the log).
NOTICE_LOGGED = "envois_courriel = list_append(if_not_exists(envois_courriel, :aucun_envoi), :avis)"


def notice_log_values(moment: datetime) -> dict[str, Any]:
    """The values of NOTICE_LOGGED, for an update of the account item that SETs it."""
    return {"aucun_envoi": [], "avis": [to_epoch(moment)]}


def revocation_actions(table: TableAccess, revocation: Revocation) -> NamedActions:
    """A delegation revoked if still as read (`status_seen`): itself and its holder's copy, the
    delegate's pointer deleted (active) or the invitation marked revoked (pending: its code then
    answers "expired"), and the holder's event. `DELETE /titulaire/delegations/{id}`, the reset's
    `fin_des_delegations` and a takeover (for each délégation of the account it closes) write these;
    a WriteConflict on `delegation` means it changed meanwhile."""
    delegation_id, holder_id = revocation.delegation_id, revocation.holder_id
    same = "titulaire_id = :titulaire AND statut = :vu"
    values: dict[str, Any] = {
        "revoquee": DelegationStatus.REVOKED,
        "moment": revocation.moment,
        "titulaire": holder_id,
        "vu": revocation.status_seen,
    }
    revoked = "SET statut = :revoquee, revoquee_le = :moment"
    actions: NamedActions = [
        (Part.DELEGATION, table._update_action(delegation_key(delegation_id), revoked, same, **values)),
        (Part.COPY, table._update_action(holder_delegation_key(holder_id, delegation_id), revoked, same, **values)),
        (Part.EVENT, event_action(table, holder_id, revocation.event, revocation.now)),
    ]
    if revocation.delegate_id is not None:
        pointer = delegated_account_key(revocation.delegate_id, delegation_id)
        actions.append((Part.POINTER, table._delete_action(pointer)))
    if revocation.invitation_digest is not None:
        invitation = invitation_key(revocation.invitation_digest)
        actions.append((Part.INVITATION, table._update_action(invitation, "SET revoquee = :vrai", exists(), vrai=True)))
    return actions


def event_action(
    table: TableAccess, account_id: str, event: Event, moment: datetime, expires: datetime | None = None
) -> Action:
    """A history event, written in the same transaction as the change it records."""
    return table._put_action(event_key(account_id, time_ordered_id(moment)), event_attributes(event), expires)


def account_event_action(table: TableAccess, written: AccountEvent) -> Action:
    return event_action(table, written.account_id, written.event, written.now)


def session_touch_action(table: TableAccess, touch: SessionTouch, account_id: str, now: datetime) -> Action:
    """For a transaction that also authenticates: the session's idle deadline pushed back, on
    condition that it is still this account's, live and not idle (logged out in between: the
    transaction fails on `session`)."""
    return table._update_action(
        session_key(touch.digest),
        "SET inactive_apres = :idle",
        f"{exists()} AND compte_id = :compte AND inactive_apres > :now AND {TTL_ATTRIBUTE} > :now",
        idle=to_epoch(touch.idle_until),
        compte=account_id,
        now=to_epoch(now),
    )


def ending_sessions(table: TableAccess, account_id: str, digests: list[str], room: int) -> NamedActions:
    """The deletes that end these sessions, for a transaction that has `room` items left (each
    session is two items: itself and its pointer)."""
    return [
        (part, table._delete_action(key))
        for digest in digests[: room // 2]
        for part, key in (
            (Part.SESSION, session_key(digest)),
            (Part.POINTER, session_pointer_key(account_id, digest)),
        )
    ]


def session_digests(table: TableAccess, account_id: str) -> list[str]:
    """The digests of every session of an account, from their pointers: one Query (what a password
    change or reset ends, and a takeover of the account's NIR)."""
    pointers = table._query(account_partition(account_id), SESSION_POINTER_PREFIX, keys_only=True)
    return [sort_key_of(pointer).removeprefix(SESSION_POINTER_PREFIX) for pointer in pointers]


def end_remaining_sessions(table: TableAccess, account_id: str, digests: list[str], room: int) -> None:
    """Sessions a transaction had no room for (each login opens one: an account with dozens at
    once is unheard of), ended right after it, BATCH_WRITE_LIMIT items a request."""
    remaining = digests[room // 2 :]
    table._delete_keys(
        [key_attributes(session_key(d)) for d in remaining]
        + [key_attributes(session_pointer_key(account_id, d)) for d in remaining]
    )
