"""Sessions: one item per session (by its token's digest), and a pointer to it in its account's
partition, so that a password change or reset can end every session of the account."""

from datetime import datetime

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.accounts import AccountEvent
from ..domain.records.sessions import Login, SessionRecord, SessionTouch
from .account_items import session_attributes, session_from
from .base import Action, NamedActions, absent, exists
from .history import HistoryRecords
from .hours_items import rights_id_attributes, rights_id_from
from .keys import (
    SESSION_POINTER_PREFIX,
    TTL_ATTRIBUTE,
    account_partition,
    attempts_key,
    key_attributes,
    rights_id_key,
    session_key,
    session_pointer_key,
    sort_key_of,
)


class SessionRecords(HistoryRecords):
    def open_session(self, login: Login) -> None:
        """The session, its pointer in the account's partition and the login event; the failed-login
        count of the NIR starts again from zero. With `new_rights_id`, the NIR's item is written with
        the session's rights id, on condition that it has none: WriteConflict names `droits_id` and
        holds the rights id a crediting gave it meanwhile."""
        session = login.session
        expires = session.expires_at
        actions: NamedActions = [
            (
                Part.SESSION,
                self._put_action(session_key(session.digest), session_attributes(session), expires, absent()),
            ),
            (Part.POINTER, self._put_action(session_pointer_key(session.account_id, session.digest), {}, expires)),
            (Part.EVENT, self._event_action(session.account_id, login.event, login.now)),
            (Part.ATTEMPTS, self._delete_action(attempts_key(login.nir))),
        ]
        if login.new_rights_id and session.rights_id is not None:
            named = rights_id_attributes(session.rights_id)
            actions.append((Part.RIGHTS_ID, self._put_action(rights_id_key(login.nir), named, None, absent())))
        self._transact(actions, {Part.RIGHTS_ID: rights_id_from})

    def touch_session(self, session_digest: str, now: datetime, idle_until: datetime) -> SessionRecord | None:
        """Extend a live session's idle deadline and return it; None when it is unknown or over."""
        return session_from(
            session_digest,
            self._update_if(
                session_key(session_digest),
                "SET inactive_apres = :idle",
                f"{exists()} AND inactive_apres > :now AND {TTL_ATTRIBUTE} > :now",
                now=to_epoch(now),
                idle=to_epoch(idle_until),
            ),
        )

    def _touch_action(self, touch: SessionTouch, account_id: str, now: datetime) -> Action:
        """For a transaction that also authenticates: the session's idle deadline pushed back, on
        condition that it is still this account's, live and not idle (logged out in between: the
        transaction fails on `session`)."""
        return self._update_action(
            session_key(touch.digest),
            "SET inactive_apres = :idle",
            f"{exists()} AND compte_id = :compte AND inactive_apres > :now AND {TTL_ATTRIBUTE} > :now",
            idle=to_epoch(touch.idle_until),
            compte=account_id,
            now=to_epoch(now),
        )

    def close_session(self, session_digest: str, logout: AccountEvent) -> None:
        self._transact(
            [
                (Part.SESSION, self._delete_action(session_key(session_digest))),
                (Part.POINTER, self._delete_action(session_pointer_key(logout.account_id, session_digest))),
                (Part.EVENT, self._account_event_action(logout)),
            ]
        )

    def session_digests(self, account_id: str) -> list[str]:
        """The digests of every session of an account, from their pointers: one Query."""
        pointers = self._query(account_partition(account_id), SESSION_POINTER_PREFIX, keys_only=True)
        return [sort_key_of(pointer).removeprefix(SESSION_POINTER_PREFIX) for pointer in pointers]

    def _ending_sessions(self, account_id: str, digests: list[str], room: int) -> NamedActions:
        """The deletes that end these sessions, for a transaction that has `room` items left (each
        session is two items: itself and its pointer)."""
        return [
            (part, self._delete_action(key))
            for digest in digests[: room // 2]
            for part, key in (
                (Part.SESSION, session_key(digest)),
                (Part.POINTER, session_pointer_key(account_id, digest)),
            )
        ]

    def _end_remaining_sessions(self, account_id: str, digests: list[str], room: int) -> None:
        """Sessions a transaction had no room for (each login opens one: an account with dozens at
        once is unheard of), ended right after it, BATCH_WRITE_LIMIT items a request."""
        remaining = digests[room // 2 :]
        self._delete_keys(
            [key_attributes(session_key(d)) for d in remaining]
            + [key_attributes(session_pointer_key(account_id, d)) for d in remaining]
        )
