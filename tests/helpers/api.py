"""JSON over chalice.test.Client's HTTP interface, and what the API's answers are read with."""

import json
from dataclasses import dataclass, field

from tests.helpers import contract


def bearer(token: str) -> dict:
    """The headers that authenticate a call to the holder space."""
    return {"Authorization": f"Bearer {token}"}


def error_fields(answer) -> dict[str, str]:
    """A problem document's errors, field by field."""
    return {error["champ"]: error["code"] for error in answer.body["erreurs"]}


def scheduled_event(api) -> dict:
    """The EventBridge event of the hourly schedule, as the cleanup function receives it."""
    return api.client.events.generate_cw_event(
        source="aws.events",
        detail_type="Scheduled Event",
        detail={},
        resources=["arn:aws:events:eu-west-3:123456789012:rule/cleanup_expired_registrations"],
    )


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
        received = parsed if parsed is not None else content
        contract.check(method, path, response.status_code, headers.get("content-type", ""), received)
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
