"""Contract §11's logs and metrics, through the test client on moto: each function writes one JSON
object per line (the invocation's function, route and request ids in each), and its business counts
as CloudWatch Embedded Metric Format lines of the namespace MonCompteFormation; a journey emits
exactly the counts it earned; no line ever holds a NIR, an address, a password, a token or a code."""

import json
from collections import Counter

import pytest

from chalicelib import metrics
from tests.helpers.api import bearer, scheduled_event
from tests.helpers.crediting import credit, declarations, line
from tests.helpers.faults import SesFailure
from tests.helpers.people import EMAIL, NEW_PASSWORD, NIR, PASSWORD, make_nir

WRONG_PASSWORD = "Mauvais2015!"


class Output:
    """What the functions wrote on standard output since the last read: JSON lines only."""

    def __init__(self, capsys):
        self._capsys = capsys
        self.text = ""

    def lines(self) -> list[dict]:
        out = self._capsys.readouterr().out
        self.text += out
        parsed = [json.loads(text) for text in out.splitlines() if text.strip()]
        assert all(isinstance(entry, dict) for entry in parsed)
        return parsed

    def counts(self) -> Counter:
        """The EMF lines' values by (metric, kind)."""
        counted: Counter = Counter()
        for entry in self.lines():
            for name, kind in emf_metrics(entry):
                counted[(name, kind)] += entry[name]
        return +counted  # zeros dropped: a run that removed nothing is no count


