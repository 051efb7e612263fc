"""The journey's DynamoDB requests counted at the emulator's front door: the API (in-process, as
`chalice.test.Client` runs it) talks to a moto server over HTTP through a proxy that counts every
request it forwards, retries included. They must be what tests/api/test_journey.py counts in the
client (its `dynamodb_calls` fixture sees operations, not the HTTP requests that carry them)."""

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from chalice.test import Client
from moto.server import ThreadedMotoServer

from chalicelib import dependencies, table
from chalicelib.settings import get_settings
from tests.helpers.api import Api
from tests.helpers.clock import FixedClock
from tests.helpers.journey import JOURNEY_REQUESTS, Journey, walk
from tests.helpers.table import captcha_answer
from tools.local import rotate_keys
from tools.local.local_stack import HOST, free_ports

DYNAMODB_TARGET = "DynamoDB_20120810."


class CountingProxy(ThreadingHTTPServer):
    """Forwards every request to the emulator, noting each DynamoDB operation it carries."""

    def __init__(self, port: int, upstream: str):
        self.upstream, self.operations = upstream, []
        super().__init__((HOST, port), _Forward)


class _Forward(BaseHTTPRequestHandler):
    def do_POST(self):
        target = self.headers.get("X-Amz-Target", "")
        if target.startswith(DYNAMODB_TARGET):
            self.server.operations.append(target.removeprefix(DYNAMODB_TARGET))
        self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def do_GET(self):
        self._forward(None)

    def _forward(self, body: bytes | None) -> None:
        headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
        request = urllib.request.Request(self.server.upstream + self.path, body, headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, answer_headers, payload = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as refusal:  # a refused condition is a 400: relay it as it is
            status, answer_headers, payload = refusal.code, refusal.headers, refusal.read()
        self.send_response(status)
        for name, value in answer_headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_):
        pass


@pytest.fixture
def proxied_api(monkeypatch):
    moto_port, proxy_port = free_ports(2)
    emulator = ThreadedMotoServer(ip_address=HOST, port=moto_port)
    emulator.start()
    proxy = CountingProxy(proxy_port, f"http://{HOST}:{moto_port}")
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{HOST}:{proxy_port}")
    dependencies.reset()
    dependencies.use_clock(FixedClock())
    settings = get_settings()
    emulated = {"endpoint_url": f"http://{HOST}:{moto_port}", "region_name": "eu-west-3"}
    table.ensure_table(boto3.client("dynamodb", **emulated), settings.table_name)
    ses = boto3.client("ses", **emulated)
    ses.verify_email_identity(EmailAddress=settings.sender_email)
    rotate_keys.ensure_keyring(boto3.client("secretsmanager", **emulated), settings.sealing_keyring_secret)
    from app import app

    try:
        with Client(app, stage_name="local") as client:
            yield Api(client), proxy, ses
    finally:
        proxy.shutdown()
        emulator.stop()
        dependencies.reset()


def test_the_journey_s_requests_are_counted_the_same_at_the_emulator_s_front_door(proxied_api):
    api, proxy, ses = proxied_api
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    def sent_emails():  # the server runs in this process: its SES backend is this one
        return list(ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].sent_messages)

    steps = walk(Journey(api, captcha_answer, sent_emails), api, proxy.operations)
    assert steps == JOURNEY_REQUESTS
    assert sum(len(operations) for operations in steps.values()) == 8  # contract §13: 8 at most
