"""Schema fuzzing: schemathesis generates requests from GET /openapi.json, valid and invalid, for
every operation, against the running local stack (over HTTP, as a client), and checks each answer
against the description: never a server error; only documented statuses, content types, headers;
bodies that match their schema; invalid data refused; missing required headers and undeclared
methods answered as HTTP says.

Bounded so that `make test` stays within a few minutes: a fixed seed, a fixed number of examples
per operation, one worker. A holder's session token is given so that the holder space is fuzzed
past its authentication; the logout is left out, since it would end that session for the rest.
Not checked: `positive_data_acceptance` (a schema-valid body may still break a rule the schema
cannot say, a NIR's key or a captcha's answer, and is then refused with a 400 by design).
"""

import subprocess
import sys
from pathlib import Path

from tests.helpers.browser import call, new_person, portal_stack, register_by_api

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
    "response_schema_conformance,negative_data_rejection,missing_required_header,unsupported_method"
)
EXAMPLES_PER_OPERATION = 15
SEED = 20261129


def test_every_operation_answers_as_the_description_says(tmp_path):
    with portal_stack() as stack:
        person = new_person()
        register_by_api(stack, person)
        status, session = call(stack, "POST", "/sessions", {"nir": person.nir, "mot_de_passe": person.password})
        assert status == 201, session
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "run",
                f"{stack.api_url}/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--seed",
                str(SEED),
                "--workers",
                "1",
                "--phases",
                "examples,coverage,fuzzing",
                "--generation-database",
                "none",
                "--exclude-operation-id",
                "session_log_out",
                "--header",
                f"Authorization: Bearer {session['jeton']}",
                "--request-timeout",
                "30",
                "--no-color",
            ],
            cwd=tmp_path,  # its reports and caches stay out of the project
            capture_output=True,
            text=True,
            timeout=900,
        )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
