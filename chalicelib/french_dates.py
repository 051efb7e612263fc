"""Dates written in full, in French, at Paris time: « lundi 14 décembre 2026 à 10 h 05 »."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def in_full(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{_DAYS[local.weekday()]} {day} {_MONTHS[local.month - 1]} {local.year} à {local.hour} h {local.minute:02d}"


def date_in_full(day: date) -> str:
    """« mercredi 1er décembre 2027 »: a calendar date, as the delegation's end is given."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{_DAYS[day.weekday()]} {number} {_MONTHS[day.month - 1]} {day.year}"
