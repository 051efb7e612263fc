"""FranceConnect's three paths through the API (contract §14), against a real OpenID provider in
the test's process (tests/helpers/oidc_provider.py): verification from the holder space, login,
registration, and the return's every refusal."""

import pytest

from tests.helpers.api import bearer
from tests.helpers.oidc_provider import JEAN
from tests.helpers.people import OTHER_PERSON, make_nir

VERIFY = "/titulaire/identite/franceconnect"
RETURN = "/franceconnect/retour"


def start_verification(api, token):
    answer = api.post(VERIFY, headers=bearer(token))
    assert answer.status == 201, answer.body
    return answer.body["url"]


def verify(api, franceconnect, token, person=None):
    code, state = franceconnect.authorize(start_verification(api, token), person)
    return api.post(RETURN, {"code": code, "state": state}, headers=bearer(token))


def log_in(api, franceconnect, person=None):
    answer = api.post("/sessions/franceconnect")
    assert answer.status == 201, answer.body
    code, state = franceconnect.authorize(answer.body["url"], person)
    return api.post(RETURN, {"code": code, "state": state})


def assert_refused(answer, status, code):
    assert answer.status == status, answer.body
    assert answer.body["code"] == code, answer.body
    assert answer.body["detail"]


# Verification ---------------------------------------------------------------------------------------


def test_a_holder_verifies_their_identity_and_the_synthesis_and_history_say_so(api, franceconnect, active):
    assert api.get("/titulaire", headers=bearer(active)).body["identite_verifiee"] is False
    answer = verify(api, franceconnect, active)
    assert answer.status == 200, answer.body
    assert answer.body == {"parcours": "verification", "identite_verifiee": True, "verifiee_le": "2026-12-01T09:00:00Z"}
    assert api.get("/titulaire", headers=bearer(active)).body["identite_verifiee"] is True
    events = api.get("/titulaire/historique", headers=bearer(active)).body["evenements"]
    assert [event["type"] for event in events if event["detail"] == "Identité vérifiée avec FranceConnect."] == [
        "identite_verifiee"
    ]


def test_the_authorization_url_asks_for_pkce_eidas1_and_the_contract_scopes(api, franceconnect, active):
    url = start_verification(api, active)
    franceconnect.authorize(url)  # asserts the request as the provider checks it
    assert "code_challenge_method=S256" in url and "acr_values=eidas1" in url
    other = start_verification(api, active)
    assert other != url  # a new state and nonce each time


def test_a_state_used_twice_is_refused(api, franceconnect, active):
    code, state = franceconnect.authorize(start_verification(api, active))
    assert api.post(RETURN, {"code": code, "state": state}, headers=bearer(active)).status == 200
    assert_refused(api.post(RETURN, {"code": code, "state": state}, headers=bearer(active)), 400, "etat_invalide")


def test_an_expired_state_is_refused_and_spends_nothing(api, franceconnect, active, clock):
    code, state = franceconnect.authorize(start_verification(api, active))
    clock.advance(seconds=601)
    assert_refused(api.post(RETURN, {"code": code, "state": state}, headers=bearer(active)), 400, "etat_invalide")
    assert franceconnect.requests.count("POST /franceconnect/token") == 0


def test_a_forged_or_altered_state_is_refused(api, franceconnect, active):
    code, state = franceconnect.authorize(start_verification(api, active))
    altered = state[:-2] + ("AA" if state[-2:] != "AA" else "BB")
    for forged in (altered, "A" * 22, "x" * 86, "état"):
        assert_refused(api.post(RETURN, {"code": code, "state": forged}, headers=bearer(active)), 400, "etat_invalide")


def test_a_state_of_another_session_is_refused_and_stays_usable_by_its_own(api, franceconnect, journey, active):
    other = journey.active_account(**OTHER_PERSON)
    code, state = franceconnect.authorize(start_verification(api, active))
    assert_refused(api.post(RETURN, {"code": code, "state": state}, headers=bearer(other)), 400, "etat_invalide")
    assert api.post(RETURN, {"code": code, "state": state}, headers=bearer(active)).status == 200


def test_the_issuer_the_redirection_names_must_be_franceconnect_s(api, franceconnect, active):
    code, state = franceconnect.authorize(start_verification(api, active))
    body = {"code": code, "state": state, "iss": "http://127.0.0.1:1/autre"}
    assert_refused(api.post(RETURN, body, headers=bearer(active)), 400, "etat_invalide")
    assert api.post(RETURN, {**body, "iss": franceconnect.issuer}, headers=bearer(active)).status == 200


def test_a_verification_return_without_its_session_is_401(api, franceconnect, active):
    code, state = franceconnect.authorize(start_verification(api, active))
    assert_refused(api.post(RETURN, {"code": code, "state": state}), 401, "session_invalide")


