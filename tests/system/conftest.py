"""What the system tests share: a local stack per test module that asks for it (`stack`), a client
of its API (`http`), and for the portal's tests Debian's Chromium (`browser`, one per module) and
pages opened in contexts of their own (`page`, `new_page`).

The end-to-end modules marked `shared_stack` share one stack per test process instead (5 s of CPU
each saved): each of them registers people of its own (NIRs and addresses no other module uses),
and reads only their emails and records."""

import pytest

from tests.helpers.http import Http, local_stack


@pytest.fixture(scope="module")
def stack(request):
    if request.node.get_closest_marker("shared_stack") is not None:
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
