"""Contract §13: the NIR never leaves the server. No answer (body or header), no email (its text,
its HTML, its links, its SES tags) and no code, id or token carries it, in any readable form; the
person's own NIR is only ever shown to them masked. Codes, ids and tokens are at most 86 URL-safe
characters. A first login and the first crediting of its NIR, racing, agree on one rights id."""

import json
import re

import pytest

from chalicelib.store import Store
from tests.helpers.api import bearer
from tests.helpers.people import EMAIL, NEW_PASSWORD, NIR, PASSWORD
from tests.helpers.table import credit_cpf_hours, rights_id_of

# The compact NIR, its 13 digits without the key, and the way people type it (spaces, a dot).
NIR_FORMS = (NIR, NIR[:13], " ".join((NIR[0], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:13], NIR[13:])))
OPAQUE = re.compile(r"[A-Za-z0-9_.-]{1,86}")


@pytest.fixture
def handed_out(api, monkeypatch):
    """Every answer the API gives during a test: its body and its headers, as text."""
    seen: list[str] = []
    call = api.call

    def recording(*arguments, **options):
        answer = call(*arguments, **options)
        seen.append(answer.raw.decode("utf-8", errors="replace") + json.dumps(answer.headers))
        return answer

    monkeypatch.setattr(api, "call", recording)
    return seen


def carries_the_nir(text: str) -> bool:
    folded = text.replace("\\u00a0", " ")
    return any(form in folded or form in folded.replace(" ", "") for form in NIR_FORMS)


def test_the_journey_the_holder_space_and_every_email_hand_out_no_nir(journey, api, handed_out, email_requests, clock):
    draft_id = journey.start()
    captcha_id, _ = journey.captcha()
    token = journey.active_account()
    auth = bearer(token)
    for path in ("/titulaire", "/titulaire/informations", "/titulaire/heures", "/titulaire/historique"):
        assert api.get(path, headers=auth).status == 200
    api.put("/titulaire/heures/dif", {"solde_dif": 10}, headers=auth)
    api.post("/titulaire/dossiers", {"intitule": "Anglais", "organisme": "Centre", "heures": 5}, headers=auth)
    grant = {"courriel": "marie@example.fr", "portee": "consultation", "mot_de_passe": PASSWORD}
    assert api.post("/titulaire/delegations", grant, headers=auth).status == 201
    clock.advance(hours=1)  # out of the hour's allowance of 3 emails
    assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    reset_email = email_requests[-1]["Message"]["Body"]["Text"]["Data"]
    (reset_code,) = re.findall(r"/reinitialisation#c=([A-Za-z0-9_-]+)", reset_email)
    reset = {"code": reset_code, "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD}
    assert api.post("/mots-de-passe/reinitialisation", {**reset, "fin_des_delegations": True}).status == 200
    auth = bearer(journey.log_in(NIR, NEW_PASSWORD).body["jeton"])
    back = {"mot_de_passe_actuel": NEW_PASSWORD, "nouveau_mot_de_passe": PASSWORD, "confirmation": PASSWORD}
    assert api.put("/titulaire/mot-de-passe", back, headers=auth).status == 200
    clock.advance(hours=1)
    auth = bearer(journey.log_in(NIR).body["jeton"])
    change = {"courriel": "jean@example.org", "courriel_confirmation": "jean@example.org", "mot_de_passe": PASSWORD}
    assert api.post("/titulaire/courriel", change, headers=auth).status == 202
    # Activation, the invitation and its notice, the reset's link and its notice, the password change's
    # notice, the email change's link and its notice.
    assert len(email_requests) == 8

    assert not [text for text in handed_out if carries_the_nir(text)]
    assert not [request for request in email_requests if carries_the_nir(json.dumps(request, ensure_ascii=False))]
    for opaque in (draft_id, captcha_id, token):
        assert OPAQUE.fullmatch(opaque), opaque
    bodies = [part["Data"] for r in email_requests for part in r["Message"]["Body"].values()]
    codes = [code for body in bodies for code in re.findall(r"[?#]c=([^\s\"'<&]+)", body)]
    assert codes and all(OPAQUE.fullmatch(code) for code in codes)


def test_the_person_sees_their_own_nir_masked_only(journey, api):
    token = journey.active_account()
    informations = api.get("/titulaire/informations", headers=bearer(token)).body
    assert informations["nir_masque"] == f"{NIR[0]} ** ** ** *** *** {NIR[13:]}"


def test_a_first_login_racing_the_first_crediting_of_its_nir_takes_the_crediting_s_rights(journey, api, monkeypatch):
    journey.activate(journey.register())
    open_session = Store.open_session

    def crediting_first(self, login):
        if login.new_rights_id:
            credit_cpf_hours(24)  # lands between the login's read and its write
        return open_session(self, login)

    monkeypatch.setattr(Store, "open_session", crediting_first)
    token = journey.log_in(NIR).body["jeton"]
    assert token.split(".")[1] == rights_id_of(NIR)
    assert api.get("/titulaire", headers=bearer(token)).body["heures_cpf_disponibles"] == 24


def test_a_first_crediting_racing_the_first_login_of_its_nir_credits_the_login_s_rights(journey, api, monkeypatch):
    journey.activate(journey.register())
    credit_declaration, logged_in = Store.credit_declaration, []

    def login_first(self, credit):
        if credit.new_rights_id_of is not None and not logged_in:
            logged_in.append(journey.log_in(NIR).body["jeton"])  # lands between the chunk's read and write
        return credit_declaration(self, credit)

    monkeypatch.setattr(Store, "credit_declaration", login_first)
    credit_cpf_hours(24)
    (token,) = logged_in
    assert token.split(".")[1] == rights_id_of(NIR)
    assert api.get("/titulaire", headers=bearer(token)).body["heures_cpf_disponibles"] == 24


def test_a_nir_credited_before_its_holder_registers_shows_its_hours_at_the_first_login(journey, api):
    credit_cpf_hours(24)
    rights_id = rights_id_of(NIR)
    token = journey.active_account()
    assert token.split(".")[1] == rights_id
    assert api.get("/titulaire", headers=bearer(token)).body["heures_cpf_disponibles"] == 24
