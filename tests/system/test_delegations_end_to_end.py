"""End to end, over real HTTP: a delegation's whole life (grant, accept, read, revoke, refused
afterwards) and the confirmed email change, against the local stack of `make run` (moto server,
bootstrap, `chalice local`) on free ports, the emails read on the emulator."""

import json
import os
import re
import urllib.error
import urllib.request

import pytest

from chalicelib.settings import ENVIRONMENT_NAMES
from tests.helpers.people import PASSWORD, identity, make_nir
from tools.local_stack import LocalStack, free_ports

CAPTCHA = "AE23HJ"


@pytest.fixture(scope="module")
def stack():
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ENVIRONMENT_NAMES and not name.startswith("AWS_") and name not in ("PORT", "MOTO_PORT")
    }
    api_port, moto_port = free_ports(2)
    local = LocalStack(
        api_port=api_port,
        moto_port=moto_port,
        extra_env={"CAPTCHA_FIXED_ANSWER": CAPTCHA},
        environ=environ,
        capture_output=True,
        autoreload=False,
    )
    with local:
        yield local


class Http:
    def __init__(self, stack: LocalStack, token: str | None = None):
        self.stack, self.token = stack, token

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | None]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.stack.api_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                status, raw = error.code, error.read()
        assert status < 500, self.stack.output()[-4000:]
        return status, (json.loads(raw) if raw else None)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, body)

    def delete(self, path):
        return self.call("DELETE", path)


def link_in_last_email(stack: LocalStack, recipient: str, path: str) -> str:
    mine = [m for m in stack.sent_emails() if recipient in json.dumps(m.get("destinations", {}))]
    assert mine, f"no email to {recipient}"
    found = re.search(rf"/{path}\?c=([A-Za-z0-9_-]+)", mine[-1]["body"])
    assert found, mine[-1]["body"]
    return found.group(1)


def logged_in(stack: LocalStack, nir: str, courriel: str, **person) -> Http:
    """Registered, activated and logged in over HTTP."""
    http = Http(stack)
    version = http.get("/cgu")[1]["version"]
    draft = http.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version})[1]["id"]
    captcha = http.post("/captchas")[1]["id"]
    body = {**identity(nir=nir, courriel=courriel, **person), "captcha_id": captcha, "captcha_reponse": CAPTCHA}
    assert http.call("PUT", f"/inscriptions/{draft}/identite", body)[0] == 200
    password = {"mot_de_passe": PASSWORD, "mot_de_passe_confirmation": PASSWORD}
    assert http.call("PUT", f"/inscriptions/{draft}/mot-de-passe", password)[0] == 201
    assert http.post("/activations", {"code": link_in_last_email(stack, courriel, "activation")})[0] == 200
    status, session = http.post("/sessions", {"nir": nir, "mot_de_passe": PASSWORD})
    assert status == 201, session
    return Http(stack, session["jeton"])


def test_a_delegation_s_life_over_http(stack):
    holder = logged_in(
        stack,
        make_nir("2850344123456"),
        "claire.petit@example.fr",
        prenom="Claire",
        civilite="MME",
        nom_naissance="Petit",
    )
    delegate = logged_in(
        stack, make_nir("1790231123456"), "marc.leroy@example.fr", prenom="Marc", nom_naissance="Leroy"
    )
    assert holder.call("PUT", "/titulaire/heures/dif", {"solde_dif": 30})[0] == 200
    secret = holder.post(
        "/titulaire/dossiers", {"intitule": "Reconversion", "organisme": "Centre", "heures": 10, "confidentiel": True}
    )
    assert secret[0] == 201

    status, granted = holder.post("/titulaire/delegations", {"courriel": "marc.leroy@example.fr", "portee": "gestion"})
    assert status == 201, granted
    code = link_in_last_email(stack, "marc.leroy@example.fr", "delegation")
    status, accepted = delegate.post("/delegations/acceptation", {"code": code})
    assert status == 200, accepted
    assert accepted["titulaire"] == {"prenom": "Claire", "nom_naissance": "Petit"}

    base = f"/titulaire/comptes-delegues/{granted['id']}"
    status, synthesis = delegate.get(base)
    assert status == 200, synthesis
    assert synthesis["dossiers_en_cours"] == 0  # the confidential dossier is not counted
    assert delegate.get(f"{base}/dossiers")[1] == {"dossiers": []}
    status, drafted = delegate.post(f"{base}/dossiers", {"intitule": "Bureautique", "organisme": "Centre", "heures": 5})
    assert status == 201, drafted
    assert holder.post(f"/titulaire/dossiers/{drafted['id']}/validation")[0] == 200  # only the holder validates

    assert holder.delete(f"/titulaire/delegations/{granted['id']}")[0] == 204
    for path in (base, f"{base}/heures", f"{base}/dossiers", f"{base}/dossiers/{drafted['id']}"):
        status, refused = delegate.get(path)
        assert (status, refused["code"]) == (404, "delegation_introuvable"), path
    assert delegate.get("/titulaire/comptes-delegues")[1] == {"comptes": []}
    kinds = [event["type"] for event in holder.get("/titulaire/historique")[1]["evenements"]]
    assert kinds[:5] == [
        "delegation_revoquee",
        "dossier_valide",
        "dossier_cree_par_delegataire",
        "delegation_acceptee",
        "delegation_accordee",
    ]


def test_the_confirmed_email_change_over_http(stack):
    nir = make_nir("1920699123456")
    person = logged_in(stack, nir, "paul.martin@example.fr", prenom="Paul", nom_naissance="Martin")
    status, asked = person.post(
        "/titulaire/courriel",
        {"courriel": "paul.m@example.org", "courriel_confirmation": "paul.m@example.org", "mot_de_passe": PASSWORD},
    )
    assert status == 202, asked
    notice = [m for m in stack.sent_emails() if "paul.martin@example.fr" in json.dumps(m.get("destinations", {}))][-1]
    assert "?c=" not in notice["body"]
    assert "p***@example.org" in notice["body"]

    code = link_in_last_email(stack, "paul.m@example.org", "courriel")
    status, changed = Http(stack).post("/courriels/confirmation", {"code": code})  # no session needed
    assert (status, changed["courriel"]) == (200, "paul.m@example.org"), changed
    assert person.get("/titulaire/informations")[1]["courriel"] == "paul.m@example.org"
    status, again = Http(stack).post("/courriels/confirmation", {"code": code})
    assert (status, again["code"]) == (404, "code_invalide")
    history = person.get("/titulaire/historique")[1]["evenements"]
    assert history[0]["detail"] == "Adresse courriel modifiée : p***@example.fr remplacée par p***@example.org."
