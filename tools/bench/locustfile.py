"""`make load`: 50 people at once for 2 minutes against a running `make run` stack, with Locust.

Each simulated person registers (the captcha answered through CAPTCHA_FIXED_ANSWER, which the stack
must have been started with: `make run CAPTCHA_FIXED_ANSWER=AE23HJ`), activates, logs in, uses the
holder space (DIF, a dossier created, validated and closed, the hours, the history), then changes
their email or recovers their password (tools/bench/journey_http.py says why one or the other, alternately),
and logs out; then a new person starts. When the time is up, people finish their journey, and a check
reads everything back: every account logs in with its last password, its one closed dossier is there,
its hours are the DIF less the dossier's once (no hour counted twice), its history holds each event
once. The run fails (exit code 1) on any failed step, any 5xx, or anything lost.

Environment: LOAD_URL (the portal and API, default http://127.0.0.1:8000), LOAD_AWS_URL (the
emulator, default http://127.0.0.1:5000), CAPTCHA_FIXED_ANSWER (default AE23HJ).
"""

import os
import secrets
import threading
from typing import Any

from locust import HttpUser, constant, events, task
from locust.env import Environment
from stdnum.fr import nir as nir_rules

from tools.bench.journey_http import (
    DIF_HOURS,
    DOSSIER_HOURS,
    Answer,
    Mailbox,
    Person,
    StepFailed,
    urllib_send,
    whole_journey,
)

API_URL = os.environ.get("LOAD_URL", "http://127.0.0.1:8000").rstrip("/")
AWS_URL = os.environ.get("LOAD_AWS_URL", "http://127.0.0.1:5000").rstrip("/")
CAPTCHA = os.environ.get("CAPTCHA_FIXED_ANSWER", "AE23HJ")

people: list[Person] = []  # those whose journey ended, for the final check
server_errors: list[str] = []
_numbers = iter(range(10**9))
_lock = threading.Lock()


def random_nir() -> str:
    """A valid NIR drawn from 480 million: runs against the same stack do not collide."""
    body = f"1{60 + secrets.randbelow(40):02d}{1 + secrets.randbelow(12):02d}75{secrets.randbelow(10**6):06d}"
    return body + nir_rules.calc_check_digits(body + "00")


class Holder(HttpUser):
    host = API_URL
    wait_time = constant(0)

    def on_start(self) -> None:
        with _lock:
            self.number = next(_numbers)
        self.journeys = 0
        self.mailbox = Mailbox(AWS_URL)

    @task
    def journey(self) -> None:
        person = Person(nir=random_nir(), courriel=f"charge.{secrets.token_hex(6)}@example.fr")
        # each user alternates, starting differently, so that every user does both within two journeys
        email_change = (self.number + self.journeys) % 2 == 0
        self.journeys += 1
        try:
            whole_journey(self.send, self.mailbox, person, CAPTCHA, email_change)
        except StepFailed:
            return  # already counted as a failure by send(); this person is not checked
        with _lock:
            people.append(person)

    def send(self, step: str, method: str, path: str, body: object, token: str | None) -> Answer:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self.client.request(method, path, json=body, headers=headers, name=step, catch_response=True) as response:
            if response.status_code >= 500:
                server_errors.append(f"{step}: {response.status_code}")
                response.failure(f"HTTP {response.status_code}")
            elif response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")  # no step of the journey expects a refusal
            else:
                response.success()
            try:
                parsed = response.json() if response.content else None
            except ValueError:
                parsed = None
            return Answer(response.status_code, parsed)


READ_BACK = ("/titulaire/dossiers", "/titulaire/heures", "/titulaire/historique")


def check_nothing_lost() -> list[str]:
    """Reads every person back: what each journey wrote must all be there, once."""
    send, problems = urllib_send(API_URL), []
    for person in people:
        session = send("check", "POST", "/sessions", {"nir": person.nir, "mot_de_passe": person.password}, None)
        if session.status != 201:
            problems.append(f"{person.courriel}: login answered {session.status}")
            continue
        token = session.body["jeton"]
        answers = {path: send("check", "GET", path, None, token) for path in READ_BACK}
        failed = {path: answer.status for path, answer in answers.items() if answer.status != 200}
        if failed:
            problems.append(f"{person.courriel}: {failed}")
            continue
        listed = answers["/titulaire/dossiers"].body["dossiers"]
        if len(listed) != person.dossiers_clos:
            problems.append(f"{person.courriel}: {len(listed)} dossiers, {person.dossiers_clos} made")
        hours = answers["/titulaire/heures"].body
        movements = [movement["heures"] for movement in hours["mouvements"]]
        if movements != [-DOSSIER_HOURS] * person.dossiers_clos:
            problems.append(f"{person.courriel}: movements {movements}")
        if hours["solde_dif"] != DIF_HOURS - DOSSIER_HOURS * person.dossiers_clos:
            problems.append(f"{person.courriel}: DIF {hours['solde_dif']}")
        kinds = [event["type"] for event in answers["/titulaire/historique"].body["evenements"]]
        for kind in ("inscription", "activation", "dif", "dossier_cree", "dossier_valide", "dossier_clos"):
            if kinds.count(kind) != 1:
                problems.append(f"{person.courriel}: {kinds.count(kind)} '{kind}' events")
        send("check", "DELETE", "/sessions/courante", None, token)
    return problems


@events.quitting.add_listener  # type: ignore[untyped-decorator]  # locust's EventHook.add_listener has no types
def _check(environment: Environment, **_kwargs: Any) -> None:
    problems = check_nothing_lost()
    stats = environment.stats.total
    print(f"\nCheck: {len(people)} people read back, {len(problems)} problem(s); {len(server_errors)} 5xx answers;")
    print(f"       {stats.num_requests} requests, {stats.num_failures} failed.")
    for problem in problems[:20]:
        print("  " + problem)
    print("  " + ("nothing lost, no 5xx" if not problems and not server_errors else "FAILED"))
    if problems or server_errors or stats.num_failures or not people:
        environment.process_exit_code = 1
