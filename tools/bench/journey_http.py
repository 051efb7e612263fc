"""The journey of one person over HTTP, step by step, for `make bench-local` and `make load`: the
tutorial's registration (captcha answered through CAPTCHA_FIXED_ANSWER), activation, login, the
holder space (DIF, a dossier created, validated and closed, the hours, the history), then an email
change or a forgotten password and its reset, logout.

Each step goes through `send(step, method, path, body, token)`, which the caller provides: the
benchmark times it with urllib, Locust with its own client. Emails are read from the emulator's
`/moto-api/emails?to=` (tools/local/emulator.py). What a person ends with (NIR, email, password, hours) is
returned so that the load test can check afterwards that nothing was lost.
"""

import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stdnum.fr import nir as nir_rules

PASSWORD = "Formation2015!"
NEW_PASSWORD = "Nouveau2026!"
DIF_HOURS = 72  # whole hours: the API rounds a DIF up
DOSSIER_HOURS = 20


class StepFailed(AssertionError):
    """A step answered something else than the journey expects (its status and body in the message)."""


@dataclass
class Answer:
    status: int
    body: Any  # the answer's JSON (a route's own shape), its text when not JSON, None when empty


# send(step, method, path, body, token) -> Answer
Send = Callable[[str, str, str, object, str | None], Answer]


def nir_of(number: int, prefix: str = "1") -> str:
    """A valid NIR per number (a man or a woman born in 1960-99, in a Paris arrondissement)."""
    body = f"{prefix}{60 + number % 40:02d}{1 + number % 12:02d}75{number % 1_000_000:06d}"[:13]
    return body + nir_rules.calc_check_digits(body + "00")


@dataclass
class Person:
    nir: str
    courriel: str
    password: str = PASSWORD
    dossiers_clos: int = 0
    events: list[str] = field(default_factory=list)


def expect(answer: Answer, step: str, *statuses: int) -> Answer:
    if answer.status not in statuses:
        raise StepFailed(f"{step}: HTTP {answer.status} {json.dumps(answer.body)[:300]}")
    return answer


class Mailbox:
    """The emails the emulator accepted, per recipient."""

    def __init__(self, endpoint_url: str, timeout: float = 30):
        self.url, self.timeout = f"{endpoint_url.rstrip('/')}/moto-api/emails", timeout

    def code(self, recipient: str, page: str, after: int = 0, wait_seconds: float = 10) -> str:
        """The code of the last /<page>#c= link sent to `recipient` among its emails past the `after` first."""
        deadline = time.monotonic() + wait_seconds
        while True:
            emails = self.emails(recipient)[after:]
            codes = [found.group(1) for email in emails if (found := re.search(rf"/{page}#c=([\w-]+)", email["body"]))]
            if codes:
                return codes[-1]
            if time.monotonic() > deadline:
                raise StepFailed(f"no /{page} email among {len(emails)} new emails to {recipient}")
            time.sleep(0.2)

    def count(self, recipient: str) -> int:
        return len(self.emails(recipient))

    def emails(self, recipient: str) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}?to={urllib.parse.quote(recipient)}", timeout=self.timeout) as answer:
            emails: list[dict[str, Any]] = json.load(answer)
        return emails


def register(send: Send, mailbox: Mailbox, person: Person, captcha_answer: str) -> None:
    version = expect(send("cgu", "GET", "/cgu", None, None), "cgu", 200).body["version"]
    draft = expect(
        send("inscription", "POST", "/inscriptions", {"cgu_acceptees": True, "cgu_version": version}, None),
        "inscription",
        201,
    ).body["id"]
    captcha = expect(send("captcha", "POST", "/captchas", None, None), "captcha", 201).body["id"]
    identity = {
        "nir": person.nir, "civilite": "M", "prenom": "Jean", "nom_naissance": "Dupont",
        "telephone_portable": "06 12 34 56 78", "courriel": person.courriel, "courriel_confirmation": person.courriel,
        "captcha_id": captcha, "captcha_reponse": captcha_answer,
    }  # fmt: skip
    expect(send("identite", "PUT", f"/inscriptions/{draft}/identite", identity, None), "identite", 200)
    passwords = {"mot_de_passe": person.password, "mot_de_passe_confirmation": person.password}
    expect(send("mot_de_passe", "PUT", f"/inscriptions/{draft}/mot-de-passe", passwords, None), "mot_de_passe", 201)
    code = mailbox.code(person.courriel, "activation")
    expect(send("activation", "POST", "/activations", {"code": code}, None), "activation", 200)


