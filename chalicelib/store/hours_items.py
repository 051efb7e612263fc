"""Rights, movements and dossiers as items: which attribute holds what, both ways."""

from ..domain.records.hours import Dossier, Movement, Rights
from .keys import Item

# Which attribute holds each of a dossier's fields (the record's names, the item's).
DOSSIER_ATTRIBUTES = {
    "title": "intitule",
    "provider": "organisme",
    "hours": "heures",
    "status": "statut",
    "created_at": "cree_le",
    "cpf_code": "code_cpf",
    "start_date": "date_debut",
    "confidential": "confidentiel",
    "validated_at": "valide_le",
    "closed_at": "clos_le",
    "by_delegation": "cree_par_delegation",
}


def rights_id_attributes(rights_id: str) -> Item:
    """The NIR's item (store/keys.rights_id_key): written once, on condition that it is absent."""
    return {"droits_id": rights_id}


def rights_id_from(item: Item | None) -> str | None:
    """The rights id a NIR's item names (`droits_id`), None when the NIR has none yet."""
    return None if item is None else str(item["droits_id"])


def rights_from(item: Item | None) -> Rights | None:
    if item is None:
        return None
    return Rights(
        cpf=item.get("heures_cpf", 0),
        dif=item.get("heures_dif"),
        reserved=item.get("heures_reservees", 0),
        debited=item.get("heures_debitees", 0),
        free=item.get("heures_libres", 0),
        dif_locked=item.get("dif_verrouille", False),
        version=item.get("version", 0),
    )


def movement_attributes(movement: Movement) -> Item:
    attributes: Item = {"date": movement.date, "heures": movement.hours, "libelle": movement.label}
    if movement.confidential:
        attributes["confidentiel"] = True
    return attributes


def movement_from(item: Item) -> Movement:
    return Movement(item["date"], item["heures"], item["libelle"], bool(item.get("confidentiel", False)))


def dossier_attributes(dossier: Dossier) -> Item:
    return {attribute: getattr(dossier, field) for field, attribute in DOSSIER_ATTRIBUTES.items()}


def dossier_from(dossier_id: str, item: Item | None) -> Dossier | None:
    if item is None:
        return None
    return Dossier(
        id=dossier_id,
        title=item["intitule"],
        provider=item["organisme"],
        hours=item["heures"],
        status=item["statut"],
        created_at=item["cree_le"],
        cpf_code=item.get("code_cpf"),
        start_date=item.get("date_debut"),
        confidential=bool(item.get("confidentiel", False)),
        validated_at=item.get("valide_le"),
        closed_at=item.get("clos_le"),
        by_delegation=item.get("cree_par_delegation"),
    )
