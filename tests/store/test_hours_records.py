"""Rights, dossiers and movements through the store: each transition under its conditions."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.domain.records.hours import DifEntry, Dossier, DossierCreation, DossierTransition, Movement, Rights
from chalicelib.domain.records.sessions import SessionTouch
from chalicelib.domain.states import DossierStatus
from tests.helpers.records import IDENTITY, NOW, draft, event, pending_account, put_draft

RIGHTS_ID = "R" * 22  # the random id of the NIR's rights
DOSSIER = Dossier("dossier-1", "Anglais", "Organisme", 30, DossierStatus.DRAFT, "2026-12-01T09:00:00Z", "ANG-1")
SECRET = replace(DOSSIER, id="dossier-2", title="Confidentiel", confidential=True)


@pytest.fixture
def account_id(store):
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending_account())
    return "compte-1"


def create(store, dossier: Dossier) -> None:
    store.create_dossier(DossierCreation("compte-1", RIGHTS_ID, dossier, event("dossier_cree"), NOW))


def transition(dossier: Dossier, movement: Movement | None = None, session=None) -> DossierTransition:
    return DossierTransition("compte-1", RIGHTS_ID, dossier, "2026-12-01T10:00:00Z", event(), NOW, session, movement)


def test_no_dossier_before_the_dif(store, account_id):
    with pytest.raises(WriteConflict) as refused:
        create(store, DOSSIER)
    assert refused.value.failed == {Part.RIGHTS}
    assert store.get_dossier(account_id, DOSSIER.id) is None


def test_dossiers_read_back_and_are_counted(store, account_id):
    store.set_dif(DifEntry(account_id, RIGHTS_ID, 20, event("dif"), NOW))
    create(store, DOSSIER)
    create(store, SECRET)
    assert store.get_dossier(account_id, DOSSIER.id) == DOSSIER
    assert store.list_dossiers(account_id) == [DOSSIER, SECRET]
    assert store.list_dossiers(account_id, (DossierStatus.CLOSED,)) == []
    account, rights = store.get_account_and_rights(account_id, RIGHTS_ID)
    assert (account.dossiers.open, account.dossiers.confidential_open) == (2, 1)
    assert rights == Rights(dif=20, free=20, version=1)


def test_validation_reserves_and_closure_debits_with_its_movement(store, account_id):
    store.set_dif(DifEntry(account_id, RIGHTS_ID, 40, event("dif"), NOW))
    create(store, SECRET)
    store.validate_dossier(transition(SECRET))
    assert store.get_account_and_rights(account_id, RIGHTS_ID)[1] == Rights(
        dif=40, reserved=30, free=10, dif_locked=True, version=2
    )
    with pytest.raises(WriteConflict) as twice:
        store.validate_dossier(transition(SECRET))
    assert Part.DOSSIER in twice.value.failed

    debit = Movement("2026-12-01T10:00:00Z", -30, "Formation : dossier confidentiel (30 h)", confidential=True)
    store.close_dossier(transition(SECRET, debit))
    rights, movements = store.get_rights_and_movements(RIGHTS_ID)
    assert rights == Rights(dif=40, debited=30, free=10, dif_locked=True, version=3)
    assert movements == [debit]
    closed = store.get_dossier(account_id, SECRET.id)
    moment = "2026-12-01T10:00:00Z"
    assert (closed.status, closed.validated_at, closed.closed_at) == (DossierStatus.CLOSED, moment, moment)
    account = store.get_account(account_id)
    assert (account.dossiers.closed, account.dossiers.confidential_closed, account.dossiers.open) == (1, 1, 0)


def test_not_enough_free_hours_and_a_session_ended_are_named(store, account_id):
    store.set_dif(DifEntry(account_id, RIGHTS_ID, 10, event("dif"), NOW))
    create(store, DOSSIER)
    with pytest.raises(WriteConflict) as short:
        store.validate_dossier(transition(DOSSIER))
    assert short.value.failed == {Part.RIGHTS}
    gone = SessionTouch("s" * 64, NOW + timedelta(minutes=15))
    with pytest.raises(WriteConflict) as logged_out:
        store.validate_dossier(transition(DOSSIER, session=gone))
    assert Part.SESSION in logged_out.value.failed


def test_the_dif_is_locked_once_a_dossier_is_validated(store, account_id):
    store.set_dif(DifEntry(account_id, RIGHTS_ID, 40, event("dif"), NOW))
    create(store, DOSSIER)
    store.validate_dossier(transition(DOSSIER))
    with pytest.raises(WriteConflict) as locked:
        store.set_dif(DifEntry(account_id, RIGHTS_ID, 50, event("dif"), NOW))
    assert locked.value.failed == {Part.RIGHTS}
