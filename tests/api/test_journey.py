"""The tutorial's journey through the API, step by step, on the emulated AWS."""

from tests.helpers.api import bearer
from tests.helpers.journey import JOURNEY_REQUESTS, walk
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
        "identite_verifiee": False,
    }


def test_the_journey_costs_eight_dynamodb_requests_and_no_scan(journey, api, dynamodb_calls):
    steps = walk(journey, api, dynamodb_calls)
    assert steps == JOURNEY_REQUESTS
    assert sum(len(calls) for calls in steps.values()) == 8  # contract §13: 8 at most
    assert steps["synthesis"] == ["BatchGetItem"]  # the read right after login: 1
