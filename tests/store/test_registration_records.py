"""Drafts and the pending account, written and read back through the store, and their conditions."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.domain.records.registrations import IdentityStep, SpentCaptcha
from chalicelib.domain.states import AccountStatus, DraftStep
from tests.helpers.records import IDENTITY, NOW, draft, pending_account, put_draft

CAPTCHA = SpentCaptcha("nonce-1", NOW.replace(minute=10))


def test_a_draft_reads_back_as_written_with_or_without_its_identity(store):
    for written in (draft("sans-identite"), draft("avec-identite", IDENTITY)):
        put_draft(store, written)
        assert store.get_draft(written.id) == written


def test_the_identity_step_stores_the_identity_and_spends_the_captcha(store):
    put_draft(store, draft())
    store.save_identity(IdentityStep(draft(), IDENTITY, IDENTITY.courriel, CAPTCHA, NOW))
    assert store.get_draft("brouillon-1") == replace(draft(), step=DraftStep.PASSWORD, identity=IDENTITY)
    assert store.captcha_spent(CAPTCHA.nonce)


def test_the_identity_step_is_refused_by_name(store):
    put_draft(store, draft())
    step = IdentityStep(draft(), IDENTITY, IDENTITY.courriel, CAPTCHA, NOW)
    store.save_identity(step)
    with pytest.raises(WriteConflict) as spent_again:
        store.save_identity(step)
    assert spent_again.value.failed == {Part.CAPTCHA}
    cancelled = draft("annule")
    store.cancel_draft(cancelled.id, NOW, cancelled.expires_at)  # never written: its "cancelled" mark
    with pytest.raises(WriteConflict) as gone:
        store.save_identity(replace(step, draft=cancelled, captcha=SpentCaptcha("nonce-3", CAPTCHA.expires)))
    assert gone.value.failed == {Part.DRAFT}


def test_cancelling_erases_the_identity_once(store):
    put_draft(store, draft(identity=IDENTITY))
    store.cancel_draft("brouillon-1", NOW, NOW + timedelta(hours=1))
    assert store.get_draft("brouillon-1") == replace(draft(), step=DraftStep.CANCELLED, identity=None)
    with pytest.raises(WriteConflict) as again:
        store.cancel_draft("brouillon-1", NOW, NOW + timedelta(hours=1))
    assert again.value.failed == {Part.DRAFT}


def test_the_pending_account_and_what_it_holds_read_back(store):
    pending = pending_account()
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending)

    account = store.get_account("compte-1")
    assert account.registration_event is not None  # the store names its first event
    assert replace(account, registration_event=None) == pending.account
    credentials, attempts, rights_id = store.get_login_records(IDENTITY.nir)
    assert credentials == replace(pending.credentials, expires_at=pending.account.expires_at)
    assert attempts is None and rights_id is None  # registering gives the NIR no rights id
    nir_holder, email_holder = store.get_reservations(IDENTITY.nir, pending.email_key)
    assert nir_holder.account_id == email_holder.account_id == "compte-1"
    activation = store.get_activation(pending.activation.digest)
    assert activation == replace(
        pending.activation, registration_event=account.registration_event, expires_at=pending.account.expires_at
    )
    assert store.get_draft("brouillon-1").step == DraftStep.ACTIVATION
    assert store.get_draft("brouillon-1").identity is None


def test_a_nir_and_an_email_are_reserved_once(store):
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending_account())
    put_draft(store, draft("brouillon-2", IDENTITY))
    with pytest.raises(WriteConflict) as taken:
        store.create_pending_account(pending_account("compte-2", "brouillon-2", digest="b" * 64))
    assert taken.value.failed == {Part.NIR, Part.EMAIL}
    assert store.get_account("compte-2") is None
    assert store.get_account("compte-1").status == AccountStatus.PENDING
