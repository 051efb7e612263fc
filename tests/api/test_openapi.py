"""GET /openapi.json: the API described by itself, from its route table and its forms and answers.
(Every answer of the API tests is also checked against it: tests/helpers/contract.py.)"""

import pytest
from openapi_spec_validator import validate

from tests.helpers.api import bearer


@pytest.fixture
def document(api):
    answer = api.get("/openapi.json")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/json")
    return answer.body


def operations_of(document) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}


def test_the_description_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_it_describes_every_route_of_the_app_and_nothing_else(document):
    from app import app

    routes = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert operations_of(document) == routes


def test_every_operation_has_a_french_summary_and_its_answers(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation["summary"] and operation["operationId"], (method, path)
            assert any(status.startswith("2") for status in operation["responses"]), (method, path)


def test_request_bodies_are_the_forms_with_their_constraints(document):
    registration = document["paths"]["/inscriptions/{draft_id}/identite"]["put"]
    form = registration["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = document["components"]["schemas"][form]
    assert {
        "nir",
        "civilite",
        "nom_naissance",
        "courriel",
        "courriel_confirmation",
        "captcha_id",
        "captcha_reponse",
    } <= set(schema["required"])
    assert schema["additionalProperties"] is False  # unknown fields are refused
    dossier = document["components"]["schemas"]["DossierForm"]["properties"]["heures"]
    assert (dossier["minimum"], dossier["maximum"]) == (1, 150)


def test_authenticated_routes_name_the_bearer_scheme_and_the_401(document):
    titulaire = document["paths"]["/titulaire"]["get"]
    assert titulaire["security"] == [{"jeton": []}]
    assert document["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
    problem = titulaire["responses"]["401"]["content"]["application/problem+json"]["schema"]
    assert problem["$ref"] == "#/components/schemas/Probleme"
    assert problem["properties"]["code"]["enum"] == ["session_invalide"]
    assert "security" not in document["paths"]["/sessions"]["post"]


def test_each_route_lists_the_problem_codes_it_can_answer(document):
    login = document["paths"]["/sessions"]["post"]["responses"]
    assert set(login) >= {"201", "400", "401", "403", "429", "503"}
    codes = login["401"]["content"]["application/problem+json"]["schema"]["properties"]["code"]["enum"]
    assert codes == ["identifiants_invalides"]
    assert "Retry-After" in login["429"]["headers"] and "Retry-After" in login["503"]["headers"]


def test_a_route_s_undocumented_answer_is_caught_by_the_contract_check(api, journey):
    """The check the API tests rely on does fail: a 200 body that misses a documented field."""
    from tests.helpers import contract

    token = journey.active_account()
    synthesis = api.get("/titulaire", headers=bearer(token)).body
    del synthesis["dossiers_clos"]
    with pytest.raises(contract.ContractBreach):
        contract.check("get", "/titulaire", 200, "application/json", synthesis)
    with pytest.raises(contract.ContractBreach):
        contract.check("get", "/titulaire", 418, "application/json", {})


def test_problems_are_one_probleme_schema_with_each_route_s_codes_beside_it(document):
    """No allOf, no narrowed `status`: code generators keep every error answer as one Probleme class
    (tests/system/test_generated_client.py generates one), and validators still apply the codes."""
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                if not status.startswith(("4", "5")):
                    continue
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema["$ref"] == "#/components/schemas/Probleme", (method, path, status)
                assert set(schema) == {"$ref", "properties"} and set(schema["properties"]) == {"code"}
                assert schema["properties"]["code"]["enum"], (method, path, status)


def test_a_problem_with_a_code_the_route_does_not_list_or_another_status_breaks_the_contract():
    from tests.helpers import contract

    problem = {"status": 401, "title": "Authentification requise", "detail": "…", "code": "identifiants_invalides"}
    contract.check("post", "/sessions", 401, "application/problem+json", problem)
    with pytest.raises(contract.ContractBreach, match="is not one of"):
        contract.check("post", "/sessions", 401, "application/problem+json", {**problem, "code": "session_invalide"})
    with pytest.raises(contract.ContractBreach, match="a problem saying 400"):
        contract.check("post", "/sessions", 401, "application/problem+json", {**problem, "status": 400})


def test_the_sensitive_acts_are_described(document):
    """Contract §14: the grant's password and its refusals, the reset's `fin_des_delegations`."""
    grant = document["paths"]["/titulaire/delegations"]["post"]
    assert grant["security"] == [{"jeton": []}]
    form = document["components"]["schemas"]["DelegationForm"]
    assert {"courriel", "portee", "mot_de_passe"} <= set(form["required"])

    def codes(status):
        problem = grant["responses"][status]["content"]["application/problem+json"]["schema"]
        return problem["properties"]["code"]["enum"]

    assert set(codes("403")) == {"identite_non_verifiee", "mot_de_passe_incorrect"}
    assert {"compte_verrouille", "envois_trop_nombreux"} <= set(codes("429"))
    reset = document["components"]["schemas"]["PasswordResetForm"]
    flag = reset["properties"]["fin_des_delegations"]
    assert (flag["type"], flag["default"]) == ("boolean", False)
    assert "fin_des_delegations" not in reset["required"]
