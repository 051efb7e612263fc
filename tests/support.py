"""Helpers the tests share: a clock the test moves by hand, valid people, an API client wrapper."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from stdnum.fr import nir as nir_rules

START = datetime(2026, 12, 1, 9, 0, 0, tzinfo=timezone.utc)
PASSWORD = "Formation2015!"  # 9 letters, one upper-case, 4 digits, a special character


class FixedClock:
    """Time stands still until the test moves it."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def make_nir(body13: str) -> str:
    """A NIR with its right key, from its 13 first characters."""
    return body13 + nir_rules.calc_check_digits(body13 + "00")


NIR = make_nir("1840575123456")  # a man born in May 1984 in Paris
OTHER_NIR = make_nir("2920169123045")


def identity(nir: str = NIR, courriel: str = "jean.dupont@example.fr", **overrides) -> dict:
    body = {
        "nir": nir,
        "civilite": "M",
        "prenom": "Jean",
        "nom_naissance": "Dupont",
        "telephone_fixe": "01 23 45 67 89",
        "telephone_portable": "06 12 34 56 78",
        "courriel": courriel,
        "courriel_confirmation": courriel,
    }
    body.update(overrides)
    return body


@dataclass
class Answer:
    status: int
    body: dict | None
    headers: dict = field(default_factory=dict)
    raw: bytes = b""


class Api:
    """JSON over chalice.test.Client's HTTP interface."""

    def __init__(self, client):
        self.client = client

    def call(self, method: str, path: str, body=None, *, raw: bytes | str | None = None, headers=None) -> Answer:
        sent_headers = {"Content-Type": "application/json", **(headers or {})}
        payload = raw if raw is not None else (json.dumps(body) if body is not None else b"")
        response = getattr(self.client.http, method)(path, body=payload, headers=sent_headers)
        content = response.body or b""
        headers = {name.lower(): value for name, value in response.headers.items()}
        parsed = None
        if content and "json" in headers.get("content-type", ""):
            parsed = json.loads(content)
        return Answer(response.status_code, parsed, headers, content)

    def get(self, path, **kw):
        return self.call("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("put", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("patch", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, **kw)
