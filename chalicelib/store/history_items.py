"""History events as items: which attribute holds what, both ways."""

from ..domain.records.history import Event
from .keys import Item


def event_attributes(event: Event) -> Item:
    return {"date": event.date, "type": event.type, "detail": event.detail}


def event_from(item: Item) -> Event:
    return Event(item["date"], item["type"], item["detail"])