def test_a_pivot_identity_that_disagrees_is_409_naming_what_differs_and_changes_nothing(api, franceconnect, active):
    person = {**JEAN, "gender": "female", "family_name": "Durand", "birthdate": "1984-05-17"}
    answer = verify(api, franceconnect, active, person)
    assert_refused(answer, 409, "identite_incoherente")
    assert "le sexe" in answer.body["detail"] and "le nom de naissance" in answer.body["detail"]
    assert "date de naissance" not in answer.body["detail"] and "lieu" not in answer.body["detail"]
    assert api.get("/titulaire", headers=bearer(active)).body["identite_verifiee"] is False


def test_names_agree_whatever_their_case_accents_hyphens_and_spaces(api, franceconnect, journey):
    token = journey.active_account(nom_naissance="Le Bihan-Éloïse")
    answer = verify(api, franceconnect, token, {**JEAN, "family_name": "LEBIHAN ELOISE"})
    assert answer.status == 200, answer.body


def test_one_identity_verifies_one_account(api, franceconnect, journey, active):
    assert verify(api, franceconnect, active).status == 200
    other = journey.active_account(**OTHER_PERSON, nom_naissance="Dupont")
    person = {**JEAN, "gender": "female", "birthdate": "1992-01-03", "birthplace": "69123"}
    assert_refused(verify(api, franceconnect, other, person), 409, "identite_deja_utilisee")
    assert api.get("/titulaire", headers=bearer(other)).body["identite_verifiee"] is False


def test_verifying_again_with_the_same_identity_keeps_the_first_date(api, franceconnect, active, clock):
    first = verify(api, franceconnect, active).body["verifiee_le"]
    clock.advance(minutes=5)
    assert verify(api, franceconnect, active).body["verifiee_le"] == first


def test_an_account_verified_cannot_be_verified_with_another_identity(api, franceconnect, active):
    assert verify(api, franceconnect, active).status == 200
    assert_refused(verify(api, franceconnect, active, {**JEAN, "sub": "un-autre"}), 409, "identite_deja_verifiee")


# The provider failing or lying: 502, nothing changed ------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        {"token_status": 500},
        {"token_status": 400},
        {"userinfo_status": 503},
        {"id_token": {"nonce": "un-autre-nonce"}},
        {"id_token": {"aud": "un-autre-client"}},
        {"id_token": {"iss": "http://127.0.0.1:1/franceconnect"}},
        {"id_token": {"acr": "eidas2"}},
        {"id_token": {"acr": None}},
        {"id_token": {"exp": 1_700_000_000}},
        {"foreign_key": True},
        {"foreign_key": True, "kid": "cle-inconnue"},
        {"algorithm": "none"},
        {"algorithm": "HS256"},
        {"userinfo": {"sub": "un-autre"}},
        {"userinfo": {"birthdate": None}},
        {"userinfo": {"aud": "un-autre-client"}},
    ],
    ids=lambda script: ",".join(f"{k}={v}" for k, v in script.items()),
)
def test_a_refused_token_or_an_error_answer_is_502_and_changes_nothing(api, franceconnect, active, script):
    url = start_verification(api, active)
    for name, value in script.items():
        setattr(franceconnect.script, name, value)
    code, state = franceconnect.authorize(url)
    assert_refused(
        api.post(RETURN, {"code": code, "state": state}, headers=bearer(active)), 502, "franceconnect_indisponible"
    )
    assert api.get("/titulaire", headers=bearer(active)).body["identite_verifiee"] is False


def test_a_kid_the_keys_lack_fetches_them_again_once_only(api, franceconnect, active):
    assert verify(api, franceconnect, active).status == 200
    franceconnect.script.foreign_key, franceconnect.script.kid = True, "cle-inconnue"
    assert_refused(verify(api, franceconnect, active), 502, "franceconnect_indisponible")
    assert franceconnect.requests.count("GET /franceconnect/jwks") == 2  # the first fetch, then one more


def test_a_provider_slower_than_the_timeout_is_502(api, franceconnect, active, monkeypatch):
    from chalicelib import oidc

    url = start_verification(api, active)
    code, state = franceconnect.authorize(url)
    monkeypatch.setattr(oidc, "TIMEOUT_SECONDS", 0.2)
    franceconnect.script.delay_seconds = 1.0
    answer = api.post(RETURN, {"code": code, "state": state}, headers=bearer(active))
    assert_refused(answer, 502, "franceconnect_indisponible")
    franceconnect.script.delay_seconds = 0.0


def test_userinfo_as_plain_json_is_read_too(api, franceconnect, active):
    franceconnect.script.userinfo_json = True
    assert verify(api, franceconnect, active).status == 200


