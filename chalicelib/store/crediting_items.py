"""Crediting's records as items: a year credited to a NIR, a deposited file's bookkeeping."""

from ..domain.records.crediting import DeclarationEntry, DeclarationFile, LineCounts, Rejection, YearCredit
from .keys import Item, expiry_of

COUNTS = ("lignes", "appliquees", "inchangees", "regularisees")


def entry_attributes(entry: DeclarationEntry) -> Item:
    return {
        "heures": entry.hours,
        "duree": entry.reference,
        "fichier": entry.file_id,
        "ligne": entry.line,
        "depose_le": entry.deposited,
        "resultat": entry.outcome,
    }


def entry_from(item: Item) -> DeclarationEntry:
    return DeclarationEntry(
        item["heures"], item["duree"], item["fichier"], item["ligne"], item["depose_le"], item["resultat"]
    )


def year_attributes(year: YearCredit) -> Item:
    return {
        "annee": year.year,
        "base": year.base,
        "heures": year.hours,
        "declarations": {siret: entry_attributes(entry) for siret, entry in year.declarations.items()},
        "version": year.version,
    }


def year_from(item: Item | None) -> YearCredit | None:
    if item is None:
        return None
    declarations = {siret: entry_from(entry) for siret, entry in item.get("declarations", {}).items()}
    return YearCredit(item["annee"], item["base"], item["heures"], declarations, item.get("version", 0))


def counts_attributes(counts: LineCounts) -> Item:
    return {name: getattr(counts, name) for name in COUNTS}


def counts_from(item: Item) -> LineCounts:
    return LineCounts(*(item.get(name, 0) for name in COUNTS))


def file_attributes(file: DeclarationFile) -> Item:
    return {
        "fichier": file.name,
        "depose_le": file.deposited,
        "recu_le": file.received,
        "morceaux": file.chunks,
        "rejet": file.rejection,
    }


def file_from(file_id: str, item: Item | None) -> DeclarationFile | None:
    if item is None:
        return None
    return DeclarationFile(
        file_id,
        item["fichier"],
        item["depose_le"],
        item["recu_le"],
        item.get("morceaux"),
        item.get("rejet"),
        counts_from(item),
        item.get("morceaux_faits", 0),
        expiry_of(item),
    )


def rejection_attributes(rejection: Rejection) -> Item:
    return {"ligne": rejection.line, "code": rejection.code}


def rejection_from(item: Item) -> Rejection:
    return Rejection(item["ligne"], item["code"])
