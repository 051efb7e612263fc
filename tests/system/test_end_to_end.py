"""End to end, over real HTTP, as a client would: the local stack of `make run` (moto server, bootstrap,
`chalice local`) on free ports, the captcha answer fixed by CAPTCHA_FIXED_ANSWER, emails read on moto."""

import base64
import json
import re
import subprocess
import sys

from tests.helpers.api import bearer
from tests.helpers.http import (
    PROBLEM_TYPE,
    Http,
    clean_environment,
    last_email_to,
    local_stack,
    register_over_http,
)
from tests.helpers.people import EMAIL, NEW_PASSWORD, NIR, PASSWORD, identity, make_nir
from tools.local.local_stack import ROOT


def test_the_tutorial_journey_over_http(stack, http):
    cgu = http.get("/cgu")
    assert cgu.status == 200, cgu
    version = cgu.body["version"]

    started = http.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version})
    assert started.status == 201, started
    assert started.body["etape"] == "identite", started
    draft_id = started.body["id"]

    captcha = http.post("/captchas")
    assert captcha.status == 201, captcha
    prefix = "data:image/png;base64,"
    assert captcha.body["image"].startswith(prefix), captcha.body["image"][:60]
    assert base64.b64decode(captcha.body["image"][len(prefix) :]).startswith(b"\x89PNG"), "the image is not a PNG"
    assert captcha.body["audio"] == f"/captchas/{captcha.body['id']}/audio", captcha

    # Its audio version (GET /captchas/{id}/audio) is checked by its own test below.

    person = {**identity(courriel=EMAIL), "captcha_id": captcha.body["id"], "captcha_reponse": "ae 23 hj"}
    identified = http.put(f"/inscriptions/{draft_id}/identite", person)
    assert identified.status == 200, identified
    assert identified.body["etape"] == "mot_de_passe", identified

    registered = http.put(
        f"/inscriptions/{draft_id}/mot-de-passe", {"mot_de_passe": PASSWORD, "mot_de_passe_confirmation": PASSWORD}
    )
    assert registered.status == 201, registered
    assert registered.body["etape"] == "activation", registered

    email = last_email_to(stack, EMAIL)
    text = email["body"]  # moto keeps the HTML part when there is one
    link = re.search(r"https?://[^\s\"'<>]+/activation#c=([A-Za-z0-9_-]+)", text)
    assert link, f"no activation link in the email: {text}"
    assert "15 jours" in text, text
    assert NIR not in text and NIR not in json.dumps(email), "the NIR must never be in an email"
    assert PASSWORD not in text, "the password must never be in an email"

    activated = http.post("/activations", {"code": link.group(1)})
    assert activated.status == 200, activated
    assert activated.body["statut"] == "actif", activated

    spaced_nir = f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"
    session = http.post("/sessions", {"nir": spaced_nir, "mot_de_passe": PASSWORD})
    assert session.status == 201, session
    authenticated = bearer(session.body["jeton"])

    synthesis = http.get("/titulaire", headers=authenticated)
    assert synthesis.status == 200, synthesis
    assert synthesis.body["heures_dif"] is None, synthesis
    assert synthesis.body["dossiers_en_cours"] == 0, synthesis

    logged_out = http.delete("/sessions/courante", headers=authenticated)
    assert logged_out.status == 204, logged_out

    after = http.get("/titulaire", headers=authenticated)
    assert after.status == 401, after
    assert after.content_type.startswith(PROBLEM_TYPE), after
    assert after.body["code"] == "session_invalide", after


def assert_speaks(http, audio_path: str) -> None:
    audio = http.get(audio_path, headers={"Accept": "audio/wav"})
    assert audio.status == 200, audio
    assert audio.content_type.startswith("audio/wav"), audio
    assert audio.raw.startswith(b"RIFF"), f"not a WAV file: {audio.raw[:16]!r}"


def test_the_audio_version_of_a_captcha(http):
    """The journey's audio step, on its own so that a failure names it (reading it spends nothing)."""
    captcha = http.post("/captchas")
    assert captcha.status == 201, captcha
    assert_speaks(http, captcha.body["audio"])


def test_a_malformed_json_body_gets_a_problem_document(http):
    answer = http.post("/inscriptions", raw=b'{"cgu_acceptees": tru')
    assert answer.status == 400, answer
    assert answer.content_type.startswith(PROBLEM_TYPE), answer
    assert answer.body["code"] == "json_invalide", answer


def test_a_body_over_16_kib_is_refused(http):
    big = json.dumps({"cgu_acceptees": True, "cgu_version": "x" * (16 * 1024)}).encode()
    answer = http.post("/inscriptions", raw=big)
    assert answer.status == 413, answer
    assert answer.content_type.startswith(PROBLEM_TYPE), answer
    assert answer.body["code"] == "corps_trop_volumineux", answer


