"""What the tests over real HTTP share: a local stack as `make run` starts it (moto server, bootstrap,
`chalice local` behind the portal's front server) on free ports, a client of the API with nothing but
the standard library, and the emails the emulator accepted."""

import json
import re
import subprocess
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass

from tests.helpers.people import PASSWORD, identity
from tools.local.local_stack import ROOT, LocalStack, clean_environment, free_ports

CAPTCHA = "AE23HJ"  # CAPTCHA_FIXED_ANSWER: characters of the captcha's own alphabet, so the audio speaks it
# The end-to-end modules that share one stack (tests/system/conftest.py) and so one test process
# (tests/conftest.py): each registers people of its own (NIRs and addresses no other module uses)
# and reads only their emails, records and log lines.
SHARED_STACK_MODULES = frozenset(
    {
        "test_end_to_end",
        "test_delegations_end_to_end",
        "test_email_feedback_end_to_end",
        "test_crediting_end_to_end",
        "test_operations_local",
    }
)
PROBLEM_TYPE = "application/problem+json"


@contextmanager
def local_stack(*, mailbox: bool = False, **settings):
    """A stack of its own on free ports, its output captured (shown with a failure), the captcha's
    answer fixed; `settings` are the application's (SESSION_IDLE_SECONDS...) and the stack's
    (OIDC_IDENTITIES_FILE: the local OpenID provider's people); with `mailbox`, the local mailbox
    too (tools/local/mailbox.py). The OpenID provider listens on a free port too (`stack.oidc_url`)."""
    api_port, moto_port, mailbox_port, oidc_port = free_ports(4)
    stack = LocalStack(
        api_port=api_port,
        moto_port=moto_port,
        mailbox_port=mailbox_port if mailbox else None,
        oidc_port=oidc_port,
        extra_env={"CAPTCHA_FIXED_ANSWER": CAPTCHA, **settings},
        environ=clean_environment(),
        capture_output=True,
        autoreload=False,  # other work in the tree (pytest's cache, .pyc files) must not restart the API mid-test
    )
    with stack:
        yield stack


def make_on(stack: LocalStack, target: str, **variables: str) -> subprocess.CompletedProcess:
    """`make <target> NAME=value...` against the stack (its endpoint and settings in the
    environment, as a developer's shell beside `make run`), its output captured."""
    arguments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["make", "--no-print-directory", target, *arguments],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass(repr=False)
class Answer:
    status: int
    headers: dict
    raw: bytes
    server_log: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def body(self):
        return json.loads(self.raw) if self.raw and "json" in self.content_type else None

    def __str__(self) -> str:
        shown = f"HTTP {self.status} {self.content_type}: {self.raw[:500]!r}"
        return shown + (f"\n--- server output ---\n{self.server_log[-4000:]}" if self.server_log else "")

    __repr__ = __str__  # what pytest shows in a failed assertion


class Http:
    """A client of the API over HTTP; with a token, a holder's."""

    def __init__(self, stack: LocalStack, token: str | None = None):
        self.stack, self.base_url, self.token = stack, stack.api_url, token

    def call(self, method: str, path: str, body=None, *, raw: bytes | None = None, headers=None) -> Answer:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        sent = {"Accept": "application/json", **({"Content-Type": "application/json"} if data is not None else {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        headers = {**sent, **(headers or {})}
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return Answer(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                answer = Answer(error.code, _lower(error.headers), error.read())
        if answer.status >= 500:  # the traceback is in the server's output: show it with the failure
            answer.server_log = self.stack.output()
        return answer

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def last_email_to(stack: LocalStack, recipient: str) -> dict:
    mine = [m for m in stack.sent_emails() if recipient in json.dumps(m.get("destinations", {}))]
    assert mine, f"no email to {recipient} on the emulator: {stack.sent_emails()}"
    return mine[-1]


def link_code(stack: LocalStack, recipient: str, page: str) -> str:
    """The code of the /<page>#c=... link in the last email to `recipient`."""
    email = last_email_to(stack, recipient)
    found = re.search(rf"/{page}#c=([A-Za-z0-9_-]+)", email["body"])
    assert found, email["body"]
    return found.group(1)


def register_over_http(http: Http, courriel: str, **person) -> Answer:
    """The tutorial's steps 1 to 3 over HTTP: the answer of the password step."""
    version = http.get("/cgu").body["version"]
    draft_id = http.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version}).body["id"]
    captcha_id = http.post("/captchas").body["id"]
    person = {**identity(courriel=courriel, **person), "captcha_id": captcha_id, "captcha_reponse": CAPTCHA}
    identified = http.put(f"/inscriptions/{draft_id}/identite", person)
    assert identified.status == 200, identified
    return http.put(
        f"/inscriptions/{draft_id}/mot-de-passe", {"mot_de_passe": PASSWORD, "mot_de_passe_confirmation": PASSWORD}
    )


def logged_in(stack: LocalStack, nir: str, courriel: str, **person) -> Http:
    """Registered, activated and logged in over HTTP: a holder's client."""
    http = Http(stack)
    assert register_over_http(http, courriel, nir=nir, **person).status == 201
    assert http.post("/activations", {"code": link_code(stack, courriel, "activation")}).status == 200
    session = http.post("/sessions", {"nir": nir, "mot_de_passe": PASSWORD})
    assert session.status == 201, session
    return Http(stack, session.body["jeton"])
