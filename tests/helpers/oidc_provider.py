"""A real OpenID provider for the API tests, in the test's process: a small threaded http.server on a
free loopback port that serves one issuer as FranceConnect does (discovery, JWKS, token, userinfo),
signing RS256 with joserfc from keys it makes itself. Tests only (the stack's provider is node's
oidc-provider, tools/local/oidc/).

`authorize(url, person)` plays the person logging in: it checks the authorization request as the
real provider would (client, redirect URI, scopes, PKCE S256, acr_values) and returns the code and
state it would redirect with. What the provider answers can be scripted per test through
`provider.script` (an error status, claims of the ID token or the userinfo overridden, a signature
by a key not published, plain JSON userinfo) and `provider.down` (connections refused: the server
stops).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from chalicelib.clock import to_epoch
from chalicelib.settings import LOCAL_FRANCECONNECT_SECRET

CLIENT_ID = "mon-compte-formation"
SCOPES = {"openid", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"}

# Jean Dupont of tests/helpers/people.py: a man born in May 1984 in the commune 75123 (NIR 1 84 05 75 123 …).
JEAN = {
    "sub": "sub-jean-dupont",
    "given_name": "Jean",
    "family_name": "DUPONT",
    "birthdate": "1984-05-17",
    "gender": "male",
    "birthplace": "75123",
    "birthcountry": "99100",
}


@dataclass
class Script:
    """How the provider misbehaves, for one test."""

    token_status: int | None = None  # the token endpoint answers this error status
    userinfo_status: int | None = None
    id_token: dict[str, Any] = field(default_factory=dict)  # claims overridden (None removes one)
    userinfo: dict[str, Any] = field(default_factory=dict)
    foreign_key: bool = False  # sign with a key the JWKS does not publish
    userinfo_json: bool = False  # answer the userinfo as plain JSON
    discovery_issuer: str | None = None
    kid: str | None = None  # sign under this key id (with the foreign key: a kid the JWKS never has)
    algorithm: str | None = None  # "none" (unsigned) or "HS256" (keyed with the client secret)
    delay_seconds: float = 0.0  # every answer waits this long first (a slow provider)


@dataclass
class Grant:
    person: dict[str, Any]
    nonce: str
    challenge: str
    redirect_uri: str
    used: bool = False


class Provider:
    def __init__(self, clock):
        self.clock = clock
        self.key = RSAKey.generate_key(2048, parameters={"kid": "cle-1", "use": "sig", "alg": "RS256"}, private=True)
        self.foreign = RSAKey.generate_key(2048, parameters={"kid": "cle-1", "alg": "RS256"}, private=True)
        self.script = Script()
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []  # "GET /franceconnect/jwks", ...
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.port = self.server.server_address[1]
        self.issuer = f"http://127.0.0.1:{self.port}/franceconnect"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    # The person at FranceConnect -------------------------------------------------------------------

    def authorize(self, url: str, person: dict[str, Any] | None = None) -> tuple[str, str]:
        """The code and state the provider redirects with once `person` has logged in."""
        parsed = urllib.parse.urlsplit(url)
        assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == f"{self.issuer}/authorize", url
        query = dict(urllib.parse.parse_qsl(parsed.query, strict_parsing=True))
        assert query["response_type"] == "code"
        assert query["client_id"] == CLIENT_ID
        assert query["redirect_uri"].endswith("/franceconnect/retour")
        assert set(query["scope"].split()) == SCOPES
        assert query["acr_values"] == "eidas1"
        assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
        assert len(query["state"]) >= 22 and len(query["nonce"]) >= 22  # 128 bits at least
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(dict(person or JEAN), query["nonce"], query["code_challenge"], query["redirect_uri"])
        return code, query["state"]

    def rotate_keys(self) -> None:
        """A new signing key under a new kid, published at once (the client's cache lacks it)."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "cle-2", "use": "sig", "alg": "RS256"}, private=True)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def down(self) -> bool:
        return not self.thread.is_alive()

    @down.setter
    def down(self, value: bool) -> None:
        if value:
            self.stop()
            self.thread.join()

    # What it serves -------------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.script.discovery_issuer or self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": ["eidas1"],
        }

    def jwks(self) -> dict[str, Any]:
        return KeySet([self.key]).as_dict(private=False)

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if self.script.token_status:
            return self.script.token_status, {"error": "server_error"}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != LOCAL_FRANCECONNECT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = self.grants.get(form.get("code", ""))
        if grant is None or grant.used or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        grant.used = True
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant.challenge or form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant"}
        now = to_epoch(self.clock())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": grant.person["sub"],
            "iat": now,
            "exp": now + 60,
            "nonce": grant.nonce,
            "acr": "eidas1",
        }
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant.person
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "id_token": self._signed(claims, self.script.id_token),
        }

    def userinfo(self, authorization: str) -> tuple[int, str, bytes]:
        if self.script.userinfo_status:
            return self.script.userinfo_status, "application/json", b'{"error": "server_error"}'
        person = self.tokens.get(authorization.removeprefix("Bearer "))
        if person is None:
            return 401, "application/json", b'{"error": "invalid_token"}'
        claims = {**person, "iss": self.issuer, "aud": CLIENT_ID}
        if self.script.userinfo_json:
            return 200, "application/json", json.dumps(_overridden(claims, self.script.userinfo)).encode()
        return 200, "application/jwt", self._signed(claims, self.script.userinfo).encode()

    def _signed(self, claims: dict[str, Any], overrides: dict[str, Any]) -> str:
        claims = _overridden(claims, overrides)
        if self.script.algorithm == "none":
            header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return f"{header}.{_b64(json.dumps(claims).encode())}."
        if self.script.algorithm == "HS256":  # the classic confusion: the client's secret as a key
            secret = OctKey.import_key(LOCAL_FRANCECONNECT_SECRET)
            return jwt.encode({"alg": "HS256", "kid": self.key.kid}, claims, secret)
        key = self.foreign if self.script.foreign_key else self.key
        return jwt.encode({"alg": "RS256", "kid": self.script.kid or key.kid}, claims, key)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _overridden(claims: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = {**claims, **overrides}
    return {name: value for name, value in merged.items() if value is not None}


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            provider.requests.append(f"GET {path}")
            if path == "/franceconnect/.well-known/openid-configuration":
                self._send(200, "application/json", json.dumps(provider.discovery()).encode())
            elif path == "/franceconnect/jwks":
                self._send(200, "application/json", json.dumps(provider.jwks()).encode())
            elif path == "/franceconnect/userinfo":
                self._send(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._send(404, "application/json", b'{"error": "not_found"}')

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            provider.requests.append(f"POST {path}")
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            if path == "/franceconnect/token":
                status, body = provider.token(form)
                self._send(status, "application/json", json.dumps(body).encode())
            else:
                self._send(404, "application/json", b'{"error": "not_found"}')

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            if provider.script.delay_seconds:
                time.sleep(provider.script.delay_seconds)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
