"""The local OpenID provider standing in for FranceConnect and ProConnect (tools/local/oidc/, contract
§14 and §16), over real HTTP: started alone for the protocol, and by the local stack for the wiring.
Every step of the code flow is done by hand here (urls, PKCE, the token request, the JWT checks), as
the app's client does it, so that a change of the provider's behaviour shows here first."""

import json
import re
import secrets
import subprocess
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.helpers.http import local_stack
from tests.helpers.oidc import (
    Client,
    Provider,
    authorization_url,
    pkce_pair,
    provider_alone,
    redirect_params,
    token_request,
)
from tools.local.local_stack import OIDC_DIR

DEFAULT_IDENTITIES = json.loads((OIDC_DIR / "identities.json").read_text())
FEDERATIONS = ("franceconnect", "proconnect")


@pytest.fixture(scope="module")
def provider():
    with provider_alone() as started:
        yield started


def discovery(client: Client) -> dict:
    answer = httpx.get(f"{client.issuer}/.well-known/openid-configuration")
    assert answer.status_code == 200, answer.text
    return answer.json()


def key_set(client: Client) -> KeySet:
    answer = httpx.get(discovery(client)["jwks_uri"])
    assert answer.status_code == 200
    return KeySet.import_key_set(answer.json())


def read_userinfo(client: Client, access_token: str) -> httpx.Response:
    return httpx.get(discovery(client)["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"})


def authorize(client: Client, login_hint: str, **extra: str) -> tuple[dict, str, str]:
    """A code flow's first half with login_hint: (the redirect's parameters, verifier, nonce)."""
    verifier, challenge = pkce_pair()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    answer = httpx.get(
        authorization_url(client, challenge=challenge, state=state, nonce=nonce, login_hint=login_hint, **extra)
    )
    assert answer.status_code in (302, 303), answer.text  # oidc-provider's 303 See Other
    location = answer.headers["location"]
    assert location.startswith(client.redirect_uri + "?"), location
    params = redirect_params(location)
    assert params["state"] == state
    assert params["iss"] == client.issuer  # RFC 9207
    return params, verifier, nonce


def person(federation: str, identity_id: str) -> dict:
    return next(p for p in DEFAULT_IDENTITIES[federation] if p["id"] == identity_id)


# Discovery and keys


@pytest.mark.parametrize("federation", FEDERATIONS)
def test_discovery_names_the_issuer_and_its_endpoints(provider: Provider, federation: str):
    client = provider.client(federation)
    document = discovery(client)

    assert document["issuer"] == f"http://127.0.0.1:{provider.url.rsplit(':', 1)[1]}/{federation}"
    assert document["issuer"] == client.issuer  # exactly: no trailing slash
    for endpoint in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
    ):
        assert document[endpoint].startswith(client.issuer + "/"), endpoint
    assert "S256" in document["code_challenge_methods_supported"]
    assert "plain" not in document["code_challenge_methods_supported"]
    assert document["token_endpoint_auth_methods_supported"] == ["client_secret_post"]
    assert document["response_types_supported"] == ["code"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "RS256" in document["userinfo_signing_alg_values_supported"]
    assert document["acr_values_supported"] == ["eidas1"]
    assert set(client.scope.split()) <= set(document["scopes_supported"])


@pytest.mark.parametrize("federation", FEDERATIONS)
def test_jwks_publishes_its_own_public_rs256_key(provider: Provider, federation: str):
    client = provider.client(federation)
    keys = httpx.get(discovery(client)["jwks_uri"]).json()["keys"]

    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]
    assert keys[0]["kid"].startswith(federation)
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])  # never the private parts


def test_each_issuer_signs_with_a_key_of_its_own(provider: Provider):
    kids = [httpx.get(discovery(provider.client(f))["jwks_uri"]).json()["keys"][0]["kid"] for f in FEDERATIONS]
    assert kids[0] != kids[1]