def emf_metrics(entry: dict) -> list[tuple[str, str | None]]:
    if "_aws" not in entry:
        return []
    (directive,) = entry["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "MonCompteFormation"
    assert directive["Dimensions"] in ([[]], [["kind"]]), directive  # never a person
    assert isinstance(entry["_aws"]["Timestamp"], int)
    return [(metric["Name"], entry.get("kind")) for metric in directive["Metrics"]]


@pytest.fixture
def output(capsys):
    capsys.readouterr()  # what the fixtures wrote
    return Output(capsys)


def test_the_tutorial_journey_emits_exactly_its_counts(journey, api, output):
    code = journey.register()
    assert journey.activate(code).status == 200
    assert journey.log_in(NIR, WRONG_PASSWORD).status == 401
    assert journey.log_in(make_nir("1991275000001")).status == 401  # nobody's NIR
    token = journey.log_in(NIR).body["jeton"]
    assert api.get("/titulaire", headers=bearer(token)).status == 200
    assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    assert api.post("/inscriptions", {"cgu_acceptees": False}).status == 400  # refused: not started

    assert output.counts() == {
        (metrics.REGISTRATIONS_STARTED, None): 1,
        (metrics.REGISTRATIONS_RECORDED, None): 1,
        (metrics.EMAILS_SENT, "activation"): 1,
        (metrics.ACTIVATIONS, None): 1,
        (metrics.LOGINS_REFUSED, None): 2,
        (metrics.LOGINS_ACCEPTED, None): 1,
        (metrics.EMAILS_SENT, "reinitialisation"): 1,
    }


def test_a_locked_account_and_a_pending_one_count_as_locked_and_refused(journey, output, monkeypatch):
    monkeypatch.setenv("LOCKOUT_THRESHOLD", "2")
    journey.register()  # pending: the right password is refused (403)
    assert journey.log_in(NIR).status == 403
    other = make_nir("2850344123456")
    assert journey.activate(journey.register(nir=other, courriel="claire@example.fr")).status == 200
    statuses = [journey.log_in(other, WRONG_PASSWORD).status for _ in range(2)] + [journey.log_in(other).status]
    assert statuses == [401, 429, 429]  # the wrong password that reaches the threshold is answered by the lock
    counted = output.counts()
    assert counted[(metrics.LOGINS_REFUSED, None)] == 2
    assert counted[(metrics.LOGINS_LOCKED, None)] == 2
    assert counted[(metrics.LOGINS_ACCEPTED, None)] == 0


def test_an_email_ses_refuses_counts_as_refused_by_kind(journey, api, output, aws):
    journey.activate(journey.register())
    output.lines()
    refusing = SesFailure().install()
    try:
        assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    finally:
        refusing.active = False
    assert output.counts() == {(metrics.EMAILS_REFUSED, "reinitialisation"): 1}


def test_crediting_counts_its_lines_by_outcome(api, output):
    other = make_nir("1920699123456")
    first = credit(api.client, "a.csv", declarations(line(NIR, 2016), line(other, 2016), "x;y;z;1;2"))
    assert (first["appliquees"], len(first["rejetees"])) == (2, 1)
    again = credit(api.client, "b.csv", declarations(line(NIR, 2016), line(other, 2016, heures="800")))
    assert (again["inchangees"], again["regularisees"]) == (1, 1)
    assert output.counts() == {
        (metrics.DECLARATION_LINES_CREDITED, None): 2,
        (metrics.DECLARATION_LINES_REJECTED, None): 1,
        (metrics.DECLARATION_LINES_UNCHANGED, None): 1,
        (metrics.DECLARATION_LINES_REGULARISED, None): 1,
    }


def test_the_cleanup_counts_what_it_removed_and_that_it_ran(journey, api, clock, output):
    journey.register()
    clock.advance(seconds=15 * 86400 + 1)
    output.lines()
    api.client.lambda_.invoke("cleanup_expired_registrations", scheduled_event(api))
    api.client.lambda_.invoke("cleanup_expired_registrations", scheduled_event(api))
    assert output.counts() == {(metrics.REGISTRATIONS_REMOVED, None): 1, (metrics.CLEANUP_RUNS, None): 2}


def test_bounces_and_complaints_are_counted_by_kind_for_the_ses_feedback(output):
    metrics.email_feedback("Bounce", "activation")
    metrics.email_feedback("Complaint", "reinitialisation")
    assert output.counts() == {
        (metrics.EMAIL_BOUNCES, "activation"): 1,
        (metrics.EMAIL_COMPLAINTS, "reinitialisation"): 1,
    }


def test_each_line_names_the_function_the_route_and_both_request_ids(journey, api, output, aws):
    journey.activate(journey.register())
    output.lines()
    refusing = SesFailure().install()
    try:
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
    finally:
        refusing.active = False
    entries = output.lines()
    warning = next(entry for entry in entries if entry.get("level") == "WARNING")
    assert {"timestamp", "message", "logger"} <= set(warning)
    emf = next(entry for entry in entries if "_aws" in entry)
    for entry in (warning, emf):
        assert entry["function"] == "api_handler", entry
        assert entry["route"] == "POST /mots-de-passe/oubli", entry
        assert entry["apiRequestId"] and entry["requestId"], entry
    assert warning["requestId"] == emf["requestId"]


def test_an_unhandled_error_is_logged_by_its_type_never_its_text(api, output, monkeypatch):
    from chalicelib.api import registration_routes

    def fail(*_args, **_kwargs):
        raise ValueError(f"le NIR {NIR} et le courriel {EMAIL}")

    monkeypatch.setattr(registration_routes.cgu, "current", fail)
    assert api.get("/cgu").status == 500
    (error,) = [entry for entry in output.lines() if entry.get("level") == "ERROR"]
    assert error["errorType"] == "ValueError" and error["route"] == "GET /cgu"
    assert NIR not in output.text and EMAIL not in output.text


def test_no_line_of_a_whole_journey_holds_a_person_s_data_or_a_secret(journey, api, sent_emails, output, caplog):
    """The journey, the recovery routes, an email change, a failed email and a crediting: every line
    written (logs and metrics, stdout and the logging records) is JSON and names no one."""
    import re

    code = journey.register()
    journey.activate(code)
    journey.log_in(NIR, WRONG_PASSWORD)
    token = journey.log_in(NIR).body["jeton"]
    api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
    reset_code = re.search(r"reinitialisation#c=([A-Za-z0-9_-]+)", sent_emails()[-1].body).group(1)
    api.post(
        "/mots-de-passe/reinitialisation",
        {"code": reset_code, "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD},
    )
    token = journey.log_in(NIR, NEW_PASSWORD).body["jeton"]
    new_address = "jean.nouveau@example.fr"
    refusing = SesFailure().install()
    try:
        api.post(
            "/titulaire/courriel",
            {"courriel": new_address, "courriel_confirmation": new_address, "mot_de_passe": NEW_PASSWORD},
            headers=bearer(token),
        )
    finally:
        refusing.active = False
    credit(api.client, "c.csv", declarations(line(NIR, 2016)))
    entries = output.lines()
    assert entries, "nothing was written"
    written = output.text + caplog.text
    spaced_nir = " ".join([NIR[0], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:13], NIR[13:]])
    secrets = [
        NIR,
        NIR[:13],
        spaced_nir,
        EMAIL,
        new_address,
        PASSWORD,
        NEW_PASSWORD,
        WRONG_PASSWORD,
        token,
        code,
        reset_code,
    ]
    assert [secret for secret in secrets if secret.lower() in written.lower()] == []


def test_on_lambda_the_runtime_s_json_formatter_gets_the_invocation_s_fields_and_no_exception_text():
    """With LogFormat JSON, Lambda's runtime formats the root logger's records (its formatter writes
    their extra attributes): the app adds no handler of its own, only the fields, and an exception
    reaches it as a type and code lines, without the text Lambda would print as errorMessage."""
    import subprocess
    import sys

    from tools.local.local_stack import ROOT

    code = """
import json, logging
records = []
class Runtime(logging.Handler):
    def emit(self, record):
        records.append(record)
logging.getLogger().addHandler(Runtime())
from chalicelib import logs
logs.configure()
logs.bind(function="fn", route="POST /sessions", api_request_id="api-1", lambda_request_id="lambda-1")
log = logging.getLogger("chalicelib.x")
log.info("m")
try:
    raise ValueError("le NIR 184057512345625")
except ValueError:
    log.exception("e")
keys = ("function", "route", "apiRequestId", "aws_request_id", "errorType", "exc_info", "exc_text")
print(json.dumps({"handlers": len(logging.getLogger().handlers),
                  "records": [{key: getattr(r, key, None) for key in keys} for r in records]}))
"""
    environment = {"AWS_LAMBDA_LOG_FORMAT": "JSON", "PATH": "/usr/bin:/bin"}
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout)
    assert seen["handlers"] == 1  # the runtime's only
    info, error = seen["records"]
    invocation = {"function": "fn", "route": "POST /sessions", "apiRequestId": "api-1", "aws_request_id": "lambda-1"}
    assert {key: info[key] for key in invocation} == invocation
    assert (error["errorType"], error["exc_info"], error["exc_text"]) == ("ValueError", None, None)
    assert "184057512345625" not in ran.stdout + ran.stderr
