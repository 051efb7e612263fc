"""Contract §11 under `make run`: the local stack's output carries the same EMF lines and JSON log
lines as CloudWatch would, readable locally, and never a person's data or a secret."""

import json
import re
from collections import Counter

from tests.helpers.api import bearer
from tests.helpers.http import last_email_to, logged_in
from tests.helpers.people import PASSWORD, make_nir


def json_lines(output: str) -> list[dict]:
    """The output's lines that are JSON objects (the servers' own request lines are not)."""
    found = []
    for line in output.splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


def test_the_local_stack_writes_the_metrics_and_json_logs_of_a_journey_and_no_secret(stack):
    nir, courriel = make_nir("2750612345678"), "lucie.martin@example.fr"
    earlier = len(stack.output())  # what the stack wrote before, for other modules' people
    http = logged_in(stack, nir, courriel, prenom="Lucie", civilite="MME")
    token = http.post("/sessions", {"nir": nir, "mot_de_passe": PASSWORD}).body["jeton"]
    assert http.post("/sessions", {"nir": nir, "mot_de_passe": "Mauvais2015!"}).status == 401
    assert http.get("/titulaire", headers=bearer(token)).status == 200
    code = re.search(r"/activation#c=([A-Za-z0-9_-]+)", last_email_to(stack, courriel)["body"]).group(1)

    output = stack.output()
    entries = json_lines(output[earlier:])
    counted = Counter()
    for entry in entries:
        if "_aws" in entry:
            (directive,) = entry["_aws"]["CloudWatchMetrics"]
            assert directive["Namespace"] == "MonCompteFormation"
            for metric in directive["Metrics"]:
                counted[(metric["Name"], entry.get("kind"))] += entry[metric["Name"]]
            assert entry["route"] and entry["apiRequestId"] and entry["requestId"], entry
    assert counted == {
        ("RegistrationsStarted", None): 1,
        ("RegistrationsRecorded", None): 1,
        ("EmailsSent", "activation"): 1,
        ("Activations", None): 1,
        ("LoginsAccepted", None): 2,
        ("LoginsRefused", None): 1,
    }
    spaced = " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
    for secret in (nir, nir[:13], spaced, courriel, PASSWORD, "Mauvais2015!", token, code):
        assert secret not in output, "a person's data or a secret in the local stack's output"
