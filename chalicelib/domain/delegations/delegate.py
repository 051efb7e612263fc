"""The delegate's side: the accounts delegated to them, and through an active délégation the
holder's synthesis, hours and dossiers (never a confidential one), and new draft dossiers."""

from datetime import date
from typing import Protocol

from ...clock import Clock
from .. import dossiers, history, holder, hours, sessions, tokens
from ..errors import Part, WriteConflict
from ..expiry import is_live
from ..records.accounts import Account
from ..records.delegations import DelegatedAccount, Delegation
from ..records.hours import DelegateCheck, Dossier, DossierCreation, Rights
from ..records.sessions import SessionRecord
from ..states import DelegationScope
from .rules import ACTIVE, CONFIDENTIAL_REFUSED, NOT_FOUND, SCOPE_TOO_NARROW, display_name, ends_at, status_of


class DelegateStore(dossiers.DossierStore, hours.HoursStore, Protocol):
    """What a delegate reads and writes of the holder's account, through the delegation."""

    def get_delegation(self, delegation_id: str) -> Delegation | None: ...

    def get_session_and_delegation(
        self, session_digest: str, delegation_id: str | None
    ) -> tuple[SessionRecord | None, Delegation | None]: ...

    def list_delegated_accounts(self, delegate_id: str) -> list[DelegatedAccount]: ...

    def get_account_and_rights(self, account_id: str, rights_id: str) -> tuple[Account | None, Rights | None]: ...

    def create_dossier_as_delegate(self, creation: DossierCreation, delegate: DelegateCheck) -> None: ...


def list_delegated(store: DelegateStore, clock: Clock, session: sessions.Session) -> list[DelegatedAccount]:
    """The accounts delegated to this person: active delegations only. The pointers exist while a
    delegation is active (the revocation deletes them); their end is checked here."""
    now = clock()
    found = [
        pointer
        for pointer in store.list_delegated_accounts(session.account_id)
        if is_live(pointer, now) and now < ends_at(date.fromisoformat(pointer.end))
    ]
    return sorted(found, key=lambda p: (p.holder.nom_naissance, p.holder.prenom or "", p.delegation_id))


def _delegation_for(
    store: DelegateStore, clock: Clock, ticket: sessions.Ticket, delegation_id: str, idle_seconds: int
) -> tuple[sessions.Session, Delegation]:
    """The caller's session (401 unless live) and the delegation, read together in one BatchGetItem
    (the session's idle deadline pushed back when it has aged, as the holder's reads); 404 unless
    the delegation is active now and names this caller as its delegate, whatever the reason
    (unknown, someone else's, revoked, ended)."""
    well_formed = tokens.is_well_formed_id(delegation_id)  # junk never reaches the table
    now = clock()
    record, delegation = store.get_session_and_delegation(ticket.digest, delegation_id if well_formed else None)
    session = sessions.admit_and_keep_alive(store, record, ticket, now, idle_seconds=idle_seconds)
    if (
        not is_live(delegation, now)
        or delegation.delegate_id != session.account_id
        or status_of(delegation, now) != ACTIVE
    ):
        raise NOT_FOUND()
    return session, delegation


def delegated_synthesis(
    store: DelegateStore, clock: Clock, ticket: sessions.Ticket, delegation_id: str, *, idle_seconds: int
) -> holder.Synthesis:
    """The holder's synthesis; the counts leave confidential dossiers out."""
    _, delegation = _delegation_for(store, clock, ticket, delegation_id, idle_seconds)
    account, rights = store.get_account_and_rights(delegation.holder_id, _holder_rights(delegation))
    if account is None:
        raise NOT_FOUND()
    return holder.synthesis_of(account, rights, for_delegate=True)


def delegated_hours(
    store: DelegateStore, clock: Clock, ticket: sessions.Ticket, delegation_id: str, *, idle_seconds: int
) -> hours.Statement:
    _, delegation = _delegation_for(store, clock, ticket, delegation_id, idle_seconds)
    return hours.statement(store, _holder_rights(delegation), for_delegate=True)


def _holder_rights(delegation: Delegation) -> str:
    """The holder's rights id, which the delegation keeps (one granted before it did, on a local
    stack's older data, shows nothing: as if it did not exist)."""
    if delegation.holder_rights_id is None:
        raise NOT_FOUND()
    return delegation.holder_rights_id


def delegated_dossiers(
    store: DelegateStore,
    clock: Clock,
    ticket: sessions.Ticket,
    delegation_id: str,
    state: str | None,
    *,
    idle_seconds: int,
) -> list[Dossier]:
    """The holder's dossiers but the confidential ones."""
    _, delegation = _delegation_for(store, clock, ticket, delegation_id, idle_seconds)
    return [d for d in dossiers.list_all(store, delegation.holder_id, state) if not d.confidential]


def delegated_dossier(
    store: DelegateStore,
    clock: Clock,
    ticket: sessions.Ticket,
    delegation_id: str,
    dossier_id: str,
    *,
    idle_seconds: int,
) -> Dossier:
    """A dossier of the holder's; a confidential one answers exactly as one that does not exist."""
    _, delegation = _delegation_for(store, clock, ticket, delegation_id, idle_seconds)
    dossier = dossiers.find(store, delegation.holder_id, dossier_id)
    if dossier.confidential:
        raise dossiers.NOT_FOUND()
    return dossier


def create_dossier(
    store: DelegateStore,
    clock: Clock,
    ticket: sessions.Ticket,
    delegation_id: str,
    new: dossiers.NewDossier,
    *,
    idle_seconds: int,
) -> Dossier:
    """With `gestion`: a draft dossier for the holder, which only the holder can validate."""
    session, delegation = _delegation_for(store, clock, ticket, delegation_id, idle_seconds)
    if delegation.scope != DelegationScope.GESTION:
        raise SCOPE_TOO_NARROW()
    if new.confidential:
        raise CONFIDENTIAL_REFUSED()
    now = clock()
    dossier = dossiers.new_draft(new, now, delegation_id)
    event = history.event(
        history.DOSSIER_CREE_PAR_DELEGATAIRE,
        now,
        delegataire=display_name(delegation.delegate or delegation.holder),
        dossier=dossiers.described(dossier),
    )
    creation = DossierCreation(delegation.holder_id, _holder_rights(delegation), dossier, event, now)
    try:
        store.create_dossier_as_delegate(creation, DelegateCheck(delegation_id, session.account_id))
    except WriteConflict as conflict:
        if Part.DELEGATION in conflict.failed:
            raise NOT_FOUND() from None  # revoked or ended between the read and the write
        raise dossiers.DIF_NOT_ENTERED() from None
    return dossier
