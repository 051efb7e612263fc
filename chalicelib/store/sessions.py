"""Sessions: one item per session (by its token's digest), and a pointer to it in its account's
partition, so that a password change or reset can end every session of the account."""

from datetime import datetime

from ..clock import to_epoch
from .base import absent, exists
from .history import HistoryRecords
from .keys import (
    SESSION_POINTER_PREFIX,
    TTL_ATTRIBUTE,
    account_partition,
    attempts_key,
    key_attributes,
    session_key,
    session_pointer_key,
    sort_key_of,
)


class SessionRecords(HistoryRecords):
    def open_session(
        self, session_digest: str, session: dict, expires: datetime, event: dict, now: datetime, nir: str
    ) -> None:
        """The session, its pointer in the account's partition and the login event; the failed-login
        count of the NIR starts again from zero."""
        account_id = session["compte_id"]
        self._transact(
            [
                ("session", self._put_action(session_key(session_digest), session, expires, absent())),
                ("pointeur", self._put_action(session_pointer_key(account_id, session_digest), {}, expires)),
                ("evenement", self._event_action(account_id, event, now)),
                ("tentatives", self._delete_action(attempts_key(nir))),
            ]
        )

    def touch_session(self, session_digest: str, now: datetime, idle_until: datetime) -> dict | None:
        """Extend a live session's idle deadline and return it; None when it is unknown or over."""
        return self._update_if(
            session_key(session_digest),
            "SET inactive_apres = :idle",
            f"{exists()} AND inactive_apres > :now AND {TTL_ATTRIBUTE} > :now",
            now=to_epoch(now),
            idle=to_epoch(idle_until),
        )

    def close_session(self, session_digest: str, account_id: str, event: dict, now: datetime) -> None:
        self._transact(
            [
                ("session", self._delete_action(session_key(session_digest))),
                ("pointeur", self._delete_action(session_pointer_key(account_id, session_digest))),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def end_sessions(self, account_id: str, keep_digest: str | None = None) -> int:
        """End every session of an account but `keep_digest`'s. Returns how many were ended.
        One Query, then one BatchWriteItem per 12 sessions (each is two items)."""
        pointers = self._query(account_partition(account_id), SESSION_POINTER_PREFIX, keys_only=True)
        digests = [sort_key_of(pointer).removeprefix(SESSION_POINTER_PREFIX) for pointer in pointers]
        ended = [digest for digest in digests if digest != keep_digest]
        self._delete_keys(
            [key_attributes(session_key(d)) for d in ended]
            + [key_attributes(session_pointer_key(account_id, d)) for d in ended]
        )
        return len(ended)
