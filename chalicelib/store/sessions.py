"""Sessions: one item per session (by its token's digest), and a pointer to it in its account's
partition, so that a password change or reset can end every session of the account."""

from datetime import datetime

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.accounts import Account, AccountEvent, Credentials, FailedLogins
from ..domain.records.delegations import Delegation
from ..domain.records.hours import Dossier, Rights
from ..domain.records.sessions import Login, SessionRecord
from .account_items import account_from, credentials_from, failed_logins_from
from .actions import account_event_action, event_action, session_digests
from .base import NamedActions, TableAccess, absent, exists
from .delegation_items import delegation_from
from .hours_items import dossier_from, rights_from, rights_id_attributes, rights_id_from
from .keys import (
    TTL_ATTRIBUTE,
    account_key,
    attempts_key,
    credentials_key,
    delegation_key,
    dossier_key,
    rights_id_key,
    rights_key,
    session_key,
    session_pointer_key,
)
from .session_items import session_attributes, session_from


class SessionRecords(TableAccess):
    def open_session(self, login: Login) -> None:
        """The session, its pointer in the account's partition and the login event; the failed-login
        count of the NIR starts again from zero; the credentials count the login, on condition that
        they still name the account (WriteConflict names `nir` otherwise: its NIR was taken over).
        With `new_rights_id`, the NIR's item is written with the session's rights id, on condition
        that it has none: WriteConflict names `droits_id` and holds the rights id a crediting gave it
        meanwhile."""
        session = login.session
        expires = session.expires_at
        actions: NamedActions = [
            (
                Part.SESSION,
                self._put_action(session_key(session.digest), session_attributes(session), expires, absent()),
            ),
            (Part.POINTER, self._put_action(session_pointer_key(session.account_id, session.digest), {}, expires)),
            (Part.EVENT, event_action(self, session.account_id, login.event, login.now)),
            (Part.ATTEMPTS, self._delete_action(attempts_key(login.nir))),
            # The NIR's credentials must still name this account, and count the login: a takeover by
            # a verified registration (contract §14) conditions on that count, so that a session
            # opened after it read the account's sessions makes it read them again, and a login
            # after it fails here.
            (
                Part.NIR,
                self._update_action(
                    credentials_key(login.nir),
                    "ADD connexions :un",
                    "compte_id = :compte",
                    un=1,
                    compte=session.account_id,
                ),
            ),
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

    def close_session(self, session_digest: str, logout: AccountEvent) -> None:
        self._transact(
            [
                (Part.SESSION, self._delete_action(session_key(session_digest))),
                (Part.POINTER, self._delete_action(session_pointer_key(logout.account_id, session_digest))),
                (Part.EVENT, account_event_action(self, logout)),
            ]
        )

    def session_digests(self, account_id: str) -> list[str]:
        """The digests of every session of an account, from their pointers: one Query."""
        return session_digests(self, account_id)

    # Reads beside the data a session serves: the session and that data in one BatchGetItem ---------

    def get_session_account_and_rights(
        self, session_digest: str, account_id: str, rights_id: str
    ) -> tuple[SessionRecord | None, Account | None, Rights | None]:
        """A session, the account and the NIR's rights its token names, in one BatchGetItem."""
        found = self._get_many(
            {"session": session_key(session_digest), "compte": account_key(account_id), "droits": rights_key(rights_id)}
        )
        return (
            session_from(session_digest, found["session"]),
            account_from(account_id, found["compte"]),
            rights_from(found["droits"]),
        )

    def get_session_and_account(
        self, session_digest: str, account_id: str
    ) -> tuple[SessionRecord | None, Account | None]:
        """A session and the account its token names, in one BatchGetItem."""
        found = self._get_many({"session": session_key(session_digest), "compte": account_key(account_id)})
        return session_from(session_digest, found["session"]), account_from(account_id, found["compte"])

    def get_session_and_login_records(
        self, session_digest: str, nir: str | None
    ) -> tuple[SessionRecord | None, Credentials | None, FailedLogins | None]:
        """A session and the credentials and failed-login record of a NIR (a sensitive act asks for the
        password again), in one BatchGetItem (the session alone, one GetItem, without a NIR)."""
        if nir is None:
            return session_from(session_digest, self._get(session_key(session_digest))), None, None
        found = self._get_many(
            {"session": session_key(session_digest), "credentials": credentials_key(nir), "attempts": attempts_key(nir)}
        )
        return (
            session_from(session_digest, found["session"]),
            credentials_from(found["credentials"]),
            failed_logins_from(found["attempts"]),
        )

    def get_session_and_dossier(
        self, session_digest: str, account_id: str, dossier_id: str | None
    ) -> tuple[SessionRecord | None, Dossier | None]:
        """A session and a dossier of the account its token names, in one BatchGetItem (the session
        alone, one GetItem, for a dossier id that cannot be one)."""
        if dossier_id is None:
            return session_from(session_digest, self._get(session_key(session_digest))), None
        found = self._get_many({"session": session_key(session_digest), "dossier": dossier_key(account_id, dossier_id)})
        return session_from(session_digest, found["session"]), dossier_from(dossier_id, found["dossier"])

    def get_session_and_delegation(
        self, session_digest: str, delegation_id: str | None
    ) -> tuple[SessionRecord | None, Delegation | None]:
        """A session and a delegation, in one BatchGetItem (the session alone, one GetItem, for a
        delegation id that cannot be one)."""
        if delegation_id is None:
            return session_from(session_digest, self._get(session_key(session_digest))), None
        found = self._get_many({"session": session_key(session_digest), "delegation": delegation_key(delegation_id)})
        return session_from(session_digest, found["session"]), delegation_from(delegation_id, found["delegation"])
