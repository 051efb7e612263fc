"""The fixtures every layer shares: the emulated AWS, the store, the API client, a fixed clock, and
recorders of what the application asks of AWS and of the waits it asks for. Every test is marked by
its layer (see LAYERS), so that `make check` can leave the browser and fuzzing tests out."""

import copy
import functools
import os
from pathlib import Path

import boto3
import botocore.loaders
import botocore.session
import pytest
from chalice.test import Client
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.ses.models import ses_backends

from chalicelib import dependencies, table
from chalicelib.settings import get_settings
from tests.helpers import table as table_reads
from tests.helpers.api import Api
from tests.helpers.clock import FixedClock
from tests.helpers.journey import Journey
from tests.helpers.oidc_provider import Provider
from tools.local import emulator, rotate_keys

# mock_aws gives every test a new boto3 session, and each session a new loader that reads and
# parses botocore's JSON models again (a tenth of a second per client). The models are files that
# never change: one loader, its caches included, serves every session.
botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)

SETTINGS_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "CAPTCHA_FIXED_ANSWER",
    "TABLE_NAME",
    "PASSWORD_POLICY",
    "PUBLIC_BASE_URL",
    "CONTACT_URL",
    "SENDER_EMAIL",
    "CGU_VERSION",
    "SEALING_KEYRING_SECRET",
    "SEALING_KEYS_CACHE_SECONDS",
    "FRANCECONNECT_ISSUER",
    "FRANCECONNECT_CLIENT_ID",
    "FRANCECONNECT_CLIENT_SECRET",
    "FRANCECONNECT_CLIENT_SECRET_NAME",
    "PROCONNECT_ISSUER",
    "PROCONNECT_CLIENT_ID",
    "PROCONNECT_CLIENT_SECRET",
    "PROCONNECT_CLIENT_SECRET_NAME",
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


# Marks by folder; in tests/system, the tests that use Chromium (the `browser` fixture, directly or
# through `page`) are `browser`, and the schema fuzzing `fuzz`.
LAYERS = ("rules", "store", "domain", "api", "system")
FUZZ_MODULES = {"test_schema_fuzzing"}
TESTS = Path(__file__).parent


def layer_of(item) -> str:
    path = Path(item.fspath)
    folder = path.relative_to(TESTS).parts[0]
    if folder not in LAYERS:
        raise pytest.UsageError(f"{path}: a test folder must be one of the layers {LAYERS} (tests/conftest.py)")
    if "browser" in item.fixturenames:
        return "browser"
    return "fuzz" if path.stem in FUZZ_MODULES else folder


