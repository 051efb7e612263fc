"""The cleanup's expiry index through the store: what expired comes back with what it holds."""

from datetime import timedelta

from chalicelib.domain.records.registrations import ExpiredAccount, ExpiredDraft
from tests.helpers.records import EMAIL, IDENTITY, NOW, draft, pending_account, put_draft


def expired(store, now):
    return [record for page in store.expired_registrations(now) for record in page.expired]


def test_expired_drafts_and_pending_accounts_come_back_with_what_they_hold(store):
    put_draft(store, draft("brouillon-seul"))
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending_account())
    assert expired(store, NOW) == []
    later = expired(store, NOW + timedelta(days=16))
    assert sorted(later, key=repr) == sorted(
        [
            ExpiredDraft("brouillon-seul"),
            ExpiredDraft("brouillon-1"),
            ExpiredAccount("compte-1", IDENTITY.nir, EMAIL, "a" * 64),
        ],
        key=repr,
    )


def test_an_expired_pending_account_goes_with_its_reservations_once(store):
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending_account())
    account = ExpiredAccount("compte-1", IDENTITY.nir, EMAIL, "a" * 64)
    assert not store.delete_expired_account(account, EMAIL, NOW)  # not expired yet
    later = NOW + timedelta(days=16)
    assert store.delete_expired_account(account, EMAIL, later)
    assert store.get_account("compte-1") is None
    assert store.get_reservations(IDENTITY.nir, EMAIL) == (None, None)
    assert store.get_activation("a" * 64) is None
    assert not store.delete_expired_account(account, EMAIL, later)
    assert store.delete_expired_draft("brouillon-1", later)
    assert not store.delete_expired_draft("brouillon-1", later)
