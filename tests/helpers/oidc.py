"""The local OpenID provider (tools/local/oidc/) as the tests drive it by hand: started alone on a
free port, its registered clients, a PKCE pair, an authorization request as the app makes it."""

import base64
import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tools.local.local_stack import HOST, OIDC_CLIENTS, OIDC_DIR, free_port

PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # the portal the clients' redirect_uri names (nothing listens there)
SCOPES = {
    "franceconnect": "openid given_name family_name birthdate gender birthplace birthcountry",
    "proconnect": "openid email given_name usual_name siret",
}


@dataclass
class Client:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scope: str


@dataclass
class Provider:
    url: str
    process: subprocess.Popen
    log: Path

    def client(self, federation: str, public_base_url: str = PUBLIC_BASE_URL) -> Client:
        prefix = federation.upper()
        return Client(
            issuer=f"{self.url}/{federation}",
            client_id=OIDC_CLIENTS[f"{prefix}_CLIENT_ID"],
            client_secret=OIDC_CLIENTS[f"{prefix}_CLIENT_SECRET"],
            redirect_uri=f"{public_base_url}/{federation}/retour",
            scope=SCOPES[federation],
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def provider_alone(identities_file: Path | None = None, public_base_url: str = PUBLIC_BASE_URL) -> Iterator[Provider]:
    """`node tools/local/oidc/server.mjs` on a free port, until the block ends."""
    node = shutil.which("node")
    assert node, "node is missing: make install"
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "OIDC_PORT": str(port), "PUBLIC_BASE_URL": public_base_url}
    if identities_file is not None:
        env["OIDC_IDENTITIES_FILE"] = str(identities_file)
    with tempfile.TemporaryDirectory(prefix="oidc-") as folder:
        log = Path(folder) / "output.txt"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [node, str(OIDC_DIR / "server.mjs")], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        provider = Provider(f"http://{HOST}:{port}", process, log)
        try:
            deadline = time.monotonic() + 20
            while True:
                assert process.poll() is None, f"the provider exited: {provider.output()}"
                try:
                    if httpx.get(f"{provider.url}/proconnect/.well-known/openid-configuration").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"the provider did not answer: {provider.output()}"
                time.sleep(0.1)
            yield provider
        finally:
            process.terminate()
            process.wait(timeout=10)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, its S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorization_url(client: Client, *, challenge: str | None, state: str, nonce: str, **extra: str) -> str:
    """The authorization request of §14: code, PKCE S256, state, nonce, acr_values=eidas1."""
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": client.scope,
        "state": state,
        "nonce": nonce,
        "acr_values": "eidas1",
        **({"code_challenge": challenge, "code_challenge_method": "S256"} if challenge else {}),
        **extra,
    }
    return f"{client.issuer}/auth?{urllib.parse.urlencode(params)}"


def redirect_params(location: str) -> dict[str, str]:
    """The query parameters of a redirect to the client's redirect_uri."""
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def token_request(client: Client, code: str, verifier: str, **overrides: str) -> httpx.Response:
    """The token request with client_secret_post."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": client.redirect_uri,
        "code_verifier": verifier,
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        **overrides,
    }
    discovery = httpx.get(f"{client.issuer}/.well-known/openid-configuration").json()
    return httpx.post(discovery["token_endpoint"], data=data)
