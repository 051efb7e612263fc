"""A délégation, its holder's copy, its invitation and the delegate's pointer through the store."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.clock import to_epoch
from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.domain.records.accounts import Identity
from chalicelib.domain.records.delegations import (
    Acceptance,
    DelegatedAccount,
    Delegation,
    Grant,
    Invitation,
    Revocation,
)
from chalicelib.domain.records.hours import DelegateCheck, DifEntry, Dossier, DossierCreation
from chalicelib.domain.records.people import Names
from chalicelib.domain.records.tokens import ActivationUse, EmailLog
from chalicelib.domain.states import DelegationScope, DelegationStatus, DossierStatus
from tests.helpers.records import IDENTITY, NOW, draft, event, pending_account, put_draft

DELEGATE = Identity("280017500000035", "MME", "Martin", "claire.martin@example.fr")
INVITATION_EXPIRES = NOW + timedelta(days=7)
KEPT_UNTIL = NOW + timedelta(days=400)
ENDS = NOW + timedelta(days=30)
DELEGATION = Delegation(
    id="delegation-1",
    holder_id="titulaire",
    holder_rights_id="R" * 22,
    holder=Names("M", "Dupont", "Jean"),
    email=DELEGATE.courriel,
    email_key=DELEGATE.courriel,
    scope=DelegationScope.GESTION,
    status=DelegationStatus.PENDING,
    created_at="2026-12-01T09:00:00Z",
    end="2026-12-31",
    invitation_until=to_epoch(INVITATION_EXPIRES),
    invitation_digest="i" * 64,
)


def activated(store, account_id: str, identity: Identity, digest: str) -> None:
    put_draft(store, draft(f"brouillon-{account_id}", identity))
    store.create_pending_account(pending_account(account_id, f"brouillon-{account_id}", identity, digest))
    store.activate_account(ActivationUse(store.get_activation(digest), event("activation"), NOW))


@pytest.fixture
def granted(store):
    activated(store, "titulaire", IDENTITY, "a" * 64)
    activated(store, "delegataire", DELEGATE, "b" * 64)
    log = EmailLog(store.get_account("titulaire").email_log, (1796115700,))
    store.grant_delegation(Grant(DELEGATION, INVITATION_EXPIRES, KEPT_UNTIL, log, event(), NOW))
    return DELEGATION


def accept(store) -> None:
    invitation, _ = store.get_invitation_and_account("i" * 64, "delegataire")
    names = Names("MME", "Martin")
    acceptance = Acceptance(
        invitation, "delegataire", names, "2026-12-02T09:00:00Z", ENDS, KEPT_UNTIL, event(), event(), NOW
    )
    store.accept_delegation(acceptance)


def test_a_grant_reads_back_as_the_delegation_its_copy_and_its_invitation(store, granted):
    assert store.get_delegation(granted.id) == replace(granted, expires_at=INVITATION_EXPIRES)
    assert store.get_holder_delegation("titulaire", granted.id) == replace(granted, expires_at=KEPT_UNTIL)
    account, delegations = store.get_account_and_delegations("titulaire")
    assert account.id == "titulaire" and delegations == [replace(granted, expires_at=KEPT_UNTIL)]
    invitation, delegate = store.get_invitation_and_account("i" * 64, "delegataire")
    assert invitation == Invitation(
        "i" * 64,
        granted.id,
        "titulaire",
        granted.holder,
        DELEGATE.courriel,
        granted.scope,
        granted.end,
        expires_at=INVITATION_EXPIRES,
    )
    assert delegate.courriel == DELEGATE.courriel


def test_a_second_grant_on_the_same_email_log_is_refused(store, granted):
    again = Grant(
        replace(granted, id="delegation-2", invitation_digest="j" * 64),
        INVITATION_EXPIRES,
        KEPT_UNTIL,
        EmailLog((), (1,)),
        event(),
        NOW,
    )
    with pytest.raises(WriteConflict) as stale:
        store.grant_delegation(again)
    assert stale.value.failed == {Part.ACCOUNT}


def test_acceptance_activates_both_records_and_points_the_delegate_to_it(store, granted):
    accept(store)
    delegation = store.get_delegation(granted.id)
    assert (delegation.status, delegation.delegate_id, delegation.delegate) == (
        DelegationStatus.ACTIVE,
        "delegataire",
        Names("MME", "Martin"),
    )
    assert delegation.accepted_at == "2026-12-02T09:00:00Z" and delegation.expires_at == ENDS
    assert store.get_holder_delegation("titulaire", granted.id).expires_at == KEPT_UNTIL
    assert store.list_delegated_accounts("delegataire") == [
        DelegatedAccount(granted.id, "titulaire", granted.holder, granted.scope, granted.end, ENDS)
    ]
    invitation = Invitation(
        "i" * 64, granted.id, "titulaire", granted.holder, DELEGATE.courriel, "gestion", granted.end
    )
    again = Acceptance(invitation, "delegataire", Names("MME", "Martin"), "x", ENDS, KEPT_UNTIL, event(), event(), NOW)
    with pytest.raises(WriteConflict) as used:
        store.accept_delegation(again)
    assert Part.INVITATION in used.value.failed
    assert used.value.found(Part.INVITATION, Invitation) is None  # used: deleted


def test_revocation_needs_the_status_read_and_ends_the_pointer(store, granted):
    accept(store)
    stale = Revocation(granted.id, "titulaire", DelegationStatus.PENDING, None, "i" * 64, "m", event(), NOW)
    with pytest.raises(WriteConflict) as refused:
        store.revoke_delegation(stale)
    assert Part.DELEGATION in refused.value.failed
    store.revoke_delegation(
        replace(stale, status_seen=DelegationStatus.ACTIVE, delegate_id="delegataire", invitation_digest=None)
    )
    assert store.get_delegation(granted.id).status == DelegationStatus.REVOKED
    assert store.list_delegated_accounts("delegataire") == []


def test_a_delegate_s_dossier_needs_the_delegation_active_at_that_instant(store, granted):
    store.set_dif(DifEntry("titulaire", "R" * 22, 10, event("dif"), NOW))
    dossier = Dossier(
        "dossier-1",
        "Anglais",
        "Organisme",
        5,
        DossierStatus.DRAFT,
        "2026-12-01T09:00:00Z",
        by_delegation=granted.id,
    )
    creation = DossierCreation("titulaire", "R" * 22, dossier, event(), NOW)
    with pytest.raises(WriteConflict) as pending:
        store.create_dossier_as_delegate(creation, DelegateCheck(granted.id, "delegataire"))
    assert pending.value.failed == {Part.DELEGATION}
    accept(store)
    store.create_dossier_as_delegate(creation, DelegateCheck(granted.id, "delegataire"))
    assert store.get_dossier("titulaire", dossier.id) == dossier
