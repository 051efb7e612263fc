"""The OpenID Connect client of FranceConnect (and ProConnect next): one `Client` per issuer.

The authorization code flow with PKCE (S256), on `joserfc` (JWS, JWK, JWT) over `cryptography`,
and the standard library's urllib for HTTP, every request with a timeout:
- `authorization_url`: response_type=code, the scopes given, state, nonce, the S256 challenge of the
  verifier, acr_values=eidas1 (and, on a local provider only, a login_hint);
- `identity`: the token exchange (client_secret_post), every check of the ID token (its signature
  against the issuer's published JWKS, `iss`, `aud`, `exp`, `nonce`, `acr`), then the userinfo read
  (a signed JWT checked like the ID token, or plain JSON), whose `sub` must be the ID token's.

Discovery and the JWKS are fetched once per process and issuer and kept (a `kid` the cached JWKS
lacks fetches it again, once per call): a route that does not speak to the provider never imports
this module (`import app` loads neither it nor joserfc: tests/system/test_cold_start.py).

Whatever goes wrong with the provider (unreachable, slow, an error answer, a token that fails a
check) raises `ProviderFailed`, whose message names what failed for the logs and holds no token,
code or claim value.
"""

import base64
import hashlib
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .clock import to_epoch
from .domain.errors import ProviderFailed