def log_in(send: Send, person: Person) -> str:
    body = {"nir": person.nir, "mot_de_passe": person.password}
    token: str = expect(send("connexion", "POST", "/sessions", body, None), "connexion", 201).body["jeton"]
    return token


def holder_space(send: Send, person: Person, token: str) -> None:
    """DIF, a dossier created, validated and closed, then the hours and the history."""
    expect(send("synthese", "GET", "/titulaire", None, token), "synthese", 200)
    if person.dossiers_clos == 0:  # the DIF can be set until a dossier is validated
        expect(send("dif", "PUT", "/titulaire/heures/dif", {"solde_dif": DIF_HOURS}, token), "dif", 200)
    dossier = {"intitule": "Bureautique", "organisme": "Centre de formation", "heures": DOSSIER_HOURS}
    created = expect(send("dossier_cree", "POST", "/titulaire/dossiers", dossier, token), "dossier_cree", 201)
    path = f"/titulaire/dossiers/{created.body['id']}"
    expect(send("dossier_valide", "POST", f"{path}/validation", None, token), "dossier_valide", 200)
    expect(send("dossier_clos", "POST", f"{path}/cloture", None, token), "dossier_clos", 200)
    person.dossiers_clos += 1
    expect(send("heures", "GET", "/titulaire/heures", None, token), "heures", 200)
    expect(send("historique", "GET", "/titulaire/historique", None, token), "historique", 200)


def change_email(send: Send, mailbox: Mailbox, person: Person, token: str) -> None:
    new = person.courriel.replace("@", ".nouveau@", 1)
    before = mailbox.count(new)
    body = {"courriel": new, "courriel_confirmation": new, "mot_de_passe": person.password}
    expect(send("courriel_demande", "POST", "/titulaire/courriel", body, token), "courriel_demande", 202, 200)
    code = mailbox.code(new, "courriel", after=before)
    expect(send("courriel_confirme", "POST", "/courriels/confirmation", {"code": code}, None), "courriel_confirme", 200)
    person.courriel = new


def recover(send: Send, mailbox: Mailbox, person: Person) -> None:
    before = mailbox.count(person.courriel)
    body = {"nir": person.nir, "courriel": person.courriel}
    expect(send("oubli", "POST", "/mots-de-passe/oubli", body, None), "oubli", 202)
    code = mailbox.code(person.courriel, "reinitialisation", after=before)
    new_password = NEW_PASSWORD if person.password != NEW_PASSWORD else PASSWORD
    body = {"code": code, "mot_de_passe": new_password, "mot_de_passe_confirmation": new_password}
    expect(send("reinitialisation", "POST", "/mots-de-passe/reinitialisation", body, None), "reinitialisation", 200)
    person.password = new_password


def log_out(send: Send, token: str) -> None:
    expect(send("deconnexion", "DELETE", "/sessions/courante", None, token), "deconnexion", 204, 200)


def whole_journey(send: Send, mailbox: Mailbox, person: Person, captcha_answer: str, email_change: bool) -> None:
    """Registration to logout with the holder space, then either an email change or a forgotten
    password and its reset: an account gets 3 emails an hour (chalicelib/domain/recovery.py), and
    the activation (1), an email change (2) and a reset (1) make 4. Callers alternate."""
    register(send, mailbox, person, captcha_answer)
    token = log_in(send, person)
    holder_space(send, person, token)
    if email_change:
        change_email(send, mailbox, person, token)
        log_out(send, token)
        return
    log_out(send, token)
    recover(send, mailbox, person)
    token = log_in(send, person)
    log_out(send, token)


def urllib_send(base_url: str, timeout: float = 30) -> Send:
    """A `send` on the standard library: the answer's status and JSON body, errors included."""

    def send(step: str, method: str, path: str, body: object, token: str | None) -> Answer:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json", **({"Content-Type": "application/json"} if data else {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, _json(error.read()))

    return send


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")
