"""The FranceConnect paths of the system tests: the tests' own people for the local OpenID provider
(an OIDC_IDENTITIES_FILE of their own, each with the NIR that agrees with them under contract §14's
rule, or on purpose does not), and the provider's redirects followed by hand with `login_hint`."""

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.people import make_nir


@dataclass(frozen=True)
class FcPerson:
    id: str
    given_name: str
    family_name: str
    birthdate: str
    gender: str
    birthplace: str
    nir: str  # the NIR that agrees with the person (or, for `discordant`, that does not)

    @property
    def sub(self) -> str:
        return hashlib.sha256(f"tests-franceconnect-{self.id}".encode()).hexdigest()

    def claims(self) -> dict:
        return {
            "id": self.id,
            "sub": self.sub,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "birthdate": self.birthdate,
            "gender": self.gender,
            "birthplace": self.birthplace,
            "birthcountry": "99100",
        }


def _person(
    id_: str, given: str, family: str, birthdate: str, gender: str, place: str, order: str, nir_place: str = ""
) -> FcPerson:
    year, month = birthdate[2:4], birthdate[5:7]
    sex = "1" if gender == "male" else "2"
    return FcPerson(
        id_, given, family, birthdate, gender, place, make_nir(f"{sex}{year}{month}{nir_place or place}{order}")
    )


# One person a test: a FranceConnect identity verifies one account only.
PEOPLE = {
    p.id: p
    for p in [
        _person("verification", "Camille", "Durand", "1990-03-15", "female", "75056", "101"),
        _person("verification-ecran", "Inès", "Lefèvre", "1992-05-21", "female", "69123", "102"),
        _person("connexion", "Julien", "Moreau", "1983-11-02", "male", "13055", "103"),
        _person("connexion-ecran", "Hugo", "Girard", "1986-01-30", "male", "31555", "104"),
        _person("inscription", "Anne-Hélène", "D'Aubigné", "1995-12-31", "female", "33063", "105"),
        _person("inscription-ecran", "Léna", "Rousseau", "1998-07-14", "female", "44109", "106"),
        _person("double-etat", "Paul", "Faure", "1979-02-11", "male", "67482", "107"),
        # Born in Bordeaux (33063) by FranceConnect, in Pessac (33318) by the account's NIR: a mismatch.
        _person("lieu-discordant", "Marc", "Petit", "1970-09-05", "male", "33063", "108", nir_place="33318"),
        _person("lieu-discordant-ecran", "Luc", "Petit", "1971-10-06", "male", "33063", "109", nir_place="33318"),
        _person("inconnu", "Nina", "Blanc", "2000-04-04", "female", "06088", "110"),
    ]
}


def identities_file(directory: Path) -> Path:
    """The tests' people as the local provider reads them (OIDC_IDENTITIES_FILE)."""
    path = directory / "identites-franceconnect.json"
    path.write_text(
        json.dumps({"franceconnect": [p.claims() for p in PEOPLE.values()], "proconnect": []}, ensure_ascii=False)
    )
    return path


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def through_franceconnect(url: str, person_id: str, portal: str) -> dict[str, str]:
    """Opens FranceConnect's URL with `login_hint` and follows the provider's redirects by hand
    until the one to the portal's /franceconnect/retour: its query (code, state, iss)."""
    opener = urllib.request.build_opener(_NoRedirect)
    location = f"{url}&login_hint={urllib.parse.quote(person_id)}"
    for _ in range(10):
        if location.startswith(f"{portal}/franceconnect/retour"):
            return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        try:
            with opener.open(location, timeout=15) as answer:
                raise AssertionError(
                    f"the provider answered {answer.status} without redirecting: {answer.read()[:500]!r}"
                )
        except urllib.error.HTTPError as error:
            with error:
                status, target, text = error.code, error.headers.get("Location"), error.read()[:500]
            if status not in (302, 303) or not target:
                raise AssertionError(f"the provider answered {status}: {text!r}") from None
            location = urllib.parse.urljoin(location, target)
    raise AssertionError(f"no redirect back to the portal: {location}")
