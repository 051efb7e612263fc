"""Registration drafts as items: which attribute holds what, both ways (the identity as accounts
store it)."""

from ..domain.records.registrations import Draft
from .account_items import IDENTITY_ATTRIBUTES, identity_attributes, identity_from
from .franceconnect_items import PIVOT_ATTRIBUTES, pivot_attributes, pivot_from
from .keys import Item, expiry_of


def draft_attributes(draft: Draft) -> Item:
    attributes: Item = {
        "etape": draft.step,
        "cgu_version": draft.cgu_version,
        "cgu_acceptees_le": draft.cgu_accepted_at,
        "cree_le": draft.created_at,
    }
    if draft.identity is not None:
        attributes.update(identity_attributes(draft.identity))
    if draft.franceconnect is not None:
        attributes.update(pivot_attributes(draft.franceconnect))
    return attributes


def draft_from(draft_id: str, item: Item | None) -> Draft | None:
    if item is None:
        return None
    expires_at = expiry_of(item)
    if expires_at is None:
        return None  # every draft has its hour; an item without one is none of ours
    return Draft(
        draft_id,
        item["etape"],
        expires_at,
        # A draft cancelled before it was written is its "cancelled" mark alone: no CGU on it.
        item.get("cgu_version", ""),
        item.get("cgu_acceptees_le", ""),
        item.get("cree_le"),
        identity_from(item) if item.get("nir") else None,
        pivot_from(item),
    )


# What a draft holds of a person: its identity, and the pivot identity FranceConnect gave it.
PERSONAL_ATTRIBUTES = (*IDENTITY_ATTRIBUTES, *PIVOT_ATTRIBUTES.values())