def test_the_provider_down_is_502_at_the_start_and_at_the_return(api, franceconnect, active):
    code, state = franceconnect.authorize(start_verification(api, active))
    franceconnect.down = True
    assert_refused(
        api.post(RETURN, {"code": code, "state": state}, headers=bearer(active)), 502, "franceconnect_indisponible"
    )
    assert api.get("/titulaire", headers=bearer(active)).body["identite_verifiee"] is False


def test_discovery_and_keys_are_fetched_once_and_a_new_kid_fetches_the_keys_again(api, franceconnect, active, journey):
    assert verify(api, franceconnect, active).status == 200
    assert verify(api, franceconnect, active).status == 200
    assert franceconnect.requests.count("GET /franceconnect/.well-known/openid-configuration") == 1
    assert franceconnect.requests.count("GET /franceconnect/jwks") == 1
    franceconnect.rotate_keys()
    assert verify(api, franceconnect, active).status == 200
    assert franceconnect.requests.count("GET /franceconnect/jwks") == 2


def test_a_discovery_document_of_another_issuer_is_refused(api, franceconnect, active):
    franceconnect.script.discovery_issuer = "http://127.0.0.1:1/franceconnect"
    assert_refused(api.post(VERIFY, headers=bearer(active)), 502, "franceconnect_indisponible")


# Login ---------------------------------------------------------------------------------------------


def test_a_verified_holder_logs_in_with_franceconnect(api, franceconnect, active):
    assert verify(api, franceconnect, active).status == 200
    answer = log_in(api, franceconnect)
    assert answer.status == 200, answer.body
    assert answer.body["parcours"] == "connexion"
    synthesis = api.get("/titulaire", headers=bearer(answer.body["jeton"]))
    assert synthesis.status == 200 and synthesis.body["identite_verifiee"] is True


def test_an_identity_no_account_is_verified_with_is_404(api, franceconnect, active):
    answer = log_in(api, franceconnect)
    assert_refused(answer, 404, "compte_franceconnect_inconnu")
    assert "numéro de sécurité sociale" in answer.body["detail"]


def test_a_login_state_used_twice_is_refused(api, franceconnect, active):
    assert verify(api, franceconnect, active).status == 200
    answer = api.post("/sessions/franceconnect")
    code, state = franceconnect.authorize(answer.body["url"])
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    assert_refused(api.post(RETURN, {"code": code, "state": state}), 400, "etat_invalide")


def test_a_locked_account_still_logs_in_with_franceconnect(api, franceconnect, active, journey):
    from tests.helpers.people import NIR

    assert verify(api, franceconnect, active).status == 200
    for _ in range(5):
        journey.log_in(NIR, "Mauvais2015!")
    assert journey.log_in(NIR).status == 429
    assert log_in(api, franceconnect).status == 200


# Registration -----------------------------------------------------------------------------------


def test_a_registration_verified_with_franceconnect_keeps_its_names_and_creates_a_verified_account(
    api, franceconnect, journey
):
    draft = journey.start()
    answer = api.post(f"/inscriptions/{draft}/franceconnect")
    assert answer.status == 201, answer.body
    code, state = franceconnect.authorize(answer.body["url"])
    back = api.post(RETURN, {"code": code, "state": state})
    assert back.status == 200, back.body
    assert back.body == {"parcours": "inscription", "id": draft, "etape": "identite"}
    assert journey.identity(draft, prenom="Jacques", nom_naissance="Martin", civilite="MME").status == 200
    assert journey.password(draft).status == 201
    assert journey.activate(journey.last_activation_code()).status == 200
    token = journey.log_in(journey_nir()).body["jeton"]
    synthesis = api.get("/titulaire", headers=bearer(token)).body
    assert (synthesis["civilite"], synthesis["prenom"], synthesis["nom_naissance"]) == ("M", "Jean", "DUPONT")
    assert synthesis["identite_verifiee"] is True
    events = api.get("/titulaire/historique", headers=bearer(token)).body["evenements"]
    assert {"inscription", "identite_verifiee", "activation"} <= {event["type"] for event in events}
    assert log_in(api, franceconnect).status == 200  # the sub is the account's, for good


def journey_nir():
    from tests.helpers.people import NIR

    return NIR


def test_a_registration_whose_nir_disagrees_is_409_at_the_password_step(api, franceconnect, journey):
    draft = journey.start()
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    assert journey.identity(draft, **OTHER_PERSON).status == 200
    answer = journey.password(draft)
    assert_refused(answer, 409, "identite_incoherente")
    assert "le sexe" in answer.body["detail"] and "la date de naissance" in answer.body["detail"]


