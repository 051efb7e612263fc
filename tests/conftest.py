import os
import threading

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import dependencies, table
from chalicelib.settings import get_settings
from tests.support import Api, FixedClock

SETTINGS_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "CAPTCHA_FIXED_ANSWER",
    "TABLE_NAME",
    "PASSWORD_POLICY",
    "PUBLIC_BASE_URL",
    "CONTACT_URL",
    "SENDER_EMAIL",
    "CGU_VERSION",
)


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch):
    """Fake credentials and the defaults of the contract, whatever the developer's shell holds."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    dependencies.reset()
    yield
    dependencies.reset()


@pytest.fixture
def aws():
    """An emulated AWS account with the project's table and a verified sender."""
    with mock_aws():
        settings = get_settings()
        table.ensure_table(boto3.client("dynamodb"), settings.table_name)
        boto3.client("ses").verify_email_identity(EmailAddress=settings.sender_email)
        yield


@pytest.fixture
def serialized_emulator(aws, monkeypatch):
    """moto applies a transaction item by item without a lock; one request at a time gives it
    DynamoDB's isolation, so that race tests check our conditions and not moto's thread safety."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("transact_write_items", "put_item", "get_item", "update_item", "delete_item",
                 "query", "batch_write_item", "batch_get_item"):
        original = getattr(DynamoDBBackend, name)

        def one_at_a_time(self, *args, __original=original, **kwargs):
            with lock:
                return __original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, one_at_a_time)


@pytest.fixture
def clock():
    fixed = FixedClock()
    dependencies.use_clock(fixed)
    return fixed


@pytest.fixture(autouse=True)
def waits():
    """The waits the application asks for (the recovery routes' constant time), recorded, not waited."""
    asked = []
    dependencies.use_sleep(asked.append)
    return asked


@pytest.fixture
def api(aws, clock):
    from app import app

    with Client(app, stage_name="local") as client:
        yield Api(client)


@pytest.fixture
def dynamodb_calls(aws):
    """The DynamoDB operations the application makes, in order."""
    calls = []
    client = dependencies.aws_client("dynamodb")
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    return calls


@pytest.fixture
def email_requests(aws):
    """The SendEmail requests the application makes, as sent (moto keeps only one body part)."""
    requests = []
    client = dependencies.aws_client("ses")
    client.meta.events.register("provide-client-params.ses.SendEmail", lambda params, **_: requests.append(params))
    return requests


@pytest.fixture
def sent_emails(aws):
    """The emails SES accepted, as moto recorded them."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    def read():
        return list(ses_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]].sent_messages)

    return read


@pytest.fixture
def captcha_answer(aws):
    """What the image of a captcha shows, read where the application keeps it."""

    def read(captcha_id: str) -> str:
        item = boto3.client("dynamodb").get_item(
            TableName=get_settings().table_name, Key={"pk": {"S": f"CAPTCHA#{captcha_id}"}, "sk": {"S": "CAPTCHA"}}
        )
        return item["Item"]["reponse"]["S"]

    return read


@pytest.fixture
def journey(api, captcha_answer, sent_emails):
    return Journey(api, captcha_answer, sent_emails)


class Journey:
    """The tutorial's steps, for tests that need to get somewhere before checking a rule."""

    def __init__(self, api, captcha_answer, sent_emails):
        self.api, self.captcha_answer, self.sent_emails = api, captcha_answer, sent_emails

    def start(self) -> str:
        version = self.api.get("/cgu").body["version"]
        answer = self.api.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version})
        assert answer.status == 201, answer.body
        return answer.body["id"]

    def captcha(self) -> tuple[str, str]:
        answer = self.api.post("/captchas")
        assert answer.status == 201, answer.body
        return answer.body["id"], self.captcha_answer(answer.body["id"])

    def identity(self, draft_id: str, **person):
        from tests.support import identity

        captcha_id, solution = self.captcha()
        body = {**identity(**person), "captcha_id": captcha_id, "captcha_reponse": solution}
        return self.api.put(f"/inscriptions/{draft_id}/identite", body)

    def password(self, draft_id: str, password: str = None, confirmation: str = None):
        from tests.support import PASSWORD

        password = password or PASSWORD
        return self.api.put(
            f"/inscriptions/{draft_id}/mot-de-passe",
            {"mot_de_passe": password, "mot_de_passe_confirmation": confirmation or password},
        )

    def register(self, **person) -> str:
        """Up to the activation email; returns the activation code it carries."""
        draft_id = self.start()
        assert self.identity(draft_id, **person).status == 200
        answer = self.password(draft_id)
        assert answer.status == 201, answer.body
        return self.last_activation_code()

    def last_activation_code(self) -> str:
        import re

        text = self.sent_emails()[-1].body
        return re.search(r"/activation\?c=([A-Za-z0-9_-]+)", text).group(1)

    def activate(self, code: str):
        return self.api.post("/activations", {"code": code})

    def log_in(self, nir: str, password: str = None):
        from tests.support import PASSWORD

        return self.api.post("/sessions", {"nir": nir, "mot_de_passe": password or PASSWORD})

    def active_account(self, **person) -> str:
        """Registered, activated and logged in; returns the session token."""
        from tests.support import NIR

        assert self.activate(self.register(**person)).status == 200
        answer = self.log_in(person.get("nir", NIR))
        assert answer.status == 201, answer.body
        return answer.body["jeton"]
