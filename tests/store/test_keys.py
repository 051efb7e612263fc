"""The history cursor: opaque to the client, and only ever a position the API handed out."""

import base64

import pytest

from chalicelib.store import keys

EVENT_SORT_KEY = "EVENEMENT#2026-12-01T09:00:00.000000Z#0a1b2c3d"


def test_a_cursor_stands_for_the_event_it_was_made_from():
    assert keys.history_sort_key(keys.history_cursor(EVENT_SORT_KEY)) == EVENT_SORT_KEY


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "not base64 !",
        keys.history_cursor("DOSSIER#abc"),  # another kind of item in the partition
        keys.history_cursor("EVENEMENT#2026-12-01T09:00:00Z#0a1b2c3d"),  # not the event id's format
        base64.urlsafe_b64encode(EVENT_SORT_KEY.encode()).decode(),  # padded: not the form handed out
        "A" * 201,
        None,
        42,
    ],
)
def test_anything_else_is_no_position(forged):
    assert keys.history_sort_key(forged) is None


def test_event_ids_sort_by_time():
    from datetime import UTC, datetime

    earlier = keys.time_ordered_id(datetime(2026, 12, 1, 9, 0, 0, 1, tzinfo=UTC))
    later = keys.time_ordered_id(datetime(2026, 12, 1, 9, 0, 0, 2, tzinfo=UTC))
    assert earlier < later
    assert keys.history_sort_key(keys.history_cursor(keys.EVENT_PREFIX + later)) == keys.EVENT_PREFIX + later
