"""Rights, movements and dossiers as items: which attribute holds what, both ways."""

from ..domain.records.hours import Dossier, Movement, Rights
from .keys import Item

# A dossier's fields are stored under the names the record gives them.
DOSSIER_ATTRIBUTES = tuple(name for name in Dossier.__dataclass_fields__ if name != "id")


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
    return {name: getattr(dossier, name) for name in DOSSIER_ATTRIBUTES}


def dossier_from(dossier_id: str, item: Item | None) -> Dossier | None:
    if item is None:
        return None
    return Dossier(
        id=dossier_id,
        intitule=item["intitule"],
        organisme=item["organisme"],
        heures=item["heures"],
        statut=item["statut"],
        cree_le=item["cree_le"],
        code_cpf=item.get("code_cpf"),
        date_debut=item.get("date_debut"),
        confidentiel=bool(item.get("confidentiel", False)),
        valide_le=item.get("valide_le"),
        clos_le=item.get("clos_le"),
        cree_par_delegation=item.get("cree_par_delegation"),
    )
