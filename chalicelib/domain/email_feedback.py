"""What SES tells us back about the emails we sent (contract §10): bounces and complaints.

Every email carries two message tags, its kind and the opaque id of the record it serves (an
account, or a délégation), so an event is mapped back through them, never by searching the table:

- an activation's permanent bounce releases the pending registration at once, with the cleanup's
  own release (its NIR and address are free again); an active account is never touched;
- a permanent bounce or a complaint about an active account's address (a reset, an email change's
  notice) marks the account `courriel_invalide`, until a confirmed email change;
- an email change link's permanent bounce voids that pending change;
- a délégation invitation's permanent bounce makes it `courriel_invalide`: it no longer counts
  among the five, its address may be invited again.

Transient bounces are left to SES's own retries. Every write is conditional on what was read, so
applying a notification twice, or racing an activation, changes nothing more. A notification that
cannot be read, or names nothing we know, is dropped: SNS would otherwise retry it for days.
Nothing here logs an address: the caller logs the kind, the SES message id and the outcome.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from ..clock import Clock, to_iso
from . import identity
from .cleanup import CleanupStore, release_pending_account
from .delegations import status_of
from .records.accounts import Account
from .records.delegations import Delegation
from .records.registrations import ExpiredAccount
from .records.tokens import EmailChange
from .states import AccountStatus, DelegationStatus

# The message tags' names (SES allows letters, digits, "_" and "-" in both names and values).
KIND_TAG = "genre"
RECORD_TAG = "enregistrement"


class MessageKind(StrEnum):
    ACTIVATION = "activation"
    RESET = "reinitialisation"
    EMAIL_CHANGE = "courriel_changement"
    EMAIL_CHANGE_NOTICE = "courriel_notice"
    DELEGATION = "delegation"
    CLOSURE_NOTICE = "fermeture_notice"  # to an account closed by a verified registration (contract §14)


class Event(StrEnum):
    PERMANENT_BOUNCE = "rejet_definitif"
    TRANSIENT_BOUNCE = "rejet_temporaire"
    COMPLAINT = "plainte"


class Outcome(StrEnum):
    APPLIED = "appliquee"
    ALREADY_APPLIED = "deja_appliquee"  # a repeat, or the record has moved on (activated, changed, gone)
    IGNORED = "ignoree"  # nothing to do for this event on this kind of message
    MALFORMED = "illisible"


@dataclass(frozen=True)
class Feedback:
    """One SES event about one of our messages, as the tags and the event name it."""

    message_id: str
    event: Event
    kind: MessageKind | None  # None: not one of ours (no tags, or tags we do not know)
    record_id: str | None
    recipients: tuple[str, ...]  # the addresses that bounced or complained (compared, never logged)


class MalformedNotification(ValueError):
    """Not a SES Bounce or Complaint notification we can read."""


class FeedbackStore(CleanupStore, Protocol):
    def get_account(self, account_id: str) -> Account | None: ...

    def get_email_change(self, change_digest: str) -> EmailChange | None: ...

    def get_delegation(self, delegation_id: str) -> Delegation | None: ...

    def mark_email_invalid(self, account_id: str, address: str) -> bool: ...

    def void_email_change(self, account_id: str, change_digest: str) -> bool: ...

    def invalidate_invitation(
        self, *, delegation_id: str, holder_id: str, invitation_digest: str | None, moment: str
    ) -> bool: ...


# Reading -----------------------------------------------------------------------------------------

_EVENTS = {"Bounce": "bounce", "Complaint": "complaint"}


def read_notification(message: str) -> Feedback:
    """The SES notification SNS delivers (its `Message`, a JSON text): either an event publishing
    record (`eventType`, from a configuration set) or an identity notification (`notificationType`)."""
    try:
        body = json.loads(message)
        name = body.get("eventType") or body.get("notificationType")
        mail = body["mail"]
        message_id = str(mail["messageId"])
        details = body[_EVENTS[name]]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise MalformedNotification from None
    if not isinstance(details, dict) or not message_id:
        raise MalformedNotification
    event, recipients = _event_and_recipients(name, details)
    kind, record_id = _tags(mail.get("tags"))
    return Feedback(message_id, event, kind, record_id, recipients)


def _event_and_recipients(name: str, details: dict[str, Any]) -> tuple[Event, tuple[str, ...]]:
    if name == "Complaint":
        event, listed = Event.COMPLAINT, details.get("complainedRecipients")
    else:
        # "Undetermined" bounces are left alone with the transient ones: only "Permanent" is certain.
        permanent = details.get("bounceType") == "Permanent"
        event, listed = (
            (Event.PERMANENT_BOUNCE if permanent else Event.TRANSIENT_BOUNCE),
            details.get("bouncedRecipients"),
        )
    if not isinstance(listed, list):
        raise MalformedNotification
    addresses = (r.get("emailAddress") for r in listed if isinstance(r, dict))
    return event, tuple(address for address in addresses if isinstance(address, str))


def _tags(tags: Any) -> tuple[MessageKind | None, str | None]:
    """SES gives each tag as a list of values; ours hold one each."""
    if not isinstance(tags, dict):
        return None, None
    kinds, records = tags.get(KIND_TAG), tags.get(RECORD_TAG)
    if not (isinstance(kinds, list) and isinstance(records, list) and kinds and records):
        return None, None
    kind, record_id = kinds[0], records[0]
    if kind not in set(MessageKind) or not isinstance(record_id, str) or not record_id:
        return None, None
    return MessageKind(kind), record_id


# Applying ----------------------------------------------------------------------------------------


def apply(store: FeedbackStore, clock: Clock, feedback: Feedback) -> Outcome:
    """Apply one event; never raises for what it finds (only for the table's own failures)."""
    record_id = feedback.record_id
    if feedback.kind is None or record_id is None or not feedback.recipients:
        return Outcome.MALFORMED
    if feedback.event == Event.TRANSIENT_BOUNCE:
        return Outcome.IGNORED
    if feedback.kind == MessageKind.CLOSURE_NOTICE:
        return Outcome.IGNORED  # its account is closed: nothing more is ever sent there
    now = clock()
    if feedback.kind in (MessageKind.RESET, MessageKind.EMAIL_CHANGE_NOTICE):
        return _mark_address(store, record_id, feedback)
    if feedback.event == Event.COMPLAINT:
        return Outcome.IGNORED  # a link the person has not used yet: it expires on its own
    if feedback.kind == MessageKind.ACTIVATION:
        return _release_registration(store, record_id, feedback, now)
    if feedback.kind == MessageKind.EMAIL_CHANGE:
        return _void_email_change(store, record_id, feedback)
    return _invalidate_invitation(store, record_id, feedback, now)


def _same_address(address: str, feedback: Feedback) -> bool:
    key = identity.email_key(address)
    return any(identity.email_key(recipient) == key for recipient in feedback.recipients)


def _release_registration(store: FeedbackStore, record_id: str, feedback: Feedback, now: datetime) -> Outcome:
    account = store.get_account(record_id)
    if account is None or account.status != AccountStatus.PENDING:
        return Outcome.ALREADY_APPLIED  # released already, or activated: an active account is never touched
    if not _same_address(account.courriel, feedback):
        return Outcome.ALREADY_APPLIED
    pending = ExpiredAccount(record_id, account.nir, account.courriel, account.activation_digest)
    released = release_pending_account(store, pending, now, only_expired=False)
    return Outcome.APPLIED if released is not None else Outcome.ALREADY_APPLIED


def _mark_address(store: FeedbackStore, record_id: str, feedback: Feedback) -> Outcome:
    account = store.get_account(record_id)
    if account is None or account.status != AccountStatus.ACTIVE:
        return Outcome.ALREADY_APPLIED
    if account.email_invalid or not _same_address(account.courriel, feedback):
        return Outcome.ALREADY_APPLIED  # marked already, or the address has changed since
    marked = store.mark_email_invalid(record_id, account.courriel)
    return Outcome.APPLIED if marked else Outcome.ALREADY_APPLIED


def _void_email_change(store: FeedbackStore, record_id: str, feedback: Feedback) -> Outcome:
    account = store.get_account(record_id)
    digest = account.email_change_digest if account is not None else None
    if not digest:
        return Outcome.ALREADY_APPLIED  # used, voided or replaced by a newer request already
    change = store.get_email_change(digest)
    if change is None or not _same_address(change.new_email, feedback):
        return Outcome.ALREADY_APPLIED  # the pending change is a newer one, to another address
    voided = store.void_email_change(record_id, digest)
    return Outcome.APPLIED if voided else Outcome.ALREADY_APPLIED


def _invalidate_invitation(store: FeedbackStore, record_id: str, feedback: Feedback, now: datetime) -> Outcome:
    delegation = store.get_delegation(record_id)
    if delegation is None or status_of(delegation, now) != DelegationStatus.PENDING:
        return Outcome.ALREADY_APPLIED  # accepted, revoked, expired or invalidated already
    if not _same_address(delegation.email, feedback):
        return Outcome.ALREADY_APPLIED
    invalidated = store.invalidate_invitation(
        delegation_id=record_id,
        holder_id=delegation.holder_id,
        invitation_digest=delegation.invitation_digest,
        moment=to_iso(now),
    )
    return Outcome.APPLIED if invalidated else Outcome.ALREADY_APPLIED
