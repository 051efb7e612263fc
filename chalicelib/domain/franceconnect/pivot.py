"""The pivot identity's rule: does the person FranceConnect vouches for agree with a NIR (and, for a
verification, with the account's nom de naissance)? Pure functions, no I/O (contract §14).

A NIR is sex (1) · year of birth (2) · month (2) · place (5: département and commune, or 99 and the
country) · order (3) · key (2). The pivot identity must agree with each part it can be compared with:
- the sex: 1 for a man (`male`), 2 for a woman (`female`);
- the birth date: the year's last two digits, and the month unless the NIR's says it was unknown
  (20 to 42, or 50 to 99: people whose civil status was incomplete when they were registered);
- the birthplace: born in France (`birthcountry` 99100), `birthplace`, the INSEE code of the commune,
  is the NIR's digits 6 to 10 (`2A`/`2B` for Corsica; a NIR given before 1976 says `20` for both);
  born abroad, the NIR's digits 6 and 7 are `99` and 8 to 10 the country's code (`birthcountry` 99XXX);
- for a verification, the family name is the account's nom de naissance, case, accents, spaces,
  hyphens and apostrophes aside.
"""

import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from ..records.franceconnect import PivotIdentity

BORN_IN_FRANCE = "99100"
SEX_DIGIT = {"male": "1", "female": "2"}
CIVILITE = {"male": "M", "female": "MME"}
IGNORED_IN_NAMES = frozenset(" -'’‘`ʼ")


class Difference(StrEnum):
    """What of the pivot identity does not agree, as the refusal's detail names it."""

    SEX = "le sexe"
    BIRTH_DATE = "la date de naissance"
    BIRTHPLACE = "le lieu de naissance"
    NAME = "le nom de naissance"


def pivot_from_claims(sub: str, claims: Mapping[str, Any]) -> PivotIdentity | None:
    """The pivot identity a userinfo gives, or None when a claim is missing or malformed."""
    values = {name: claims.get(name) for name in ("given_name", "family_name", "birthdate", "gender")}
    birthplace, birthcountry = claims.get("birthplace") or "", claims.get("birthcountry") or BORN_IN_FRANCE
    if not all(isinstance(value, str) and value.strip() for value in values.values()):
        return None
    if not isinstance(birthplace, str) or not isinstance(birthcountry, str) or values["gender"] not in SEX_DIGIT:
        return None
    return PivotIdentity(
        sub,
        given_name=unicodedata.normalize("NFC", str(values["given_name"]).strip()),
        family_name=unicodedata.normalize("NFC", str(values["family_name"]).strip()),
        birthdate=str(values["birthdate"]),
        gender=str(values["gender"]),
        birthplace=birthplace.strip().upper(),
        birthcountry=birthcountry.strip(),
    )


def differences(pivot: PivotIdentity, nir: str, nom_naissance: str | None = None) -> tuple[Difference, ...]:
    """What differs between the pivot identity and a compact NIR (and a nom de naissance, when
    given), in the order sex, birth date, birthplace, name; empty when they agree."""
    found = []
    if SEX_DIGIT.get(pivot.gender) != nir[:1]:
        found.append(Difference.SEX)
    if not birth_date_agrees(pivot.birthdate, nir):
        found.append(Difference.BIRTH_DATE)
    if not birthplace_agrees(pivot.birthplace, pivot.birthcountry, nir):
        found.append(Difference.BIRTHPLACE)
    if nom_naissance is not None and name_key(pivot.family_name) != name_key(nom_naissance):
        found.append(Difference.NAME)
    return tuple(found)


def month_unknown(nir_month: str) -> bool:
    """A NIR's month of 20 to 42 or 50 to 99 says the month of birth was not known."""
    return nir_month.isdigit() and (20 <= int(nir_month) <= 42 or 50 <= int(nir_month) <= 99)


def birth_date_agrees(birthdate: str, nir: str) -> bool:
    year, _, rest = birthdate.partition("-")
    month = rest.partition("-")[0]
    if len(year) != 4 or not year.isdigit() or year[2:] != nir[1:3]:
        return False
    return month_unknown(nir[3:5]) or month == nir[3:5]


def birthplace_agrees(birthplace: str, birthcountry: str, nir: str) -> bool:
    place = nir[5:10]
    if birthcountry != BORN_IN_FRANCE:
        return len(birthcountry) == 5 and birthcountry.startswith("99") and place == birthcountry  # 99 + country
    if len(birthplace) != 5 or place.startswith("99"):
        return False
    if place == birthplace:
        return True
    # Corsica became 2A and 2B in 1976: an older NIR says 20, with the same commune number.
    return place[:2] == "20" and birthplace[:2] in ("2A", "2B") and place[2:] == birthplace[2:]


def name_key(name: str) -> str:
    """A name as compared: case, accents, spaces, hyphens and apostrophes aside."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in IGNORED_IN_NAMES)


def refusal_detail(found: tuple[Difference, ...]) -> str:
    """The French sentence of a mismatch, naming what differs."""
    named = [str(difference) for difference in found]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " et " + named[-1]
    verb = "diffère" if len(named) == 1 else "diffèrent"
    return (
        "L'identité transmise par FranceConnect ne correspond pas au numéro de sécurité sociale "
        f"ou au nom de naissance de ce compte : {listed} {verb}. Rien n'a été modifié."
    )
