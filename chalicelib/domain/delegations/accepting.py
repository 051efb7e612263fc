"""The invited person's side: accepting an invitation from their own session."""

from datetime import date, datetime
from typing import Protocol

from ...clock import Clock, to_iso
from ...french_dates import date_in_full
from .. import history, identity, sessions, tokens
from ..errors import Part, WriteConflict
from ..expiry import has_expired
from ..records.accounts import Account
from ..records.delegations import Acceptance, Invitation
from ..records.people import Names
from .rules import (
    ACCOUNT_NOT_FOUND,
    CODE_EXPIRED,
    CODE_UNKNOWN,
    LIST_KEPT,
    OTHER_RECIPIENT,
    SCOPE_WORDS,
    TO_ONESELF,
    display_name,
    ends_at,
    names_of,
)


class AcceptStore(Protocol):
    def get_invitation_and_account(
        self, invitation_digest: str, account_id: str
    ) -> tuple[Invitation | None, Account | None]: ...

    def accept_delegation(self, acceptance: Acceptance) -> None: ...


def accept(store: AcceptStore, clock: Clock, session: sessions.Session, code: str) -> Invitation:
    """Accept an invitation from one's own session: the account's address must be the invited one.
    Returns the invitation accepted (what the delegation now grants)."""
    if not tokens.is_well_formed_token(code):
        raise CODE_UNKNOWN()
    digest = tokens.digest(code)
    found, account = store.get_invitation_and_account(digest, session.account_id)
    now = clock()
    invitation = _usable(found, now)
    if account is None:
        raise ACCOUNT_NOT_FOUND()
    if invitation.holder_id == session.account_id:
        raise TO_ONESELF()
    if identity.email_key(account.courriel) != invitation.email_key:
        raise OTHER_RECIPIENT()  # nothing written: the code stays usable by the right person
    end = date.fromisoformat(invitation.end)
    if now >= ends_at(end):
        raise CODE_EXPIRED()
    try:
        store.accept_delegation(_acceptance(invitation, session.account_id, names_of(account), now))
    except WriteConflict as conflict:
        if Part.INVITATION in conflict.failed:
            _usable(conflict.found(Part.INVITATION, Invitation), now)
        raise CODE_EXPIRED() from None  # revoked meanwhile
    return invitation


def _acceptance(invitation: Invitation, delegate_id: str, delegate: Names, now: datetime) -> Acceptance:
    end = date.fromisoformat(invitation.end)
    ends, scope = ends_at(end), SCOPE_WORDS[invitation.scope]
    return Acceptance(
        invitation,
        delegate_id,
        delegate,
        to_iso(now),
        ends,
        ends + LIST_KEPT,
        holder_event=history.event(
            history.DELEGATION_ACCEPTEE, now, delegataire=display_name(delegate), portee=scope, fin=date_in_full(end)
        ),
        delegate_event=history.event(
            history.DELEGATION_RECUE,
            now,
            titulaire=display_name(invitation.holder),
            portee=scope,
            fin=date_in_full(end),
        ),
        now=now,
    )


def _usable(invitation: Invitation | None, now: datetime) -> Invitation:
    if invitation is None:
        raise CODE_UNKNOWN()  # unknown, or used: it is deleted when accepted
    if invitation.revoked or has_expired(invitation, now):
        raise CODE_EXPIRED()
    return invitation
