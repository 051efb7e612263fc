"""Fixtures of the API tests: an account already active, and its holder in the holder space."""

import pytest

from tests.helpers.holder import Holder


@pytest.fixture
def active(journey):
    """Jean Dupont registered, activated and logged in; the session token."""
    return journey.active_account()


@pytest.fixture
def holder(api, clock, active):
    return Holder(api, clock, active)
