"""What the system tests share: a local stack per test module that asks for it (`stack`), a client
of its API (`http`), and for the portal's tests Debian's Chromium (`browser`, one per module) and
pages opened in contexts of their own (`page`, `new_page`).

The end-to-end modules named in SHARED_STACK_MODULES (tests/helpers/http.py) share one stack
instead (5 s of CPU a stack): their people are their own."""

import pytest

from tests.helpers.http import SHARED_STACK_MODULES, Http, local_stack


@pytest.fixture(scope="module")
def stack(request):
    if request.module.__name__.rpartition(".")[2] in SHARED_STACK_MODULES:
        yield request.getfixturevalue("shared_stack")
        return
    with local_stack() as started:
        yield started


@pytest.fixture(scope="session")
def shared_stack():
    with local_stack() as started:
        yield started


@pytest.fixture
def http(stack):
    return Http(stack)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.helpers.browser import launch, require_the_dsfr

    require_the_dsfr()
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, stack):
    """Opens pages, each in a context of its own: a browser of its own, without another's session."""
    from tests.helpers.browser import new_context

    contexts = []

    def make():
        contexts.append(new_context(browser, stack))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
