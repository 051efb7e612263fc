"""What each FranceConnect path costs in DynamoDB requests (docs/requests-per-route.md), the
provider's own requests apart (the discovery and the keys once a process, then the token and the
userinfo on each return)."""

from tests.helpers.api import bearer
from tests.helpers.people import NIR

RETURN = "/franceconnect/retour"

EXPECTED = {
    # the session checked (and its idle deadline pushed back): the state is sealed, nothing written
    "POST /titulaire/identite/franceconnect": ["UpdateItem"],
    # the session, the state spent, the account (its NIR and nom de naissance), then the account
    # verified with the sub's reservation and the event in one transaction
    "verification return": ["UpdateItem", "UpdateItem", "GetItem", "TransactWriteItems"],
    "POST /sessions/franceconnect": [],  # the state is sealed: nothing read, nothing written
    # the state spent, the sub's reservation (account and NIR), the NIR's credentials and rights id,
    # then the session as a password login opens it
    "login return": ["UpdateItem", "GetItem", "BatchGetItem", "TransactWriteItems"],
    # the draft (its step), then the state's item naming it
    "POST /inscriptions/{id}/franceconnect": ["GetItem", "PutItem"],
    # the state spent (its item names the draft), the draft, then the pivot identity on it
    "registration return": ["UpdateItem", "GetItem", "TransactWriteItems"],
}


def test_each_franceconnect_path_costs_its_floor(api, franceconnect, active, journey, dynamodb_calls):
    seen = {}

    def measured(name, call):
        dynamodb_calls.clear()
        answer = call()
        assert answer.status in (200, 201), answer.body
        seen[name] = list(dynamodb_calls)
        return answer

    url = measured(
        VERIFY := "POST /titulaire/identite/franceconnect",
        lambda: api.post("/titulaire/identite/franceconnect", headers=bearer(active)),
    ).body["url"]
    code, state = franceconnect.authorize(url)
    measured("verification return", lambda: api.post(RETURN, {"code": code, "state": state}, headers=bearer(active)))

    url = measured("POST /sessions/franceconnect", lambda: api.post("/sessions/franceconnect")).body["url"]
    code, state = franceconnect.authorize(url)
    measured("login return", lambda: api.post(RETURN, {"code": code, "state": state}))

    draft = journey.start()
    url = measured(
        "POST /inscriptions/{id}/franceconnect", lambda: api.post(f"/inscriptions/{draft}/franceconnect")
    ).body["url"]
    code, state = franceconnect.authorize(url, {"sub": "sub-autre", **_agreeing_with(NIR)})
    measured("registration return", lambda: api.post(RETURN, {"code": code, "state": state}))
    assert VERIFY in seen
    assert seen == EXPECTED


def _agreeing_with(nir: str) -> dict:
    return {
        "given_name": "Jean",
        "family_name": "Dupont",
        "birthdate": f"19{nir[1:3]}-{nir[3:5]}-17",
        "gender": "male",
        "birthplace": nir[5:10],
        "birthcountry": "99100",
    }
