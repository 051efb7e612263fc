"""One local stack per test module that asks for it (`stack`), and a client of its API (`http`)."""

import pytest

from tests.helpers.http import Http, local_stack


@pytest.fixture(scope="module")
def stack():
    with local_stack() as started:
        yield started


@pytest.fixture
def http(stack):
    return Http(stack)
