"""Accounts, their credentials (the NIR's reservation, which login reads) and email reservations, and
the failed-login count of a NIR.

A NIR or an email is reserved by an item of its own, so that two registrations racing for one of
them give one account: the reservation is taken on condition that it is FREE.
"""

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.accounts import (
    Account,
    Credentials,
    EmailReservation,
    FailedLogin,
    InformationsChange,
    LoginRecords,
    LoginRecordsAndReservation,
    PasswordChange,
)
from .account_items import account_from, credentials_from, failed_logins_from, reservation_from
from .actions import (
    NOTICE_LOGGED,
    account_event_action,
    end_remaining_sessions,
    ending_sessions,
    event_action,
    notice_log_values,
)
from .base import TRANSACTION_LIMIT, Action, NamedActions, TableAccess, exists
from .hours_items import rights_id_from
from .keys import TTL_ATTRIBUTE, account_key, attempts_key, credentials_key, email_key, key_attributes, rights_id_key


class AccountRecords(TableAccess):
    def get_account(self, account_id: str) -> Account | None:
        return account_from(account_id, self._get(account_key(account_id)))

    def get_login_records(self, nir: str) -> LoginRecords:
        """The credentials, the failed-login record and the rights id of a NIR, in one round trip."""
        found = self._get_many(
            {"credentials": credentials_key(nir), "attempts": attempts_key(nir), "rights": rights_id_key(nir)}
        )
        credentials, attempts = credentials_from(found["credentials"]), failed_logins_from(found["attempts"])
        return LoginRecords(credentials, attempts, rights_id_from(found["rights"]))

    def get_login_records_and_reservation(self, nir: str, email_key_value: str) -> LoginRecordsAndReservation:
        """The credentials and failed-login record of a NIR, and what holds an email, in one round trip."""
        found = self._get_many(
            {"credentials": credentials_key(nir), "attempts": attempts_key(nir), "courriel": email_key(email_key_value)}
        )
        return LoginRecordsAndReservation(
            credentials_from(found["credentials"]),
            failed_logins_from(found["attempts"]),
            reservation_from(found["courriel"]),
        )

    def get_reservations(self, nir: str, email_key_value: str) -> tuple[Credentials | None, EmailReservation | None]:
        """What holds a NIR and what holds an email, in one round trip."""
        found = self._get_many({"nir": credentials_key(nir), "courriel": email_key(email_key_value)})
        return credentials_from(found["nir"]), reservation_from(found["courriel"])

    def update_account_fields(self, change: InformationsChange) -> None:
        """Set the fields given, remove those cleared, and record the event."""
        kept = dict(change.values)
        update = ""
        if kept:
            update += "SET " + ", ".join(f"#{name} = :{name}" for name in kept)
        if change.cleared:
            update += " REMOVE " + ", ".join(f"#{name}" for name in change.cleared)
        names = {f"#{name}": name for name in (*kept, *change.cleared)}
        self._transact(
            [
                (
                    Part.ACCOUNT,
                    self._update_action(account_key(change.account_id), update.strip(), exists(), names=names, **kept),
                ),
                (Part.EVENT, event_action(self, change.account_id, change.event, change.now)),
            ]
        )

    def change_password(self, change: PasswordChange) -> None:
        """Replace the password hash, unless it changed meanwhile, and end the sessions named: one
        transaction, so that nobody is left logged in with the old password if it fails half-way;
        the notice's moment joins the email log in it. WriteConflict names Part.NIR."""
        actions = [
            (
                Part.NIR,
                self._update_action(
                    credentials_key(change.nir),
                    "SET mot_de_passe = :new",
                    "compte_id = :compte AND mot_de_passe = :old",
                    new=change.new_hash,
                    compte=change.account_id,
                    old=change.old_hash,
                ),
            ),
            (Part.EVENT, event_action(self, change.account_id, change.event, change.now)),
        ]
        if change.notice_at is not None:  # the notice to the holder, in the email log
            logged = self._update_action(
                account_key(change.account_id), f"SET {NOTICE_LOGGED}", exists(), **notice_log_values(change.notice_at)
            )
            actions.append((Part.ACCOUNT, logged))
        ended = list(change.ended_sessions)
        room = TRANSACTION_LIMIT - len(actions)
        self._transact(actions + ending_sessions(self, change.account_id, ended, room))
        end_remaining_sessions(self, change.account_id, ended, room)

    # Failed logins ----------------------------------------------------------------------------------

    def record_failed_login(self, failure: FailedLogin) -> None:
        """Count one more failure with one atomic update (from one when the earlier ones have lapsed),
        or, for the failure that reaches the threshold, lock every login of the NIR until
        `locked_until` (the count starts again afterwards); and for an account its history event.
        One transaction, so a known and an unknown NIR cost one request alike."""
        actions: NamedActions = [(Part.ATTEMPTS, self._failure_action(failure))]
        if failure.account_event is not None:
            actions.append((Part.EVENT, account_event_action(self, failure.account_event)))
        self._transact(actions)

    def _failure_action(self, failure: FailedLogin) -> Action:
        if failure.locked_until is not None:
            lock = {"echecs": 0, "verrouille_jusqu_au": to_epoch(failure.locked_until)}
            return self._put_action(attempts_key(failure.nir), lock, failure.locked_until)
        update = (
            f"SET echecs = :one, {TTL_ATTRIBUTE} = :ttl REMOVE verrouille_jusqu_au"
            if failure.fresh
            else f"ADD echecs :one SET {TTL_ATTRIBUTE} = :ttl"
        )
        return {
            "Update": {
                "TableName": self._table,
                "Key": key_attributes(attempts_key(failure.nir)),
                "UpdateExpression": update,
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":ttl": {"N": str(to_epoch(failure.expires))}},
            }
        }