# The code flow, by hand


def test_franceconnect_code_flow_with_login_hint(provider: Provider):
    client = provider.client("franceconnect")
    ajaccio = person("franceconnect", "ajaccio")

    params, verifier, nonce = authorize(client, "ajaccio")
    answer = token_request(client, params["code"], verifier)

    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"].lower() == "bearer"
    id_token = jwt.decode(tokens["id_token"], key_set(client), algorithms=["RS256"])
    assert id_token.header["alg"] == "RS256"
    claims = id_token.claims
    assert claims["iss"] == client.issuer
    assert claims["aud"] == client.client_id
    assert claims["sub"] == ajaccio["sub"]
    assert claims["nonce"] == nonce
    assert claims["acr"] == "eidas1"
    now = time.time()
    assert claims["iat"] <= now + 5 < claims["exp"]

    userinfo = read_userinfo(client, tokens["access_token"])
    assert userinfo.status_code == 200
    assert userinfo.headers["content-type"].startswith("application/jwt")
    signed = jwt.decode(userinfo.text, key_set(client), algorithms=["RS256"])
    assert signed.claims["iss"] == client.issuer
    assert signed.claims["aud"] == client.client_id
    names = ("sub", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry")
    expected = {k: ajaccio[k] for k in names}
    assert {k: signed.claims[k] for k in expected} == expected
    assert expected["birthplace"] == "2A004"
    assert "nir" not in signed.claims and "id" not in signed.claims  # the file's notes for testers stay there


def test_born_abroad_has_an_empty_birthplace_and_the_country(provider: Provider):
    client = provider.client("franceconnect")
    params, verifier, _ = authorize(client, "espagne")
    tokens = token_request(client, params["code"], verifier).json()

    userinfo = read_userinfo(client, tokens["access_token"])
    claims = jwt.decode(userinfo.text, key_set(client), algorithms=["RS256"]).claims

    assert (claims["birthplace"], claims["birthcountry"]) == ("", "99134")


def test_proconnect_id_token_carries_amr_and_userinfo_the_organisation(provider: Provider):
    client = provider.client("proconnect")
    agent = person("proconnect", "agent-opco")

    params, verifier, nonce = authorize(client, "agent-opco")
    tokens = token_request(client, params["code"], verifier).json()
    claims = jwt.decode(tokens["id_token"], key_set(client), algorithms=["RS256"]).claims

    assert (claims["iss"], claims["aud"], claims["nonce"]) == (client.issuer, client.client_id, nonce)
    assert claims["acr"] == "eidas1"
    assert claims["sub"] == agent["sub"]
    assert claims["amr"] == ["pwd", "mfa"]
    userinfo = read_userinfo(client, tokens["access_token"])
    signed = jwt.decode(userinfo.text, key_set(client), algorithms=["RS256"]).claims
    assert {k: signed[k] for k in ("email", "given_name", "usual_name", "siret")} == {
        k: agent[k] for k in ("email", "given_name", "usual_name", "siret")
    }


def test_proconnect_agent_with_a_password_only_has_amr_pwd(provider: Provider):
    client = provider.client("proconnect")
    params, verifier, _ = authorize(client, "agent-sans-mfa")
    tokens = token_request(client, params["code"], verifier).json()

    assert jwt.decode(tokens["id_token"], key_set(client), algorithms=["RS256"]).claims["amr"] == ["pwd"]


def test_a_franceconnect_identity_is_unknown_to_proconnect(provider: Provider):
    client = provider.client("proconnect")
    answer = httpx.get(authorization_url(client, challenge=pkce_pair()[1], state="s", nonce="n", login_hint="paris"))

    # not logged in at once: the provider's own login page (ProConnect's people)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"{client.issuer}/interaction/")


# What is refused


def test_pkce_is_required(provider: Provider):
    client = provider.client("franceconnect")
    answer = httpx.get(authorization_url(client, challenge=None, state="etat", nonce="n", login_hint="paris"))

    assert answer.status_code in (302, 303)
    params = redirect_params(answer.headers["location"])
    assert answer.headers["location"].startswith(client.redirect_uri + "?")
    assert params["error"] == "invalid_request"
    assert "PKCE" in params["error_description"]
    assert params["state"] == "etat"
    assert "code" not in params


def test_plain_pkce_is_refused(provider: Provider):
    client = provider.client("franceconnect")
    url = authorization_url(client, challenge=None, state="s", nonce="n", login_hint="paris")
    answer = httpx.get(url + "&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=plain")

    assert redirect_params(answer.headers["location"])["error"] == "invalid_request"


def test_a_wrong_verifier_is_refused(provider: Provider):
    client = provider.client("franceconnect")
    params, _, _ = authorize(client, "paris")

    answer = token_request(client, params["code"], pkce_pair()[0])

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_code_used_twice_is_refused(provider: Provider):
    client = provider.client("franceconnect")
    params, verifier, _ = authorize(client, "paris")
    first = token_request(client, params["code"], verifier)

    second = token_request(client, params["code"], verifier)

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    # and the tokens of the first exchange are revoked with it (RFC 6749 §4.1.2)
    userinfo = read_userinfo(client, first.json()["access_token"])
    assert userinfo.status_code == 401


def test_a_wrong_secret_is_refused(provider: Provider):
    client = provider.client("franceconnect")
    params, verifier, _ = authorize(client, "paris")

    wrong = token_request(client, params["code"], verifier, client_secret="pas-le-bon-secret")

    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    # (oidc-provider takes client_secret_basic as the same method as client_secret_post: it is not tested here)


def test_another_redirect_uri_is_refused_without_redirecting(provider: Provider):
    client = provider.client("franceconnect")
    other = Client(
        client.issuer, client.client_id, client.client_secret, "http://127.0.0.1:8000/ailleurs", client.scope
    )

    answer = httpx.get(authorization_url(other, challenge=pkce_pair()[1], state="s", nonce="n", login_hint="paris"))

    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert 'lang="fr"' in answer.text


# The login page


def page_of(client: Client, browser: httpx.Client, **extra: str) -> tuple[httpx.Response, str]:
    """The login page a browser reaches from an authorization request without a known login_hint."""
    verifier, challenge = pkce_pair()
    answer = browser.get(authorization_url(client, challenge=challenge, state="etat-page", nonce="n", **extra))
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"{client.issuer}/interaction/")
    page = browser.get(answer.headers["location"])
    return page, verifier


