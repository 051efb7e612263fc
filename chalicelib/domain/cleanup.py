"""Cleanup of expired registrations, run every hour by a schedule.

A pending account whose activation link has expired is removed with all it holds (its NIR and email
reservations, its activation token, its history), so that it leaves no personal data and frees its
NIR and email at once; a draft past its hour goes too. Only what has expired is read (the store's
sparse expiry index), so a run costs in proportion to what it removes, not to the table.

The run stops early when its time is nearly up (`time_left`, in seconds); the next run goes on.
Every deletion is conditional, so two runs at once, or a run racing an activation, are harmless.
"""

from dataclasses import dataclass
from typing import Callable

from ..table import expiry_shards
from .identity import email_key

# Stop with this much time left: one deletion is a few requests, well under it.
SAFETY_MARGIN_SECONDS = 10.0


@dataclass
class Report:
    """What a run did, in counts only: never anything about the people."""

    supprimees: int = 0
    brouillons_supprimes: int = 0
    evenements_supprimes: int = 0
    elements_lus: int = 0
    termine: bool = True

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def clean_up(store, clock, time_left: Callable[[], float] | None = None) -> Report:
    now = clock()
    report = Report()

    def out_of_time() -> bool:
        if time_left is not None and time_left() < SAFETY_MARGIN_SECONDS:
            report.termine = False
        return not report.termine

    for shard in expiry_shards():
        start_key = None
        while not out_of_time():
            records, start_key, read = store.expired_registrations(shard, now, start_key)
            report.elements_lus += read
            for record in records:
                if out_of_time():
                    return report
                _remove(store, record, now, report)
            if not start_key:
                break
    return report


def _remove(store, record: dict, now, report: Report) -> None:
    if record["genre"] == "inscription":
        report.brouillons_supprimes += store.delete_expired_draft(record["id"], now)
        return
    deleted = store.delete_expired_account(
        account_id=record["id"],
        nir=record.get("nir"),
        email_key_value=email_key(record["courriel"]) if record.get("courriel") else None,
        activation_digest=record.get("activation_empreinte"),
        now=now,
    )
    if deleted:
        report.supprimees += 1
        events, read = store.delete_account_events(record["id"])
        report.evenements_supprimes += events
        report.elements_lus += read
