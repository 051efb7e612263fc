"""Sessions, failed logins, informations and the password, written and read back through the store."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.clock import to_epoch
from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.domain.records.accounts import AccountEvent, FailedLogin, InformationsChange, PasswordChange
from chalicelib.domain.records.sessions import Login, SessionRecord
from tests.helpers.records import IDENTITY, NOW, draft, event, pending_account, put_draft

RIGHTS_ID = "R" * 22


@pytest.fixture
def account_id(store):
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending_account())
    return "compte-1"


def session(digest: str = "s" * 64, account_id: str = "compte-1") -> SessionRecord:
    return SessionRecord(
        digest,
        account_id,
        RIGHTS_ID,
        "2026-12-01T09:00:00Z",
        to_epoch(NOW + timedelta(minutes=15)),
        NOW + timedelta(hours=12),
    )


def test_a_session_reads_back_as_opened_and_its_pointer_lists_it(store, account_id):
    store.open_session(Login(session(), IDENTITY.nir, event("connexion"), NOW))
    idle = NOW + timedelta(minutes=20)
    assert store.touch_session("s" * 64, NOW, idle) == SessionRecord(
        "s" * 64, account_id, RIGHTS_ID, "2026-12-01T09:00:00Z", to_epoch(idle), NOW + timedelta(hours=12)
    )
    assert store.session_digests(account_id) == ["s" * 64]
    assert store.get_login_records(IDENTITY.nir).rights_id is None  # the NIR's item was not asked for


def test_a_first_login_gives_the_nir_its_rights_id_once(store, account_id):
    store.open_session(Login(session(), IDENTITY.nir, event("connexion"), NOW, new_rights_id=True))
    assert store.get_login_records(IDENTITY.nir).rights_id == RIGHTS_ID
    other = replace(session("t" * 64), rights_id="S" * 22)
    with pytest.raises(WriteConflict) as late:
        store.open_session(Login(other, IDENTITY.nir, event("connexion"), NOW, new_rights_id=True))
    assert late.value.failed == {Part.RIGHTS_ID} and late.value.found(Part.RIGHTS_ID, str) == RIGHTS_ID
    assert store.touch_session("t" * 64, NOW, NOW + timedelta(minutes=15)) is None  # nothing of it was written


def test_a_closed_or_idle_session_is_not_touched(store, account_id):
    store.open_session(Login(session(), IDENTITY.nir, event("connexion"), NOW))
    assert store.touch_session("s" * 64, NOW + timedelta(minutes=16), NOW + timedelta(minutes=31)) is None  # idle
    store.close_session("s" * 64, AccountEvent(account_id, event("deconnexion"), NOW))
    assert store.touch_session("s" * 64, NOW, NOW + timedelta(minutes=15)) is None
    assert store.session_digests(account_id) == []


def test_failed_logins_count_then_lock(store, account_id):
    expires = NOW + timedelta(minutes=15)
    store.record_failed_login(FailedLogin(IDENTITY.nir, True, expires))
    store.record_failed_login(FailedLogin(IDENTITY.nir, False, expires, None, AccountEvent(account_id, event(), NOW)))
    attempts = store.get_login_records(IDENTITY.nir).attempts
    assert (attempts.count, attempts.locked_until, attempts.expires_at) == (2, None, expires)
    store.record_failed_login(FailedLogin(IDENTITY.nir, False, expires, locked_until=expires))
    attempts = store.get_login_records(IDENTITY.nir).attempts
    assert (attempts.count, attempts.locked_until) == (0, to_epoch(expires))


def test_informations_are_set_and_cleared(store, account_id):
    change = InformationsChange(account_id, (("prenom", "Jeanne"),), ("telephone_portable",), event(), NOW)
    store.update_account_fields(change)
    identity = store.get_account(account_id).identity
    assert (identity.prenom, identity.telephone_portable) == ("Jeanne", None)


def test_the_password_changes_unless_it_changed_meanwhile(store, account_id):
    store.open_session(Login(session("t" * 64), IDENTITY.nir, event("connexion"), NOW))
    change = PasswordChange(IDENTITY.nir, account_id, "$argon2id$hash", "$argon2id$autre", event(), NOW, ("t" * 64,))
    store.change_password(change)
    assert store.get_login_records(IDENTITY.nir).credentials.password_hash == "$argon2id$autre"
    assert store.session_digests(account_id) == []
    with pytest.raises(WriteConflict) as stale:
        store.change_password(change)
    assert stale.value.failed == {Part.NIR}