def pytest_collection_modifyitems(items):
    over_http = set()
    for item in items:
        layer = layer_of(item)
        item.add_marker(layer)
        if layer in ("system", "browser", "fuzz"):
            over_http.add(item.nodeid)
    # The system tests first: the longest come first, and the short tests of the other layers fill
    # the ends, so that `make check`'s two processes finish together.
    items.sort(key=lambda item: item.nodeid not in over_http)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadscope` (`make check`), the tests of a system module stay on one process,
    which starts the module's stack (or builds its package) once, the modules of the shared stack
    all on one, and every other test goes to whichever process is free. (xdist's `loadgroup`
    would say so with marks, but pytest 9.2 no longer sees them: pytest-dev/pytest-xdist#1386.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    from tests.helpers.http import SHARED_STACK_MODULES

    class SystemModulesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if not module.startswith("tests/system/"):
                return nodeid
            return "shared stack" if Path(module).stem in SHARED_STACK_MODULES else module

    return SystemModulesTogether(config, log)


@pytest.fixture
def aws():
    """An emulated AWS account with the project's table, a verified sender and the sealing keyring,
    on the same patched moto as the local stack's (tools/local/emulator.py: one request at a time, which
    gives race tests DynamoDB's isolation, and transactions that back up only their items)."""
    emulator.install()
    with mock_aws():
        settings = get_settings()
        region = os.environ["AWS_REGION"]
        dynamodb = dynamodb_backends[DEFAULT_ACCOUNT_ID][region]
        dynamodb.tables[settings.table_name] = copy.deepcopy(_empty_table(settings.table_name, region))
        ses_backends[DEFAULT_ACCOUNT_ID][region].verify_email_identity(settings.sender_email)
        rotate_keys.ensure_keyring(boto3.client("secretsmanager"), settings.sealing_keyring_secret)
        yield
    table_reads.forget_client()


@functools.cache
def _empty_table(name: str, region: str):
    """The table as `table.ensure_table` makes it on the emulator (index, TTL), made once, through
    DynamoDB's API, then copied into each test's new account: 35 ms of requests a test saved."""
    table.ensure_table(boto3.client("dynamodb"), name)
    return copy.deepcopy(dynamodb_backends[DEFAULT_ACCOUNT_ID][region].tables[name])


@pytest.fixture
def store(aws):
    """The store the application uses (its client, its table), on the emulator."""
    return dependencies.store()


@pytest.fixture
def clock():
    """A fixed clock, handed to the application too."""
    fixed = FixedClock()
    dependencies.use_clock(fixed)
    return fixed


@pytest.fixture(autouse=True)
def password_hashing(request, monkeypatch):
    """argon2id at the production's cost (19 MiB, 2 passes) is a tenth of a second of CPU a hash,
    and most tests hash or verify a password on their way to what they check: they get argon2id at
    its minimum cost instead. The tests of the hashing itself and of its timing (its parameters,
    the login's constant cost) are marked `production_argon2` and keep the real one."""
    from chalicelib.domain import passwords

    if request.node.get_closest_marker("production_argon2") is None:
        from argon2 import PasswordHasher, Type

        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
        monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    passwords._dummy_hash.cache_clear()  # made with whichever hasher the test has
    yield
    passwords._dummy_hash.cache_clear()


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

    def read():
        return list(ses_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]].sent_messages)

    return read


@pytest.fixture
def captcha_answer(aws):
    """What the image of a captcha shows, read where the application keeps it."""
    return table_reads.captcha_answer


@pytest.fixture
def journey(api, captcha_answer, sent_emails):
    """The tutorial's steps through the API (tests/helpers/journey.py)."""
    return Journey(api, captcha_answer, sent_emails)


@pytest.fixture
def franceconnect(monkeypatch, clock):
    """A real OpenID provider in this process (tests/helpers/oidc_provider.py), the app's FranceConnect."""
    provider = Provider(clock)
    monkeypatch.setenv("FRANCECONNECT_ISSUER", provider.issuer)
    yield provider
    if not provider.down:
        provider.stop()


# CPython 3.13 keeps the frames of running functions in chunks of 16 KiB, mapped from the system when
# the stack outgrows one and unmapped as soon as it shrinks back: the tests' deep stacks (pytest,
# Chalice, botocore, moto's recursive parsers) cross a chunk's edge thousands of times a test, each
# time a mmap, a munmap and fresh pages (75,000 pairs for 17 holder tests, a sixth of their time).
# Each test runs under a frame just over 256 KiB, for which CPython maps a chunk of 512 KiB: the
# 250 KiB left in it hold every frame the test stacks on top (a thousand, Python's recursion limit).
LARGE_FRAME_VARIABLES = 33_000  # 8 bytes each


@functools.cache
def _large_frame_runner():
    names = " = ".join(f"_{n}" for n in range(LARGE_FRAME_VARIABLES))
    source = f"def run(function):\n    if function is None:\n        {names} = None\n    return function()\n"
    namespace: dict = {}
    exec(source, namespace)
    return namespace["run"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """pytest's own protocol (_pytest.runner.pytest_runtest_protocol, whose other implementations
    are wrappers around this one), run under the large frame."""
    from _pytest.runner import runtestprotocol

    def run():
        item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        runtestprotocol(item, nextitem=nextitem)
        item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)

    _large_frame_runner()(run)
    return True
