"""The tutorial's journey through the API, step by step, on the emulated AWS."""

from tests.helpers.api import bearer
from tests.helpers.people import NIR


def test_a_person_registers_activates_logs_in_and_sees_an_empty_account(journey, api, sent_emails):
    draft_id = journey.start()
    assert journey.identity(draft_id).body["etape"] == "mot_de_passe"
    registered = journey.password(draft_id)
    assert registered.status == 201
    assert registered.body["etape"] == "activation"
    assert registered.body["detail"] == "Votre inscription a bien été enregistrée"
    assert registered.body["activation_expire_le"] == "2026-12-16T09:00:00Z"

    code = journey.last_activation_code()
    activated = journey.activate(code)
    assert activated.status == 200
    assert activated.body["statut"] == "actif"

    session = journey.log_in(NIR)
    assert session.status == 201
    token = session.body["jeton"]

    synthesis = api.get("/titulaire", headers=bearer(token))
    assert synthesis.status == 200
    assert synthesis.body == {
        "civilite": "M",
        "prenom": "Jean",
        "nom_naissance": "Dupont",
        "heures_cpf_disponibles": 0,
        "heures_dif": None,
        "dif_modifiable": True,
        "dossiers_en_cours": 0,
        "dossiers_clos": 0,
        "courriel_invalide": False,
    }


# Each step's DynamoDB requests, in order (tests/system/test_request_counts.py counts the same at the
# emulator's front door, through a counting proxy).
JOURNEY_REQUESTS = {
    "start": [],  # the CGU's acceptance sealed in the draft's id: nothing written before the identity
    "captcha": [],  # sealed in its id: nothing written until it is answered
    "identity": ["TransactWriteItems"],  # captcha spent, NIR and email free, the draft written from its id
    "password": ["GetItem", "TransactWriteItems"],  # the draft's identity, then the pending account
    "activation": ["TransactWriteItems"],  # the code names them: token, credentials, email, account, events
    "login": ["BatchGetItem", "TransactWriteItems"],  # credentials and failed logins, then the session
    "synthesis": ["BatchGetItem"],  # the session, the account and its NIR's rights (the deadline is fresh)
}


def walk(journey, api, calls: list) -> dict[str, list[str]]:
    """The journey step by step, with the requests `calls` recorded during each."""
    steps = {}

    def step(name, action):
        calls.clear()
        result = action()
        steps[name] = list(calls)
        return result

    draft_id = step("start", journey.start)
    step("captcha", lambda: api.post("/captchas"))
    step("identity", lambda: journey.identity(draft_id))
    step("password", lambda: journey.password(draft_id))
    step("activation", lambda: journey.activate(journey.last_activation_code()))
    token = step("login", lambda: journey.log_in(NIR)).body["jeton"]
    assert step("synthesis", lambda: api.get("/titulaire", headers=bearer(token))).status == 200
    return steps


def test_the_journey_costs_seven_dynamodb_requests_and_no_scan(journey, api, dynamodb_calls):
    steps = walk(journey, api, dynamodb_calls)
    assert steps == JOURNEY_REQUESTS
    assert sum(len(calls) for calls in steps.values()) == 7
