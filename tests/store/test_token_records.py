"""Activation, reset and email change links through the store: each used once, under its conditions."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.domain.records.tokens import (
    Activation,
    ActivationUse,
    EmailChange,
    EmailChangeUse,
    EmailLog,
    NewEmailChangeLink,
    NewResetLink,
    PasswordReset,
    Reset,
)
from chalicelib.domain.states import AccountStatus
from tests.helpers.records import EMAIL, IDENTITY, NOW, draft, event, pending_account, put_draft


@pytest.fixture
def pending(store):
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending_account())
    return store.get_activation("a" * 64)


@pytest.fixture
def active(store, pending):
    store.activate_account(ActivationUse(pending, event("activation"), NOW))
    return store.get_account("compte-1")


def test_activation_makes_the_account_and_its_reservations_permanent(store, active):
    assert active.status == AccountStatus.ACTIVE and active.expires_at is None
    assert active.activated_at == event("activation").date
    credentials = store.get_login_records(IDENTITY.nir).credentials
    assert credentials.status == AccountStatus.ACTIVE and credentials.expires_at is None
    assert store.get_activation("a" * 64).used_at is not None


def test_an_activation_used_twice_is_refused_with_what_it_now_is(store, pending, active):
    with pytest.raises(WriteConflict) as again:
        store.activate_account(ActivationUse(pending, event("activation"), NOW))
    assert Part.ACTIVATION in again.value.failed
    found = again.value.found(Part.ACTIVATION, Activation)
    assert found is not None and found.used_at is not None and found.account_id == "compte-1"


def test_a_reset_link_reads_back_and_is_used_once(store, active):
    reset = Reset("c" * 64, "compte-1", IDENTITY.nir, NOW + timedelta(hours=1))
    log = EmailLog(active.email_log, (*active.email_log, 1796115700))
    store.issue_reset_token(NewResetLink(None, reset, log))
    assert store.get_reset(reset.digest) == reset
    assert store.get_account("compte-1").reset_digest == reset.digest
    assert store.get_account("compte-1").email_log == log.new

    done = PasswordReset(reset, "$argon2id$nouveau", event("mot_de_passe_reinitialise"), NOW)
    store.reset_password(done)
    assert store.get_login_records(IDENTITY.nir).credentials.password_hash == "$argon2id$nouveau"
    with pytest.raises(WriteConflict) as again:
        store.reset_password(done)
    assert Part.RESET in again.value.failed
    assert again.value.found(Part.RESET, Reset) is None  # used: gone


def test_a_second_reset_link_needs_the_email_log_as_read(store, active):
    reset = Reset("c" * 64, "compte-1", IDENTITY.nir, NOW + timedelta(hours=1))
    store.issue_reset_token(NewResetLink(None, reset, EmailLog(active.email_log, (1,))))
    with pytest.raises(WriteConflict) as stale:
        store.issue_reset_token(NewResetLink(reset.digest, replace(reset, digest="d" * 64), EmailLog((), (2,))))
    assert stale.value.failed == {Part.ACCOUNT}


def test_an_email_change_reads_back_and_moves_the_address_once(store, active):
    change = EmailChange(
        "e" * 64, "compte-1", "nouvelle@example.fr", "nouvelle@example.fr", EMAIL, EMAIL, NOW + timedelta(days=1)
    )
    log = EmailLog(active.email_log, (*active.email_log, 1796115700, 1796115700))
    store.issue_email_change_token(NewEmailChangeLink(None, change, log, event("courriel_demande"), NOW))
    assert store.get_email_change(change.digest) == change

    store.change_email(EmailChangeUse(change, event("courriel"), NOW))
    account = store.get_account("compte-1")
    assert account.courriel == "nouvelle@example.fr" and account.email_change_digest is None
    assert store.get_reservations(IDENTITY.nir, "nouvelle@example.fr")[1].account_id == "compte-1"
    assert store.get_reservations(IDENTITY.nir, EMAIL)[1] is None
    with pytest.raises(WriteConflict) as again:
        store.change_email(EmailChangeUse(change, event("courriel"), NOW))
    assert Part.EMAIL_CHANGE in again.value.failed