ACR = "eidas1"
FRANCECONNECT_SCOPES = ("openid", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry")
PROCONNECT_SCOPES = ("openid", "email", "given_name", "usual_name", "siret")
ALGORITHMS = ("RS256", "ES256")  # FranceConnect signs with RS256 (v1) or ES256 (v2)
TIMEOUT_SECONDS = 2.5  # per request: at most three on a return (token, userinfo, a JWKS), within 10 s
LEEWAY_SECONDS = 60  # clocks of two servers disagree a little: `exp` and `iat` are allowed this much
MAX_ANSWER_BYTES = 256 * 1024


@dataclass(frozen=True)
class Provider:
    """One issuer and this service's client there."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Identity:
    """Who the provider says logged in: the ID token's `sub` and the userinfo's claims."""

    sub: str
    claims: Mapping[str, Any]


def code_challenge(verifier: str) -> str:
    """PKCE S256 (RFC 7636 §4.2)."""
    return _b64(hashlib.sha256(verifier.encode("ascii")).digest())


class Client:
    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    @property
    def issuer(self) -> str:
        return self.provider.issuer

    def authorization_url(self, *, state: str, nonce: str, verifier: str, login_hint: str | None = None) -> str:
        parameters = {
            "response_type": "code",
            "client_id": self.provider.client_id,
            "redirect_uri": self.provider.redirect_uri,
            "scope": " ".join(self.provider.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
            "acr_values": ACR,
        }
        if login_hint:
            parameters["login_hint"] = login_hint
        endpoint = _configuration(self.provider.issuer)["authorization_endpoint"]
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urllib.parse.urlencode(parameters)}"

    def identity(self, *, code: str, verifier: str, nonce: str, now: datetime) -> Identity:
        """The identity behind an authorization code, every check made; ProviderFailed otherwise."""
        configuration = _configuration(self.provider.issuer)
        tokens = _json(
            _request(
                configuration["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.provider.redirect_uri,
                    "client_id": self.provider.client_id,
                    "client_secret": self.provider.client_secret,
                    "code_verifier": verifier,
                },
            )[1],
            "the token answer",
        )
        id_token, access_token = tokens.get("id_token"), tokens.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise ProviderFailed("the token answer holds no id_token or access_token")
        claims = self._checked(id_token, now, "the ID token")
        if claims.get("nonce") != nonce:
            raise ProviderFailed("the ID token's nonce is not this authorization's")
        if claims.get("acr") != ACR:
            raise ProviderFailed(f"the ID token's acr is not {ACR}")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise ProviderFailed("the ID token names no sub")
        userinfo = self._userinfo(configuration["userinfo_endpoint"], access_token, now)
        if userinfo.get("sub") != sub:
            raise ProviderFailed("the userinfo's sub is not the ID token's")
        return Identity(sub, userinfo)

    def _userinfo(self, endpoint: str, access_token: str, now: datetime) -> dict[str, Any]:
        content_type, body = _request(endpoint, headers={"Authorization": f"Bearer {access_token}"})
        if content_type == "application/jwt":
            return self._checked(body.decode("ascii", "replace").strip(), now, "the userinfo", timed=False)
        return _json(body, "the userinfo")

    def _checked(self, token: str, now: datetime, what: str, *, timed: bool = True) -> dict[str, Any]:
        """A JWT's claims once its signature (by a key of the issuer's JWKS) and its issuer, audience
        and, for an ID token, expiry are checked."""
        issuer = self.provider.issuer
        try:
            header = jws.extract_compact(token.encode("ascii")).headers()
        except (JoseError, ValueError, UnicodeError):
            raise ProviderFailed(f"{what} is not a compact JWS") from None
        if header.get("alg") not in ALGORITHMS:
            raise ProviderFailed(f"{what} is signed with an algorithm not accepted")
        keys = _keys(issuer, header.get("kid"))
        try:
            claims = dict(jwt.decode(token, keys, algorithms=list(ALGORITHMS)).claims)
        except (JoseError, ValueError):
            raise ProviderFailed(f"{what}'s signature is not the issuer's") from None
        if claims.get("iss") != issuer:
            raise ProviderFailed(f"{what}'s issuer is not {issuer}")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.provider.client_id not in audiences or (
            len(audiences) > 1 and claims.get("azp") != self.provider.client_id
        ):
            raise ProviderFailed(f"{what} is not meant for this client")
        if timed:
            epoch = to_epoch(now)
            expiry, issued = claims.get("exp"), claims.get("iat", epoch)
            if not isinstance(expiry, int | float) or expiry + LEEWAY_SECONDS <= epoch:
                raise ProviderFailed(f"{what} has expired")
            if not isinstance(issued, int | float) or issued - LEEWAY_SECONDS > epoch:
                raise ProviderFailed(f"{what} is issued in the future")
        return claims


# Discovery and JWKS, per issuer, kept for the process -------------------------------------------

_lock = threading.Lock()
_configurations: dict[str, dict[str, Any]] = {}
_key_sets: dict[str, KeySet] = {}
_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


def _configuration(issuer: str) -> dict[str, Any]:
    with _lock:
        known = _configurations.get(issuer)
    if known is not None:
        return known
    configuration = _json(_request(f"{issuer}/.well-known/openid-configuration")[1], "the discovery document")
    if configuration.get("issuer") != issuer or not all(isinstance(configuration.get(n), str) for n in _ENDPOINTS):
        raise ProviderFailed("the discovery document does not describe this issuer")
    with _lock:
        _configurations[issuer] = configuration
    return configuration


def _keys(issuer: str, kid: object) -> KeySet:
    """The issuer's JWKS, fetched again once when it lacks the key id a token names (a rotation)."""
    with _lock:
        keys = _key_sets.get(issuer)
    if keys is not None and (not isinstance(kid, str) or _has(keys, kid)):
        return keys
    document = _json(_request(_configuration(issuer)["jwks_uri"])[1], "the JWKS")
    try:
        keys = KeySet.import_key_set(document)  # type: ignore[arg-type]  # checked by joserfc itself
    except (JoseError, ValueError, TypeError, KeyError):
        raise ProviderFailed("the JWKS is not a key set") from None
    with _lock:
        _key_sets[issuer] = keys
    return keys


def _has(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def forget() -> None:
    """Forget every issuer's discovery and keys (tests start each case on a new provider)."""
    with _lock:
        _configurations.clear()
        _key_sets.clear()


# HTTP ----------------------------------------------------------------------------------------


def _request(
    url: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[str, bytes]:
    """(content type, body) of a 2xx answer; ProviderFailed for anything else."""
    body = None if data is None else urllib.parse.urlencode(data).encode("ascii")
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json", **(headers or {})})
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    where = urllib.parse.urlsplit(url).path
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            content = answer.read(MAX_ANSWER_BYTES + 1)
            content_type = (answer.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    except urllib.error.HTTPError as error:
        raise ProviderFailed(f"the provider answered {error.code} on {where}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        raise ProviderFailed(f"the provider could not be reached on {where}") from None
    if len(content) > MAX_ANSWER_BYTES:
        raise ProviderFailed(f"the provider's answer on {where} is too large")
    return content_type, content


def _json(body: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        raise ProviderFailed(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise ProviderFailed(f"{what} is not a JSON object")
    return value


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
