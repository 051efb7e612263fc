"""A client generated from the app's /openapi.json by openapi-python-client (pinned in
requirements-dev.txt), as a client developer would make one, reads the API's errors as well as its
successes: a 400's `erreurs`, a 401's and a 503's `code`. The generator must run without a single
warning (with `--fail-on-warning`): before the problems were described as one Probleme schema, it
dropped all 170 error answers ("int can't be merged with Literal[429]").

The generated client speaks httpx, so it talks real HTTP, to the app on moto in this process through
a small forwarding server (`_Forward`): that lets a test make DynamoDB fail (tests/helpers/faults.py)."""

import importlib
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from chalice.test import Client

from tests.helpers.faults import DynamoDBFaults
from tests.helpers.people import EMAIL

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "cpf_client"
# What a client developer sets for this API (docs/api.md): the package's name, and audio/wav read as
# bytes (the generator knows JSON, text and octet streams only).
CONFIG = f"""\
package_name_override: {PACKAGE}
project_name_override: cpf-client
content_type_overrides:
  audio/wav: application/octet-stream
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client's package, generated from what GET /openapi.json serves, then imported."""
    from app import app

    folder = tmp_path_factory.mktemp("generated")
    with Client(app, stage_name="local") as client:
        answer = client.http.get("/openapi.json")
    assert answer.status_code == 200
    (folder / "openapi.json").write_bytes(answer.body)
    (folder / "config.yml").write_text(CONFIG)
    run = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.yml",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
            "--fail-on-warning",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # Its post hooks format the code with ruff, from this venv.
        env={**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class _Forward(BaseHTTPRequestHandler):
    """Hands each HTTP request to Chalice's test client (the app on moto) and sends its answer back."""

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = self.server.app_client.http.request(self.command, self.path, headers=dict(self.headers), body=body)
        self.send_response(answer.status_code)
        for name, value in answer.headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body or b"")))
        self.end_headers()
        self.wfile.write(answer.body or b"")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

    def log_message(self, *_):
        pass


@pytest.fixture
def base_url(aws, clock):
    from app import app

    with Client(app, stage_name="local") as app_client:
        server = HTTPServer(("127.0.0.1", 0), _Forward)
        server.app_client = app_client
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def test_the_generated_client_reads_a_400_s_field_errors(generated, base_url):
    from cpf_client.api.default import (
        registration_create_captcha,
        registration_read_cgu,
        registration_start_registration,
        registration_submit_identity,
    )
    from cpf_client.models import CguAcceptance, IdentityForm, Probleme

    client = generated.Client(base_url=base_url)
    cgu = registration_read_cgu.sync(client=client)
    draft = registration_start_registration.sync(client=client, body=CguAcceptance(True, cgu.version))
    captcha = registration_create_captcha.sync(client=client)
    wrong = IdentityForm(
        nir="1 84 05 75 123 456 99",  # a wrong key
        civilite="M",
        nom_naissance="Dupont",
        courriel=EMAIL,
        courriel_confirmation="autre@example.fr",
        captcha_id=captcha.id,
        captcha_reponse="ZZZZZZ",
    )

    answer = registration_submit_identity.sync_detailed(draft.id, client=client, body=wrong)

    assert answer.status_code == 400 and isinstance(answer.parsed, Probleme)
    assert (answer.parsed.status, answer.parsed.code) == (400, "champs_invalides")
    fields = {error.champ: error.code for error in answer.parsed.erreurs}
    assert fields["nir"] == "nir_cle_invalide" and "courriel_confirmation" in fields
    assert all(error.message for error in answer.parsed.erreurs)


def test_the_generated_client_reads_a_503_s_code_when_dynamodb_fails(generated, base_url):
    from cpf_client.api.default import (
        registration_read_cgu,
        registration_read_registration,
        registration_start_registration,
    )
    from cpf_client.models import CguAcceptance, Probleme, RegistrationDraft

    client = generated.Client(base_url=base_url)
    cgu = registration_read_cgu.sync(client=client)
    draft = registration_start_registration.sync(client=client, body=CguAcceptance(True, cgu.version))
    faults = DynamoDBFaults().install()
    faults.reset(fail_at=1)  # "Retour" reads the draft: the first request to DynamoDB fails

    answer = registration_read_registration.sync_detailed(draft.id, client=client)

    assert answer.status_code == 503 and isinstance(answer.parsed, Probleme)
    assert (answer.parsed.status, answer.parsed.code) == (503, "service_indisponible")
    assert answer.parsed.detail and answer.headers["Retry-After"] == "2"
    faults.reset()  # AWS is back: the same call succeeds
    again = registration_read_registration.sync(draft.id, client=client)
    assert isinstance(again, RegistrationDraft) and again.id == draft.id


def test_the_generated_client_reads_a_401_s_code(generated, base_url):
    from cpf_client.api.default import holder_synthesis
    from cpf_client.models import Probleme

    client = generated.AuthenticatedClient(base_url=base_url, token="inconnu.jeton")

    answer = holder_synthesis.sync_detailed(client=client)

    assert answer.status_code == 401 and isinstance(answer.parsed, Probleme)
    assert answer.parsed.code == "session_invalide"
