"""People with active accounts, for the tests of délégations and of the email change through the API.

Each is registered and activated, then the clock moves an hour on before anyone logs in: the
registration email has then left the hour's email allowance, so that a test starts with all three.
"""

import re
from dataclasses import dataclass, field

from tests.helpers.api import bearer
from tests.helpers.people import NIR, OTHER_NIR, make_nir

JEAN = {"nir": NIR, "courriel": "jean.dupont@example.fr", "prenom": "Jean", "nom_naissance": "Dupont"}
MARIE = {
    "nir": OTHER_NIR,
    "courriel": "marie.martin@example.fr",
    "prenom": "Marie",
    "nom_naissance": "Martin",
    "civilite": "MME",
}
PAUL = {
    "nir": make_nir("1750799123456"),
    "courriel": "paul.durand@example.fr",
    "prenom": "Paul",
    "nom_naissance": "Durand",
}
LUCIE = {
    "nir": make_nir("2880631123456"),
    "courriel": "lucie.bernard@example.fr",
    "prenom": "Lucie",
    "nom_naissance": "Bernard",
    "civilite": "MME",
}


@dataclass
class Person:
    """One person with an active account, logged in; each change moves the clock a second on, so
    that the order of the history is certain."""

    journey: object
    clock: object
    identity: dict
    token: str = field(default="", repr=False)

    @property
    def api(self):
        return self.journey.api

    @property
    def courriel(self) -> str:
        return self.identity["courriel"]

    def log_in(self) -> "Person":
        answer = self.journey.log_in(self.identity["nir"])
        assert answer.status == 201, answer.body
        self.token = answer.body["jeton"]
        return self

    def get(self, path: str):
        return self.api.get(path, headers=bearer(self.token))

    def post(self, path: str, body=None):
        self.clock.advance(seconds=1)
        return self.api.post(path, body, headers=bearer(self.token))

    def put(self, path: str, body=None):
        self.clock.advance(seconds=1)
        return self.api.put(path, body, headers=bearer(self.token))

    def patch(self, path: str, body=None):
        self.clock.advance(seconds=1)
        return self.api.patch(path, body, headers=bearer(self.token))

    def delete(self, path: str):
        self.clock.advance(seconds=1)
        return self.api.delete(path, headers=bearer(self.token))

    def history(self) -> list[dict]:
        answer = self.get("/titulaire/historique")
        assert answer.status == 200, answer.body
        return answer.body["evenements"]


def open_accounts(journey, clock, *identities: dict) -> list[Person]:
    """Register and activate each person, let an hour pass, then log each in."""
    people = []
    for person in identities:
        assert journey.activate(journey.register(**person)).status == 200
        people.append(Person(journey, clock, person))
    clock.advance(hours=1)
    return [person.log_in() for person in people]


def emails_to(sent_emails, address: str) -> list:
    return [email for email in sent_emails() if address in email.destinations["ToAddresses"]]


def link_code(email, path: str) -> str:
    found = re.search(rf"/{path}#c=([A-Za-z0-9_-]+)", email.body)
    assert found, f"no /{path} link in: {email.body}"
    return found.group(1)