def follow_to_client(browser: httpx.Client, answer: httpx.Response, client: Client) -> dict:
    """Follows the provider's redirects as a browser does, up to the client's redirect_uri."""
    for _ in range(5):
        assert answer.status_code in (302, 303), answer.text
        location = answer.headers["location"]
        if location.startswith(client.redirect_uri):
            return redirect_params(location)
        answer = browser.get(location)
    raise AssertionError("too many redirects")


def form_action(page: str, label: str) -> str:
    """The action of the form that holds `label` (the page is ours: a simple search is enough)."""
    at = page.index(label)
    start = page.rindex('<form method="post" action="', 0, at) + len('<form method="post" action="')
    return page[start : page.index('"', start)]


def test_the_login_page_lists_the_identities_in_french(provider: Provider):
    client = provider.client("franceconnect")
    with httpx.Client() as browser:
        page, _ = page_of(client, browser)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text
    assert "Identités de test" in page.text
    for someone in DEFAULT_IDENTITIES["franceconnect"]:
        assert f'value="{someone["id"]}"' in page.text
    assert "Camille Martin" in page.text
    assert "Anne-Hélène D&#39;Aubigné-Lefèvre" in page.text  # escaped, accents kept
    assert ">Annuler</button>" in page.text


def test_choosing_an_identity_on_the_page_logs_it_in(provider: Provider):
    client = provider.client("franceconnect")
    with httpx.Client() as browser:
        page, verifier = page_of(client, browser)
        chosen = browser.post(provider.url + form_action(page.text, 'value="bastia"'), data={"identite": "bastia"})
        params = follow_to_client(browser, chosen, client)

    assert params["state"] == "etat-page"
    tokens = token_request(client, params["code"], verifier).json()
    claims = jwt.decode(tokens["id_token"], key_set(client), algorithms=["RS256"]).claims
    assert claims["sub"] == person("franceconnect", "bastia")["sub"]
    assert claims["acr"] == "eidas1"


