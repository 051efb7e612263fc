"""FranceConnect's records as items: the pivot identity a draft keeps, a sub's reservation."""

from ..domain.records.franceconnect import FranceConnectLink, PivotIdentity
from .keys import Item, expiry_of

# A draft's pivot identity, under names of its own (the draft's identity step keeps its own names).
PIVOT_ATTRIBUTES = {
    "sub": "fc_sub",
    "given_name": "fc_prenom",
    "family_name": "fc_nom_naissance",
    "birthdate": "fc_date_naissance",
    "gender": "fc_sexe",
    "birthplace": "fc_lieu_naissance",
    "birthcountry": "fc_pays_naissance",
}


def pivot_attributes(pivot: PivotIdentity) -> Item:
    return {attribute: getattr(pivot, field) for field, attribute in PIVOT_ATTRIBUTES.items()}


def pivot_from(item: Item) -> PivotIdentity | None:
    if not item.get("fc_sub"):
        return None
    return PivotIdentity(**{field: item.get(attribute, "") for field, attribute in PIVOT_ATTRIBUTES.items()})


def link_attributes(link: FranceConnectLink) -> Item:
    return {"compte_id": link.account_id, "nir": link.nir}


def link_from(item: Item | None) -> FranceConnectLink | None:
    if item is None:
        return None
    return FranceConnectLink(item["compte_id"], item["nir"], expiry_of(item))