def test_a_registration_state_cannot_be_used_for_another_draft_or_twice(api, franceconnect, journey):
    draft = journey.start()
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    assert_refused(api.post(RETURN, {"code": code, "state": state}), 400, "etat_invalide")


def test_franceconnect_for_an_unknown_draft_is_404(api, franceconnect):
    assert_refused(api.post("/inscriptions/" + "A" * 86 + "/franceconnect"), 404, "inscription_introuvable")


def test_a_sub_already_verifying_an_account_cannot_register_another(api, franceconnect, journey, active):
    assert verify(api, franceconnect, active).status == 200
    draft = journey.start()
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    # Jean's NIR is held by his active account: the identity step refuses it as ever; the sub's own
    # reservation is checked at the password step (in its transaction).
    assert journey.identity(draft, courriel="autre@example.fr").status == 409


def test_a_draft_verified_with_a_sub_another_account_holds_is_409_at_the_password_step(api, franceconnect, journey):
    token = journey.active_account(**OTHER_PERSON)
    marie = {
        **JEAN,
        "sub": "sub-marie",
        "gender": "female",
        "birthdate": "1992-01-03",
        "birthplace": "69123",
        "given_name": "Marie",
        "family_name": "Dupont",
    }
    assert verify(api, franceconnect, token, marie).status == 200
    draft = journey.start()
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"], marie)
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    assert journey.identity(draft, nir=make_nir("2920169123046"), courriel="autre@example.fr").status == 200
    assert_refused(journey.password(draft), 409, "identite_deja_utilisee")


def test_a_registration_cancelled_before_the_return_is_404_and_keeps_nothing(api, franceconnect, journey):
    draft = journey.start()
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    assert api.delete(f"/inscriptions/{draft}").status == 204
    assert_refused(api.post(RETURN, {"code": code, "state": state}), 404, "inscription_introuvable")


def test_a_registration_past_its_password_step_cannot_go_to_franceconnect(api, franceconnect, journey):
    draft = journey.start()
    assert journey.identity(draft).status == 200
    assert journey.password(draft).status == 201
    assert_refused(api.post(f"/inscriptions/{draft}/franceconnect"), 409, "etape_invalide")


def test_a_return_onto_a_draft_whose_nir_disagrees_is_409_at_once(api, franceconnect, journey):
    draft = journey.start()
    assert journey.identity(draft, **OTHER_PERSON).status == 200  # "Retour": the identity step is done
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    assert_refused(api.post(RETURN, {"code": code, "state": state}), 409, "identite_incoherente")


def test_the_client_secret_comes_from_secrets_manager_when_a_secret_is_named(api, franceconnect, active, monkeypatch):
    import boto3

    secrets = boto3.client("secretsmanager")
    secrets.create_secret(Name="fc/bon", SecretString="secret-local-franceconnect-mon-compte-formation-0001")
    secrets.create_secret(Name="fc/mauvais", SecretString="un-secret-que-le-fournisseur-refuse")
    monkeypatch.setenv("FRANCECONNECT_CLIENT_SECRET_NAME", "fc/mauvais")
    assert_refused(verify(api, franceconnect, active), 502, "franceconnect_indisponible")  # invalid_client
    monkeypatch.setenv("FRANCECONNECT_CLIENT_SECRET_NAME", "fc/bon")
    assert verify(api, franceconnect, active).status == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"code": "abc"}, {"state": "abc"}, {"code": "abc", "state": "abc", "autre": 1}, {"code": 1, "state": []}],
)
def test_a_bad_return_body_is_a_problem_naming_every_field(api, franceconnect, body):
    answer = api.post(RETURN, body)
    assert answer.status == 400 and answer.body["erreurs"], answer.body


def test_a_verified_registration_s_identity_stays_reserved_once_activated_past_the_pending_time(
    api, franceconnect, journey, clock
):
    draft = journey.start()
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    assert journey.identity(draft).status == 200
    assert journey.password(draft).status == 201
    assert log_in(api, franceconnect).status == 403  # pending: compte_non_active
    assert journey.activate(journey.last_activation_code()).status == 200
    clock.advance(days=16)  # past the pending account's 15 days, which the reservation had while pending
    assert log_in(api, franceconnect).status == 200


def test_an_unactivated_verified_registration_frees_its_identity_when_its_link_expires(
    api, franceconnect, journey, clock
):
    draft = journey.start()
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    assert journey.identity(draft).status == 200
    assert journey.password(draft).status == 201
    clock.advance(days=16)
    assert_refused(log_in(api, franceconnect), 404, "compte_franceconnect_inconnu")
    token = journey.active_account()  # Jean registers again, with his password this time
    assert verify(api, franceconnect, token).status == 200