def test_each_authorization_asks_again_who_one_is(provider: Provider):
    """A browser keeps the provider's cookies: the next authorization must not log the previous person in."""
    client = provider.client("franceconnect")
    subs = []
    with httpx.Client() as browser:
        for identity_id in ("paris", "accents"):
            page, verifier = page_of(client, browser)
            assert page.status_code == 200  # the page again, not the previous session
            chosen = browser.post(
                provider.url + form_action(page.text, f'value="{identity_id}"'), data={"identite": identity_id}
            )
            params = follow_to_client(browser, chosen, client)
            tokens = token_request(client, params["code"], verifier).json()
            subs.append(jwt.decode(tokens["id_token"], key_set(client), algorithms=["RS256"]).claims["sub"])

    assert subs == [person("franceconnect", "paris")["sub"], person("franceconnect", "accents")["sub"]]


def test_cancelling_gives_access_denied(provider: Provider):
    client = provider.client("franceconnect")
    with httpx.Client() as browser:
        page, _ = page_of(client, browser)
        cancelled = browser.post(provider.url + form_action(page.text, ">Annuler<"))
        params = follow_to_client(browser, cancelled, client)

    assert params["error"] == "access_denied"
    assert params["state"] == "etat-page"
    assert "code" not in params


def test_an_unknown_login_hint_shows_the_page(provider: Provider):
    client = provider.client("franceconnect")
    with httpx.Client() as browser:
        page, _ = page_of(client, browser, login_hint="personne-inconnue")

    assert page.status_code == 200
    assert "« personne-inconnue »" in page.text
    assert 'value="paris"' in page.text


def test_the_proconnect_page_lists_its_agents(provider: Provider):
    client = provider.client("proconnect")
    with httpx.Client() as browser:
        page, _ = page_of(client, browser)

    assert "ProConnect" in page.text
    assert "Claire Moreau" in page.text and "SIRET 85300130300017" in page.text
    assert 'value="paris"' not in page.text


# Its identities file


def test_a_wrong_identities_file_stops_it_with_the_reason(tmp_path):
    wrong = tmp_path / "identities.json"
    wrong.write_text(json.dumps({"franceconnect": [{"id": "x", "sub": "y", "given_name": "A"}]}))
    env = {"PATH": "/usr/bin:/bin", "OIDC_PORT": "1", "OIDC_IDENTITIES_FILE": str(wrong)}

    done = subprocess.run(["node", str(OIDC_DIR / "server.mjs")], env=env, capture_output=True, text=True, timeout=30)

    assert done.returncode == 2
    assert 'le champ "family_name" (texte) manque' in done.stderr


