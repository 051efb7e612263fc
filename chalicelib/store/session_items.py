"""Sessions as items: which attribute holds what, both ways."""

from ..domain.records.sessions import SessionRecord
from .keys import Item, expiry_of


def session_attributes(session: SessionRecord) -> Item:
    return {
        "compte_id": session.account_id,
        "droits_id": session.rights_id,
        "cree_le": session.created_at,
        "inactive_apres": session.idle_until,
    }


def session_from(digest: str, item: Item | None) -> SessionRecord | None:
    if item is None:
        return None
    return SessionRecord(
        digest,
        item["compte_id"],
        item.get("droits_id"),
        item.get("cree_le"),
        item.get("inactive_apres", 0),
        expiry_of(item),
    )
