"""The tutorial's steps through the API, for tests that need to get somewhere before checking a rule."""

import re

from tests.helpers.api import bearer
from tests.helpers.people import NIR, PASSWORD, identity


class Journey:
    """Registration, activation and login as a person goes through them (each step checked on the way)."""

    def __init__(self, api, captcha_answer, sent_emails):
        self.api, self.captcha_answer, self.sent_emails = api, captcha_answer, sent_emails

    def start(self) -> str:
        version = self.api.get("/cgu").body["version"]
        answer = self.api.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version})
        assert answer.status == 201, answer.body
        return answer.body["id"]

    def captcha(self) -> tuple[str, str]:
        answer = self.api.post("/captchas")
        assert answer.status == 201, answer.body
        return answer.body["id"], self.captcha_answer(answer.body["id"])

    def identity(self, draft_id: str, **person):
        captcha_id, solution = self.captcha()
        body = {**identity(**person), "captcha_id": captcha_id, "captcha_reponse": solution}
        return self.api.put(f"/inscriptions/{draft_id}/identite", body)

    def password(self, draft_id: str, password: str | None = None, confirmation: str | None = None):
        password = password or PASSWORD
        return self.api.put(
            f"/inscriptions/{draft_id}/mot-de-passe",
            {"mot_de_passe": password, "mot_de_passe_confirmation": confirmation or password},
        )

    def register(self, **person) -> str:
        """Up to the activation email; returns the activation code it carries."""
        draft_id = self.start()
        assert self.identity(draft_id, **person).status == 200
        answer = self.password(draft_id)
        assert answer.status == 201, answer.body
        return self.last_activation_code()

    def last_activation_code(self) -> str:
        text = self.sent_emails()[-1].body
        return re.search(r"/activation#c=([A-Za-z0-9_-]+)", text).group(1)

    def activate(self, code: str):
        return self.api.post("/activations", {"code": code})

    def log_in(self, nir: str, password: str | None = None):
        return self.api.post("/sessions", {"nir": nir, "mot_de_passe": password or PASSWORD})

    def active_account(self, **person) -> str:
        """Registered, activated and logged in; returns the session token."""
        assert self.activate(self.register(**person)).status == 200
        answer = self.log_in(person.get("nir", NIR))
        assert answer.status == 201, answer.body
        return answer.body["jeton"]


# Each step's DynamoDB requests, in order (tests/system/test_request_counts.py counts the same at the
# emulator's front door, through a counting proxy).
JOURNEY_REQUESTS = {
    "start": [],  # the CGU's acceptance sealed in the draft's id: nothing written before the identity
    "captcha": [],  # sealed in its id: nothing written until it is answered
    "identity": ["TransactWriteItems"],  # captcha spent, NIR and email free, the draft written from its id
    "password": ["GetItem", "TransactWriteItems"],  # the draft's identity, then the pending account
    # the code is a bare secret: its token (which names what it activates), then token, credentials,
    # email, account and events in one transaction
    "activation": ["GetItem", "TransactWriteItems"],
    # credentials, failed logins and the NIR's rights id, then the session (and the NIR's first rights id)
    "login": ["BatchGetItem", "TransactWriteItems"],
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