def test_the_default_identities_are_the_documented_ones():
    """The people docs/local-stack.md describes, their NIRs valid, and the ProConnect SIRETs."""
    from stdnum.fr import nir, siret

    fc = {p["id"]: p for p in DEFAULT_IDENTITIES["franceconnect"]}
    assert len(fc) >= 6
    assert all(nir.is_valid(p["nir"]) for p in fc.values())
    assert fc["paris"]["birthplace"] == "75056" and fc["paris"]["nir"][5:10] == "75056"
    assert fc["ajaccio"]["birthplace"] == "2A004" and fc["ajaccio"]["nir"][5:10] == "2A004"
    assert fc["bastia"]["nir"][5:7] == "2B"
    assert (fc["espagne"]["birthplace"], fc["espagne"]["birthcountry"]) == ("", "99134")
    assert fc["espagne"]["nir"][5:7] == "99" and fc["espagne"]["nir"][7:10] == "134"
    assert 20 <= int(fc["mois-inconnu"]["nir"][3:5]) <= 42
    assert fc["sexe-discordant"]["gender"] == "female" and fc["sexe-discordant"]["nir"][0] == "1"
    assert fc["lieu-discordant"]["birthplace"] != fc["lieu-discordant"]["nir"][5:10]
    pc = {p["id"]: p for p in DEFAULT_IDENTITIES["proconnect"]}
    assert all(siret.is_valid(p["siret"]) for p in pc.values())
    assert "mfa" in pc["agent-opco"]["amr"] and pc["agent-sans-mfa"]["amr"] == ["pwd"]
    assert pc["agent-autre-siret"]["siret"] != pc["agent-opco"]["siret"]


def test_the_local_stack_starts_it_with_a_tests_own_people(tmp_path):
    own = tmp_path / "mes-identites.json"
    sub = "0" * 63 + "1"
    someone = {
        "id": "test-a-moi", "sub": sub, "given_name": "Zoé", "family_name": "Essai", "birthdate": "2000-01-01",
        "gender": "female", "birthplace": "75056", "birthcountry": "99100",
    }  # fmt: skip
    own.write_text(json.dumps({"franceconnect": [someone], "proconnect": []}))

    with local_stack(OIDC_IDENTITIES_FILE=str(own)) as stack:
        # the API is pointed at it, with the clients it registers
        assert stack.env["FRANCECONNECT_ISSUER"] == stack.franceconnect_issuer == f"{stack.oidc_url}/franceconnect"
        assert stack.env["PROCONNECT_ISSUER"] == f"{stack.oidc_url}/proconnect"
        assert stack.env["FRANCECONNECT_CLIENT_ID"] == "mon-compte-formation"
        client = Client(
            stack.franceconnect_issuer, stack.env["FRANCECONNECT_CLIENT_ID"], stack.env["FRANCECONNECT_CLIENT_SECRET"],
            f"{stack.api_url}/franceconnect/retour", "openid given_name family_name",
        )  # fmt: skip
        params, verifier, _ = authorize(client, "test-a-moi")
        tokens = token_request(client, params["code"], verifier).json()
        assert jwt.decode(tokens["id_token"], key_set(client), algorithms=["RS256"]).claims["sub"] == sub
        # the default people are not there
        answer = httpx.get(
            authorization_url(client, challenge=pkce_pair()[1], state="s", nonce="n", login_hint="paris")
        )
        assert answer.headers["location"].startswith(f"{client.issuer}/interaction/")
        oidc_port = stack.oidc_port
    # stopped with the rest
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{oidc_port}/franceconnect/.well-known/openid-configuration")


def test_the_login_page_in_chromium_by_keyboard_axe_clean(provider: Provider, browser):
    from playwright.sync_api import expect

    from tests.helpers.browser import check_accessibility, tab_to

    client = provider.client("franceconnect")
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(authorization_url(client, challenge=pkce_pair()[1], state="etat-chromium", nonce="n"))

        expect(page.get_by_role("heading", level=1)).to_contain_text("FranceConnect")
        check_accessibility(page, "oidc-local-franceconnect-connexion")
        tab_to(page, page.get_by_role("button", name=re.compile("^Camille Martin")))
        # back to the redirect_uri (nothing listens there: the request is what matters)
        with page.expect_request(lambda request: request.url.startswith(client.redirect_uri + "?")) as sent:
            page.keyboard.press("Enter")

        params = redirect_params(sent.value.url)
        assert params["state"] == "etat-chromium"
        assert params["code"]
    finally:
        context.close()
