"""Fixtures of the API tests: an account already active, and its holder in the holder space."""

import pytest

from tests.helpers.holder import Holder
from tests.helpers.oidc_provider import Provider


@pytest.fixture
def active(journey):
    """Jean Dupont registered, activated and logged in; the session token."""
    return journey.active_account()


@pytest.fixture
def holder(api, clock, active):
    return Holder(api, clock, active)


@pytest.fixture
def franceconnect(monkeypatch, clock):
    """A real OpenID provider in this process (tests/helpers/oidc_provider.py), the app's FranceConnect."""
    provider = Provider(clock)
    monkeypatch.setenv("FRANCECONNECT_ISSUER", provider.issuer)
    yield provider
    if not provider.down:
        provider.stop()
