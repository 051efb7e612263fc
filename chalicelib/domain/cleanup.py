"""Cleanup of expired registrations, run every hour by a schedule.

A pending account whose activation link has expired is removed with all it holds (its NIR and email
reservations, its activation token, its history), so that it leaves no personal data and frees its
NIR and email at once; a draft past its hour goes too. Only what has expired is read (the store's
sparse expiry index), so a run costs in proportion to what it removes, not to the table.

The run stops early when its time is nearly up (`time_left`, in seconds); the next run goes on.
Every deletion is conditional, so two runs at once, or a run racing an activation, are harmless.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..clock import Clock
from .identity import email_key
from .records.registrations import ExpiredAccount, ExpiredDraft, ExpiredPage

# Stop with this much of the invocation's time left: a share of it, at most the cap. One deletion
# is a few requests (well under a second), so a 300 s Lambda keeps 10 s, and a 3 s invocation (what
# Chalice's test client gives) keeps 0.6 s and still gets its work done.
SAFETY_MARGIN_SHARE = 0.2
SAFETY_MARGIN_CAP_SECONDS = 10.0


class CleanupStore(Protocol):
    def expired_registrations(self, now: datetime, page_size: int = ...) -> Iterator[ExpiredPage]: ...

    def delete_expired_draft(self, draft_id: str, now: datetime) -> bool: ...

    def delete_expired_account(
        self, account: ExpiredAccount, email_key_value: str | None, now: datetime, only_expired: bool = ...
    ) -> bool: ...

    def delete_account_events(self, account_id: str) -> tuple[int, int]: ...


@dataclass
class Report:
    """What a run did, in counts only: never anything about the people."""

    supprimees: int = 0
    brouillons_supprimes: int = 0
    evenements_supprimes: int = 0
    elements_lus: int = 0
    termine: bool = True

    def as_dict(self) -> dict[str, int | bool]:
        return dict(self.__dict__)


def safety_margin(seconds_at_start: float) -> float:
    return min(SAFETY_MARGIN_CAP_SECONDS, SAFETY_MARGIN_SHARE * seconds_at_start)


def clean_up(store: CleanupStore, clock: Clock, time_left: Callable[[], float] | None = None) -> Report:
    now = clock()
    report = Report()
    margin = safety_margin(time_left()) if time_left is not None else 0.0

    def out_of_time() -> bool:
        if time_left is not None and time_left() < margin:
            report.termine = False
        return not report.termine

    pages = store.expired_registrations(now)
    while not out_of_time():
        page = next(pages, None)  # the next Query is made only now
        if page is None:
            break
        report.elements_lus += page.items_read
        for expired in page.expired:
            if out_of_time():
                return report
            _remove(store, expired, now, report)
    return report


def _remove(store: CleanupStore, expired: ExpiredDraft | ExpiredAccount, now: datetime, report: Report) -> None:
    if isinstance(expired, ExpiredDraft):
        report.brouillons_supprimes += store.delete_expired_draft(expired.id, now)
        return
    released = release_pending_account(store, expired, now)
    if released is not None:
        events, read = released
        report.supprimees += 1
        report.evenements_supprimes += events
        report.elements_lus += read


def release_pending_account(
    store: CleanupStore, account: ExpiredAccount, now: datetime, *, only_expired: bool = True
) -> tuple[int, int] | None:
    """Remove a pending account with its NIR and email reservations, its activation token and its
    history, so that its NIR and address are free at once. The cleanup releases only what has
    expired; a bounced activation email releases it before (`only_expired=False`,
    chalicelib/domain/email_feedback.py). An account activated meanwhile is never touched. Returns
    (events deleted, items read), or None when there was nothing to release."""
    key = email_key(account.email) if account.email else None
    if not store.delete_expired_account(account, key, now, only_expired):
        return None
    return store.delete_account_events(account.id)
