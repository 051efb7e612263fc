"""The invited person's side: accepting an invitation from their own session."""

from datetime import date, datetime
from typing import Protocol

from ...clock import to_iso
from ...french_dates import date_in_full
from .. import history, identity, sessions, tokens
from ..errors import WriteConflict
from ..expiry import has_expired
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
    person,
)


class AcceptStore(Protocol):
    def get_invitation_and_account(
        self, invitation_digest: str, account_id: str
    ) -> tuple[dict | None, dict | None]: ...

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
    ) -> None: ...



def accept(store: AcceptStore, clock, session: sessions.Session, code: str) -> dict:
    """Accept an invitation from one's own session: the account's address must be the invited one."""
    if not tokens.is_well_formed_token(code):
        raise CODE_UNKNOWN
    digest = tokens.digest(code)
    invitation, account = store.get_invitation_and_account(digest, session.account_id)
    now = clock()
    _refuse_unusable(invitation, now)
    if account is None:
        raise ACCOUNT_NOT_FOUND
    if invitation["titulaire_id"] == session.account_id:
        raise TO_ONESELF
    if identity.email_key(account["courriel"]) != invitation["courriel_cle"]:
        raise OTHER_RECIPIENT  # nothing written: the code stays usable by the right person
    end = date.fromisoformat(invitation["fin"])
    ends = ends_at(end)
    if now >= ends:
        raise CODE_EXPIRED
    holder_names, delegate_names = invitation["titulaire"], names_of(account)
    scope = invitation["portee"]
    try:
        store.accept_delegation(
            invitation_digest=digest,
            delegation_id=invitation["delegation_id"],
            holder_id=invitation["titulaire_id"],
            delegate_id=session.account_id,
            delegate=delegate_names,
            moment=to_iso(now),
            ends=ends,
            kept_until=ends + LIST_KEPT,
            pointer={
                "titulaire_id": invitation["titulaire_id"],
                "titulaire": holder_names,
                "portee": scope,
                "fin": invitation["fin"],
            },
            holder_event=history.event(
                history.DELEGATION_ACCEPTEE,
                now,
                delegataire=display_name(delegate_names),
                portee=SCOPE_WORDS[scope],
                fin=date_in_full(end),
            ),
            delegate_event=history.event(
                history.DELEGATION_RECUE,
                now,
                titulaire=display_name(holder_names),
                portee=SCOPE_WORDS[scope],
                fin=date_in_full(end),
            ),
            now=now,
        )
    except WriteConflict as conflict:
        if "invitation" in conflict.failed:
            _refuse_unusable(conflict.current.get("invitation"), now)
        raise CODE_EXPIRED from None  # revoked meanwhile
    return {
        "id": invitation["delegation_id"],
        "titulaire": person(holder_names),
        "portee": scope,
        "fin": end.isoformat(),
    }


def _refuse_unusable(invitation: dict | None, now: datetime) -> None:
    if invitation is None:
        raise CODE_UNKNOWN  # unknown, or used: it is deleted when accepted
    if invitation.get("revoquee") or has_expired(invitation, now):
        raise CODE_EXPIRED
