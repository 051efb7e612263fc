"""Every route of the app, walked without a session, with a malformed token and with a logged-out
one: a route that is not public answers 401 `session_invalide` with `WWW-Authenticate: Bearer …`, so
that no route's safety rests on its domain function remembering to check. The public routes are
named here, one by one: a route whose check is removed answers otherwise, and this test fails."""

import re

import pytest

from app import app
from chalicelib.api.blueprint import operation_of
from tests.helpers.api import bearer

# What anybody may call: the registration, activation, recovery and login steps, and what they read.
PUBLIC = {
    ("GET", "/cgu"),
    ("GET", "/openapi.json"),
    ("GET", "/mots-de-passe/regles"),
    ("POST", "/inscriptions"),
    ("GET", "/inscriptions/{draft_id}"),
    ("DELETE", "/inscriptions/{draft_id}"),
    ("PUT", "/inscriptions/{draft_id}/identite"),
    ("PUT", "/inscriptions/{draft_id}/mot-de-passe"),
    ("POST", "/captchas"),
    ("GET", "/captchas/{captcha_id}/audio"),
    ("POST", "/activations"),
    ("POST", "/activations/renvoi"),
    ("POST", "/mots-de-passe/oubli"),
    ("POST", "/mots-de-passe/reinitialisation"),
    ("POST", "/courriels/confirmation"),
    ("POST", "/sessions"),
    # FranceConnect: logging in and registering start before anybody is known; the return proves a
    # verification's bearer itself (tests/api/test_franceconnect.py), the other paths' state is theirs.
    ("POST", "/sessions/franceconnect"),
    ("POST", "/inscriptions/{draft_id}/franceconnect"),
    ("POST", "/franceconnect/retour"),
}
ROUTES = sorted((method, path) for path, methods in app.routes.items() for method in methods)
WELL_FORMED_ID = "A" * 22  # every path parameter: an id the routes would read, naming nothing


def call(api, method: str, path: str, headers: dict | None = None):
    concrete = re.sub(r"\{[a-z_]+\}", WELL_FORMED_ID, path)
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return api.call(method.lower(), concrete, body, headers=headers)


def refused(answer) -> bool:
    return (
        answer.status == 401
        and answer.body["code"] == "session_invalide"
        and answer.headers.get("www-authenticate", "").startswith("Bearer")
    )


@pytest.fixture
def logged_out_token(journey, api):
    token = journey.active_account()
    assert api.delete("/sessions/courante", headers=bearer(token)).status == 204
    return token


def test_the_routes_declared_public_are_exactly_those_named_here():
    def mode(method: str, path: str) -> str:
        return operation_of(app.routes[path][method].view_function).authenticated

    assert {(method, path) for method, path in ROUTES if mode(method, path) == "none"} == PUBLIC


@pytest.mark.parametrize(("method", "path"), [route for route in ROUTES if route not in PUBLIC])
def test_a_route_of_the_holder_space_refuses_every_caller_without_a_live_session(api, logged_out_token, method, path):
    assert refused(call(api, method, path)), "no token"
    assert refused(call(api, method, path, bearer("x" * 66))), "a malformed token"
    assert refused(call(api, method, path, {"Authorization": f"Basic {logged_out_token}"})), "another scheme"
    assert refused(call(api, method, path, bearer(logged_out_token))), "a logged-out session"


@pytest.mark.parametrize(("method", "path"), sorted(PUBLIC))
def test_a_public_route_never_asks_for_a_session(api, method, path):
    assert call(api, method, path).status != 401