def import_app(**environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT,
        env=clean_environment(AWS_REGION="eu-west-3", **environment),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_app_refuses_to_start_with_a_fixed_captcha_on_real_aws():
    refused = import_app(CAPTCHA_FIXED_ANSWER="X", AWS_ENDPOINT_URL="https://dynamodb.eu-west-3.amazonaws.com")
    assert refused.returncode != 0, "the app started with a fixed captcha on real AWS"
    assert "CAPTCHA_FIXED_ANSWER is only allowed" in refused.stderr, refused.stderr

    allowed = import_app(CAPTCHA_FIXED_ANSWER="X", AWS_ENDPOINT_URL="http://127.0.0.1:5000")
    assert allowed.returncode == 0, allowed.stderr


def test_an_expired_registration_is_cleaned_up_and_the_nir_registers_again():
    """A stack of its own, whose activation links live 1 s. `chalice local` runs no schedule: the
    cleanup runs as its Lambda would, through the project's code, against the stack's emulator."""
    import time

    with local_stack(ACTIVATION_TTL_SECONDS="1") as short:
        http = Http(short)
        registered = register_over_http(http, EMAIL)
        assert registered.status == 201, registered
        code = re.search(r"/activation#c=([A-Za-z0-9_-]+)", last_email_to(short, EMAIL)["body"]).group(1)
        time.sleep(2.2)  # the link's expiry, to the second, is then strictly past

        cleanup = subprocess.run(
            [sys.executable, "-m", "tools.local.run_cleanup"],
            cwd=ROOT,
            env=short.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert cleanup.returncode == 0, cleanup.stderr
        *metric_lines, last = cleanup.stdout.splitlines()  # its EMF lines, then the counts
        report = json.loads(last)
        assert report["supprimees"] == 1 and report["termine"] is True, report
        counted = {name: entry[name] for entry in map(json.loads, metric_lines) for name in entry if name[0].isupper()}
        assert counted == {"RegistrationsRemoved": 1, "CleanupRuns": 1}, metric_lines
        assert NIR not in cleanup.stdout + cleanup.stderr, "the cleanup must log counts only"

        gone = http.post("/activations", {"code": code})
        assert gone.status == 404, gone  # the token itself is gone, not merely expired
        assert gone.body["code"] == "activation_invalide", gone

        again = register_over_http(http, EMAIL)
        assert again.status == 201, again


def test_the_holder_space_lifecycle_over_http(stack, http):
    """DIF, a dossier from draft to closed, the hours and the history, as the portal would call them."""
    nir, courriel = make_nir("2850344123456"), "claire.petit@example.fr"
    registered = register_over_http(http, courriel, nir=nir, prenom="Claire", civilite="MME")
    assert registered.status == 201, registered
    code = re.search(r"/activation#c=([A-Za-z0-9_-]+)", last_email_to(stack, courriel)["body"]).group(1)
    assert http.post("/activations", {"code": code}).status == 200
    session = http.post("/sessions", {"nir": nir, "mot_de_passe": PASSWORD})
    assert session.status == 201, session
    authenticated = bearer(session.body["jeton"])

    dif = http.put("/titulaire/heures/dif", {"solde_dif": 72.5}, headers=authenticated)
    assert dif.status == 200 and dif.body["solde_dif"] == 73, dif
    created = http.post(
        "/titulaire/dossiers", {"intitule": "Bureautique", "organisme": "Centre", "heures": 20}, headers=authenticated
    )
    assert created.status == 201, created
    dossier = f"/titulaire/dossiers/{created.body['id']}"
    validated = http.post(f"{dossier}/validation", headers=authenticated)
    assert validated.status == 200 and validated.body["statut"] == "valide", validated
    closed = http.post(f"{dossier}/cloture", headers=authenticated)
    assert closed.status == 200 and closed.body["statut"] == "clos", closed

    statement = http.get("/titulaire/heures", headers=authenticated)
    assert statement.status == 200, statement
    assert statement.body["solde_dif"] == 53, statement
    (movement,) = statement.body["mouvements"]
    assert movement["heures"] == -20 and "Bureautique" in movement["libelle"], statement

    synthesis = http.get("/titulaire", headers=authenticated).body
    assert (synthesis["dossiers_en_cours"], synthesis["dossiers_clos"], synthesis["dif_modifiable"]) == (0, 1, False)

    history = http.get("/titulaire/historique", headers=authenticated)
    assert history.status == 200, history
    kinds = [event["type"] for event in history.body["evenements"]]
    assert kinds[:4] == ["dossier_clos", "dossier_valide", "dossier_cree", "dif"], kinds
    assert {"inscription", "activation", "connexion"} <= set(kinds), kinds


def test_the_password_reset_journey_over_http(stack, http):
    """ "Mot de passe oublié": the request, the email on the emulator, the new password, the old sessions gone."""
    nir, courriel, new_password = make_nir("1920699123456"), "paul.martin@example.fr", NEW_PASSWORD
    assert register_over_http(http, courriel, nir=nir, prenom="Paul").status == 201
    code = re.search(r"/activation#c=([A-Za-z0-9_-]+)", last_email_to(stack, courriel)["body"]).group(1)
    assert http.post("/activations", {"code": code}).status == 200
    old_session = bearer(http.post("/sessions", {"nir": nir, "mot_de_passe": PASSWORD}).body["jeton"])

    asked = http.post("/mots-de-passe/oubli", {"nir": nir, "courriel": courriel.upper()})
    unknown = http.post("/mots-de-passe/oubli", {"nir": make_nir("1920699123457"), "courriel": courriel})
    assert asked.status == unknown.status == 202 and asked.body == unknown.body, (asked, unknown)
    email = last_email_to(stack, courriel)
    assert "réinitialisation" in email["subject"] and nir not in email["body"], email
    reset_code = re.search(r"/reinitialisation#c=([A-Za-z0-9_-]+)", email["body"]).group(1)

    reset = http.post(
        "/mots-de-passe/reinitialisation",
        {"code": reset_code, "mot_de_passe": new_password, "mot_de_passe_confirmation": new_password},
    )
    assert reset.status == 200, reset
    assert http.get("/titulaire", headers=old_session).status == 401
    assert http.post("/sessions", {"nir": nir, "mot_de_passe": PASSWORD}).status == 401
    assert http.post("/sessions", {"nir": nir, "mot_de_passe": new_password}).status == 201
    used = http.post(
        "/mots-de-passe/reinitialisation",
        {"code": reset_code, "mot_de_passe": new_password, "mot_de_passe_confirmation": new_password},
    )
    assert used.status == 404 and used.body["code"] == "code_invalide", used
