"""Accounts, their credentials (the NIR's reservation, which login reads) and email reservations, and
the failed-login count of a NIR.

A NIR or an email is reserved by an item of its own, so that two registrations racing for one of
them give one account: the reservation is taken on condition that it is FREE.
"""

from datetime import datetime

from ..clock import to_epoch
from .base import TRANSACTION_LIMIT, absent, exists
from .keys import TTL_ATTRIBUTE, account_key, attempts_key, credentials_key, email_key, key_attributes
from .sessions import SessionRecords

# Condition under which a reservation (NIR credentials, email) may be taken: nobody holds it, or
# the pending registration holding it has expired. An active account's reservation has no expiry.
FREE = f"{absent()} OR {TTL_ATTRIBUTE} < :now"


class AccountRecords(SessionRecords):
    def get_account(self, account_id: str) -> dict | None:
        return self._get(account_key(account_id))

    def get_login_records(self, nir: str) -> tuple[dict | None, dict | None]:
        """The credentials and the failed-login record of a NIR, in one round trip."""
        found = self._get_many({"credentials": credentials_key(nir), "attempts": attempts_key(nir)})
        return found["credentials"], found["attempts"]

    def get_login_records_and_reservation(
        self, nir: str, email_key_value: str
    ) -> tuple[dict | None, dict | None, dict | None]:
        """The credentials and failed-login record of a NIR, and what holds an email, in one round trip."""
        found = self._get_many(
            {"credentials": credentials_key(nir), "attempts": attempts_key(nir), "courriel": email_key(email_key_value)}
        )
        return found["credentials"], found["attempts"], found["courriel"]

    def get_reservations(self, nir: str, email_key_value: str) -> tuple[dict | None, dict | None]:
        """What holds a NIR and what holds an email, in one round trip."""
        found = self._get_many({"nir": credentials_key(nir), "courriel": email_key(email_key_value)})
        return found["nir"], found["courriel"]

    def update_account_fields(self, account_id: str, changes: dict, event: dict, now: datetime) -> None:
        """Set the fields of `changes`, remove those whose value is None, and record the event."""
        kept = {name: value for name, value in changes.items() if value is not None}
        removed = [name for name, value in changes.items() if value is None]
        update = ""
        if kept:
            update += "SET " + ", ".join(f"#{name} = :{name}" for name in kept)
        if removed:
            update += " REMOVE " + ", ".join(f"#{name}" for name in removed)
        self._transact(
            [
                (
                    "compte",
                    self._update_action(
                        account_key(account_id), update.strip(), exists(), names={f"#{n}": n for n in changes}, **kept
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def change_password(
        self,
        nir: str,
        account_id: str,
        old_hash: str,
        new_hash: str,
        event: dict,
        now: datetime,
        ended_sessions: list[str] = (),
    ) -> None:
        """Replace the password hash, unless it changed meanwhile, and end the sessions named: one
        transaction, so that nobody is left logged in with the old password if it fails half-way.
        WriteConflict names `identifiant`."""
        actions = [
            (
                "identifiant",
                self._update_action(
                    credentials_key(nir),
                    "SET mot_de_passe = :new",
                    "compte_id = :compte AND mot_de_passe = :old",
                    new=new_hash,
                    compte=account_id,
                    old=old_hash,
                ),
            ),
            ("evenement", self._event_action(account_id, event, now)),
        ]
        room = TRANSACTION_LIMIT - len(actions)
        self._transact(actions + self._ending_sessions(account_id, list(ended_sessions), room))
        self._end_remaining_sessions(account_id, list(ended_sessions), room)

    # Failed logins ----------------------------------------------------------------------------------

    def record_failed_login(
        self,
        nir: str,
        *,
        fresh: bool,
        expires: datetime,
        account_id: str | None,
        event: dict,
        now: datetime,
        locked_until: datetime | None = None,
    ) -> None:
        """Count one more failure with one atomic update (from one when the earlier ones have lapsed),
        or, for the failure that reaches the threshold, lock every login of the NIR until
        `locked_until` (the count starts again afterwards); and for an account its history event.
        One transaction, so a known and an unknown NIR cost one request alike."""
        if locked_until is not None:
            lock = {"echecs": 0, "verrouille_jusqu_au": to_epoch(locked_until)}
            attempt = self._put_action(attempts_key(nir), lock, locked_until)
        else:
            update = (
                f"SET echecs = :one, {TTL_ATTRIBUTE} = :ttl REMOVE verrouille_jusqu_au"
                if fresh
                else f"ADD echecs :one SET {TTL_ATTRIBUTE} = :ttl"
            )
            attempt = {
                "Update": {
                    "TableName": self._table,
                    "Key": key_attributes(attempts_key(nir)),
                    "UpdateExpression": update,
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":ttl": {"N": str(to_epoch(expires))}},
                }
            }
        actions = [("tentatives", attempt)]
        if account_id is not None:
            actions.append(("evenement", self._event_action(account_id, event, now)))
        self._transact(actions)
