"""An account's history through the store: events newest first, a page at a time."""

from datetime import timedelta

import pytest

from chalicelib.domain.errors import UnknownPosition
from chalicelib.domain.records.accounts import AccountEvent
from chalicelib.domain.records.history import HistoryPage
from chalicelib.domain.records.sessions import Login, SessionRecord
from tests.helpers.records import IDENTITY, NOW, draft, event, pending_account, put_draft


def test_events_read_back_newest_first_a_page_at_a_time(store):
    put_draft(store, draft(identity=IDENTITY))
    store.create_pending_account(pending_account())
    moments = [NOW + timedelta(minutes=n) for n in (1, 2)]
    session = SessionRecord("s" * 64, "compte-1", None, None, 0, NOW + timedelta(hours=1))
    store.open_session(Login(session, IDENTITY.nir, event("connexion", moments[0]), moments[0]))
    store.close_session("s" * 64, AccountEvent("compte-1", event("deconnexion", moments[1]), moments[1]))

    first = store.history_page("compte-1", None, 2)
    assert first.events == [event("deconnexion", moments[1]), event("connexion", moments[0])]
    assert first.next_cursor is not None
    assert store.history_page("compte-1", first.next_cursor, 2) == HistoryPage([event()], None)


def test_a_cursor_the_store_did_not_hand_out_is_no_position(store):
    with pytest.raises(UnknownPosition):
        store.history_page("compte-1", "pas-un-curseur", 2)
