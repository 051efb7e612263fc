"""No input ever gets a 500: every refusal is an RFC 9457 problem document with a code and a French detail."""

import json
import logging

import pytest

from tests.helpers.people import NIR, PASSWORD

ROUTES_WITH_BODIES = [
    ("post", "/inscriptions"),
    ("put", "/inscriptions/AAAAAAAAAAAAAAAAAAAAAA/identite"),
    ("put", "/inscriptions/AAAAAAAAAAAAAAAAAAAAAA/mot-de-passe"),
    ("post", "/activations"),
    ("post", "/sessions"),
]


def assert_problem(answer, status: int, code: str):
    assert answer.status == status, answer.raw
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["status"] == status
    assert answer.body["code"] == code
    assert answer.body["title"] and answer.body["detail"]
    assert "Traceback" not in answer.raw.decode()


@pytest.mark.parametrize("method, path", ROUTES_WITH_BODIES)
@pytest.mark.parametrize(
    "raw",
    ['{"nir": ', "[1, 2]", '"texte"', "null", "42", "", "{'a': 1}", '{"a": NaN}', b"\xff\xfe{}"],
    ids=["truncated", "array", "string", "null", "number", "empty", "single-quotes", "nan", "not-utf8"],
)
def test_a_body_that_is_not_a_json_object_is_refused(api, method, path, raw):
    assert_problem(api.call(method, path, raw=raw), 400, "json_invalide")


@pytest.mark.parametrize("method, path", ROUTES_WITH_BODIES)
def test_a_body_over_16_kib_is_refused(api, method, path):
    answer = api.call(method, path, raw=json.dumps({"x": "a" * 16 * 1024}))
    assert_problem(answer, 413, "corps_trop_volumineux")


def test_unknown_fields_are_refused(api):
    answer = api.post("/sessions", {"nir": NIR, "mot_de_passe": PASSWORD, "admin": True})
    assert_problem(answer, 400, "champ_inconnu")
    assert answer.body["erreurs"] == [
        {"champ": "admin", "code": "champ_inconnu", "message": "Ce champ n'est pas attendu."}
    ]


@pytest.mark.parametrize("value", [True, 12, 1.5, None, ["x"], {"a": 1}])
def test_wrong_types_are_refused(api, value):
    answer = api.post("/activations", {"code": value})
    assert_problem(answer, 400, "type_invalide")


def test_several_errors_get_a_general_code_and_each_field(api):
    answer = api.post("/sessions", {"nir": 1, "inconnu": 2})
    assert_problem(answer, 400, "champs_invalides")
    assert {e["champ"]: e["code"] for e in answer.body["erreurs"]} == {
        "nir": "type_invalide",
        "mot_de_passe": "champ_requis",
        "inconnu": "champ_inconnu",
    }


def test_a_body_that_is_not_json_by_its_content_type_is_refused(api):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = api.post("/inscriptions", raw="cgu_acceptees=true", headers=form)
    assert_problem(answer, 415, "type_contenu_non_pris_en_charge")


def test_a_method_the_route_does_not_take_is_refused(api):
    answer = api.patch("/cgu", {})
    assert_problem(answer, 405, "methode_non_autorisee")
    assert "GET" in answer.headers["allow"]


def test_a_captcha_request_takes_no_field(api):
    assert api.post("/captchas", {}).status == 201
    assert_problem(api.post("/captchas", {"reponse": "x"}), 400, "champ_inconnu")


def test_an_unexpected_failure_is_a_problem_document_without_internals(journey, api, monkeypatch):
    from chalicelib import dependencies

    def broken_store():
        raise RuntimeError("table mon-compte-formation unreachable at 10.0.0.1")

    draft_id = journey.start()  # writes nothing: reading the draft is the first use of the store
    monkeypatch.setattr(dependencies, "store", broken_store)
    answer = api.get(f"/inscriptions/{draft_id}")
    assert_problem(answer, 500, "erreur_interne")
    assert "unreachable" not in answer.raw.decode() and "RuntimeError" not in answer.raw.decode()


def test_no_password_token_or_full_nir_reaches_the_logs(journey, api, caplog, monkeypatch):
    caplog.set_level(logging.INFO)  # what Lambda keeps; botocore's DEBUG wire dumps are never enabled
    monkeypatch.setenv("SENDER_EMAIL", "non-verifie@moncompteformation.gouv.fr")  # a failing SES logs a warning
    draft_id = journey.start()
    journey.identity(draft_id)
    journey.password(draft_id)
    journey.log_in(NIR, "Mauvais123")
    logged = caplog.text
    assert "SES refused" in logged  # the logs are captured
    assert NIR not in logged and PASSWORD not in logged and "Mauvais123" not in logged
    assert "jean.dupont@example.fr" not in logged
