"""The local stack: an emulated AWS (moto's server, as tools/local/emulator.py patches it), the table and
sender set up, the API on `chalice local`, and in front of it the portal's edge
(tools/local/front_server.py): the pages and the API on one origin.

`make run` runs `python -m tools.local.local_stack`, which serves until Ctrl-C; the end-to-end and browser
tests use `LocalStack` directly, on free ports, with the children's output kept in a file.

Environment read here (besides the application's settings, passed through to the API untouched):
`PORT` (the portal and its API, default 8000), `MOTO_PORT` (emulator, default 5000), `OIDC_PORT`
(the local OpenID provider standing in for FranceConnect and ProConnect, tools/local/oidc/, default
9000), and `AWS_ENDPOINT_URL`: when it is already set, no emulator is started and that endpoint is
used. `chalice local` itself listens on a free port of its own, reached through the front only.
The provider reads `OIDC_IDENTITIES_FILE` (its people) and `PUBLIC_BASE_URL` (its clients'
redirect_uri) from the same environment; the API gets `FRANCECONNECT_ISSUER`, `PROCONNECT_ISSUER`
and their client ids and secrets pointing at it, unless they are given.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from chalicelib.settings import ENVIRONMENT_NAMES, points_at_loopback
from tools.portal import PAGES_ROOT

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DEFAULT_REGION = "eu-west-3"
# The local OpenID provider (node's oidc-provider, installed by `make install`: npm ci there).
OIDC_DIR = ROOT / "tools" / "local" / "oidc"
# The clients registered on it (its server.mjs has the same defaults; the same variables override both).
OIDC_CLIENTS = {
    "FRANCECONNECT_CLIENT_ID": "mon-compte-formation",
    "FRANCECONNECT_CLIENT_SECRET": "secret-local-franceconnect-mon-compte-formation-0001",
    "PROCONNECT_CLIENT_ID": "mon-compte-formation-pro",
    "PROCONNECT_CLIENT_SECRET": "secret-local-proconnect-mon-compte-formation-0001",
}
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


class LocalStackError(RuntimeError):
    """The stack could not start; the message carries the children's output when it was captured."""


def free_ports(count: int) -> list[int]:
    """`count` distinct TCP ports nobody listens on right now, on the loopback interface."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))  # all bound at once: the kernel cannot hand the same port out twice
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port() -> int:
    return free_ports(1)[0]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no obstacle
        try:
            sock.bind((HOST, port))
        except OSError:
            return True
        return False


# The stack's own variables, never taken from the developer's shell (a test passes its own, e.g.
# local_stack(OIDC_IDENTITIES_FILE=...) for the local OpenID provider's people).
LOCAL_STACK_NAMES = ("PORT", "MOTO_PORT", "MAILBOX_PORT", "OIDC_PORT", "OIDC_IDENTITIES_FILE")


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the application's settings nor any AWS configuration,
    so that a developer's shell (a real endpoint, a profile...) cannot leak into the stack."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name not in ENVIRONMENT_NAMES and not name.startswith("AWS_") and name not in LOCAL_STACK_NAMES
    }
    return {**kept, **extra}


def http_status(url: str, timeout: float = 1.0) -> int | None:
    """The HTTP status `url` answers with, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


class LocalStack:
    """Moto server (unless AWS_ENDPOINT_URL is given), bootstrap, `chalice local`, then the front.

    `api_port` is the front's: the portal's pages and the API, as `api_url`. `chalice_port` is where
    `chalice local` listens behind it (default: a free port). `environ` is the environment the
    children start from (default: this process's); `extra_env` is added on top. With
    `capture_output`, the children write to a temporary file (see `output()`) instead of the terminal.
    `oidc_port` is the local OpenID provider's (default: a free port; `make run` passes OIDC_PORT or 9000).
    """

    def __init__(
        self,
        api_port: int = 8000,
        moto_port: int = 5000,
        extra_env: Mapping[str, str] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        capture_output: bool = False,
        autoreload: bool = True,
        timeout: float = 30.0,
        chalice_port: int | None = None,
        mailbox_port: int | None = None,
        oidc_port: int | None = None,
    ):
        self.api_port, self.moto_port, self.chalice_port = api_port, moto_port, chalice_port
        self.mailbox_port = mailbox_port  # the local mailbox (tools/local/mailbox.py), when asked for
        self.oidc_port = oidc_port  # the local OpenID provider (tools/local/oidc/); a free one when None
        self.autoreload, self.timeout = autoreload, timeout
        self.env = {**(os.environ if environ is None else environ), **(extra_env or {})}
        self.starts_emulator = not self.env.get("AWS_ENDPOINT_URL")
        # Kept open for the stack's life (the children write to it), closed by close().
        self._log = tempfile.TemporaryFile(prefix="local-stack-") if capture_output else None  # noqa: SIM115
        self._children: list[subprocess.Popen[bytes]] = []

    @property
    def api_url(self) -> str:
        """The front: the portal's pages at `/`, the API's routes at their own paths."""
        return f"http://{HOST}:{self.api_port}"

    @property
    def chalice_url(self) -> str:
        return f"http://{HOST}:{self.chalice_port}"

    @property
    def oidc_url(self) -> str:
        """The local OpenID provider; its issuers are `<oidc_url>/franceconnect` and `<oidc_url>/proconnect`."""
        return f"http://{HOST}:{self.oidc_port}"

    @property
    def franceconnect_issuer(self) -> str:
        return f"{self.oidc_url}/franceconnect"

    @property
    def proconnect_issuer(self) -> str:
        return f"{self.oidc_url}/proconnect"

    @property
    def endpoint_url(self) -> str:
        return self.env.get("AWS_ENDPOINT_URL") or f"http://{HOST}:{self.moto_port}"

    @property
    def emails_url(self) -> str:
        """Where moto shows what it holds; the emails SES accepted are under `ses` → `Message`."""
        return f"{self.endpoint_url.rstrip('/')}/moto-api/data.json"

    def sent_emails(self) -> list[dict[str, Any]]:
        """The emails the emulator accepted, oldest first (moto's records: source, subject, body...)."""
        with urllib.request.urlopen(self.emails_url, timeout=5) as response:
            messages = json.load(response).get("ses", {}).get("Message", [])
        return list(messages.values()) if isinstance(messages, dict) else list(messages)

    # Starting and stopping

    def start(self) -> "LocalStack":
        """Returns once the API answers HTTP; on failure, stops what it started and raises LocalStackError."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        while self.oidc_port is None or self.oidc_port in (self.api_port, self.moto_port, self.mailbox_port):
            self.oidc_port = free_port()
        self._prepare_environment()
        busy = [port for port in self._ports() if port_in_use(port)]
        if busy:
            ports = f"{', '.join(map(str, busy))} already in use on {HOST}"
            raise LocalStackError(f"port(s) {ports} (PORT / MOTO_PORT / OIDC_PORT / MAILBOX_PORT)")
        deadline = time.monotonic() + self.timeout
        # The OpenID provider first: node starts while the emulator and the bootstrap do.
        oidc = self._spawn(self._oidc_command())
        if self.starts_emulator:
            # moto, patched to hold as its data grows and under concurrent requests (tools/local/emulator.py)
            moto = self._spawn([sys.executable, "-m", "tools.local.emulator", "-H", HOST, "-p", str(self.moto_port)])
            self._wait_for(moto, self.emails_url, deadline, "the AWS emulator (moto server)")
        bootstrap = self._spawn([sys.executable, "-m", "tools.local.bootstrap"], keep=False)
        try:
            code = bootstrap.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise LocalStackError(self._failure("the bootstrap did not finish in time")) from None
        finally:
            if bootstrap.poll() is None:  # timed out, or Ctrl-C while it ran
                _signal_group(bootstrap, signal.SIGKILL)
                bootstrap.wait()
        if code != 0:
            raise LocalStackError(self._failure(f"the bootstrap failed (exit code {code})"))
        for issuer in (self.franceconnect_issuer, self.proconnect_issuer):
            discovery = f"{issuer}/.well-known/openid-configuration"
            self._wait_for(oidc, discovery, deadline, "the local OpenID provider (tools/local/oidc)", expected=200)
        if self.chalice_port is None:
            self.chalice_port = free_port()
        # `chalice local`, with a listen backlog for concurrent people (tools/local/chalice_local.py)
        command = [sys.executable, "-m", "tools.local.chalice_local", "local", "--stage", "local"]
        command += ["--host", HOST, "--port", str(self.chalice_port)]
        if not self.autoreload:
            command.append("--no-autoreload")
        api = self._spawn(command)
        self._wait_for(api, f"{self.chalice_url}/cgu", deadline, "the API (chalice local)", expected=200)
        front = self._spawn(
            [sys.executable, "-m", "tools.local.front_server", "--port", str(self.api_port), "--api", self.chalice_url]
        )
        # Through the front: it serves, and it forwards to the API.
        self._wait_for(front, f"{self.api_url}/cgu", deadline, "the portal's front (tools/local/front_server.py)", 200)
        if self.mailbox_port is not None:
            mailbox = self._spawn([sys.executable, "-m", "tools.local.mailbox", "--port", str(self.mailbox_port)])
            self._wait_for(mailbox, self.mailbox_url, deadline, "the local mailbox (tools/local/mailbox.py)", 200)

    @property
    def mailbox_url(self) -> str:
        return f"http://{HOST}:{self.mailbox_port}/"

    def _ports(self) -> list[int]:
        ports = [self.api_port] + ([self.moto_port] if self.starts_emulator else [])
        return ports + [port for port in (self.chalice_port, self.mailbox_port, self.oidc_port) if port is not None]

    def _oidc_command(self) -> list[str]:
        node = shutil.which("node", path=self.env.get("PATH"))
        if node is None:
            raise LocalStackError("node is missing (the local OpenID provider needs it): make install")
        if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
            raise LocalStackError(f"{OIDC_DIR.relative_to(ROOT)}/node_modules is missing: make install")
        return [node, str(OIDC_DIR / "server.mjs")]

    def _prepare_environment(self) -> None:
        env = self.env
        if self.starts_emulator:
            # Our own emulator: fake credentials always, so no real key is ever signed with here.
            env["AWS_ENDPOINT_URL"] = self.endpoint_url
            env.update(FAKE_CREDENTIALS)
        elif points_at_loopback(env["AWS_ENDPOINT_URL"]):
            # Another local emulator: fake credentials unless some were given. Never for a remote
            # endpoint, where they would hide the developer's own (profile, SSO...).
            for name, value in FAKE_CREDENTIALS.items():
                if name != "AWS_SESSION_TOKEN":
                    env.setdefault(name, value)
        # The links in emails open the portal's pages on the front's port, unless another address is given.
        env.setdefault("PUBLIC_BASE_URL", self.api_url)
        # The local OpenID provider: its port, and the API pointed at it (its people: OIDC_IDENTITIES_FILE,
        # when given, else the documented default beside its server).
        env["OIDC_PORT"] = str(self.oidc_port)
        env.setdefault("FRANCECONNECT_ISSUER", self.franceconnect_issuer)
        env.setdefault("PROCONNECT_ISSUER", self.proconnect_issuer)
        for name, value in OIDC_CLIENTS.items():
            env.setdefault(name, value)
        env.setdefault("AWS_REGION", env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION)
        env.setdefault("AWS_DEFAULT_REGION", env["AWS_REGION"])
        env["PYTHONUNBUFFERED"] = "1"  # so that captured output is complete even when a child is killed

    def _spawn(self, command: list[str], keep: bool = True) -> subprocess.Popen[bytes]:
        # A session of its own per server: the terminal's Ctrl-C reaches only us, and stopping
        # kills the whole group, chalice's reloader child included.
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,  # None: the terminal
            stderr=subprocess.STDOUT if self._log is not None else None,
            start_new_session=True,
        )
        if keep:
            self._children.append(child)
        return child

    def _wait_for(
        self, child: subprocess.Popen[bytes], url: str, deadline: float, what: str, expected: int | None = None
    ) -> None:
        while True:
            if child.poll() is not None:
                raise LocalStackError(self._failure(f"{what} exited with code {child.returncode}"))
            status = http_status(url)
            if status is not None and (expected is None or status == expected):
                return
            if time.monotonic() > deadline:
                seen = "no answer" if status is None else f"HTTP {status}"
                reason = f"{what} did not answer {url} within {self.timeout:.0f} s ({seen})"
                raise LocalStackError(self._failure(reason))
            time.sleep(0.1)

    def stop(self, grace_seconds: float = 5.0) -> None:
        """Stops every process it started (their whole process groups); safe to call twice."""
        children, self._children = self._children[::-1], []
        for child in children:
            _signal_group(child, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
            _signal_group(child, signal.SIGKILL)  # whatever the leader left behind in its group

    def alive(self) -> bool:
        """Whether every server it started still runs."""
        return bool(self._children) and all(child.poll() is None for child in self._children)

    def output(self) -> str:
        """What the children printed, when captured."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def close(self) -> None:
        self.stop()
        if self._log is not None:
            self._log.close()

    def _failure(self, reason: str) -> str:
        captured = self.output()
        if not captured:
            return f"Local stack: {reason}."
        return f"Local stack: {reason}. Output of its processes:\n{captured[-8000:]}"

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def banner(self) -> str:
        lines = [
            f"Portail Mon Compte Formation : {self.api_url}/  (ouvrez cette adresse dans un navigateur)",
            f"API, à la même adresse : {self.api_url}/cgu  (chalice local derrière, sur {self.chalice_url})",
            f"AWS : {self.endpoint_url}" + ("  (émulateur moto)" if self.starts_emulator else "  (AWS_ENDPOINT_URL)"),
        ]
        if not (PAGES_ROOT / "vendor" / "dsfr").is_dir():
            lines.append("Attention : le DSFR manque dans web/public/vendor/ : lancez `make install` (npm ci).")
        people = self.env.get("OIDC_IDENTITIES_FILE") or "tools/local/oidc/identities.json"
        lines.append(
            f"FranceConnect et ProConnect (fournisseur OpenID local) : {self.franceconnect_issuer}, "
            f"{self.proconnect_issuer}  (identités : {people})"
        )
        if self.mailbox_port is not None:
            lines.append(f"Courriels envoyés : {self.mailbox_url}  (rejets et plaintes simulés d'un bouton)")
        elif self.starts_emulator:
            lines.append(f"Courriels envoyés : {self.emails_url}  (clé ses → Message)")
        lines.append("Ctrl-C pour tout arrêter.")
        return "\n".join(lines)


def _signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)  # started with start_new_session: its pid is its group's id


def main() -> int:
    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Installed explicitly: a shell that starts us in the background hands SIGINT down ignored.
    signal.signal(signal.SIGINT, terminate)
    signal.signal(signal.SIGTERM, terminate)
    try:
        names = (("PORT", 8000), ("MOTO_PORT", 5000), ("MAILBOX_PORT", 8025), ("OIDC_PORT", 9000))
        ports = [int(os.environ.get(name) or default) for name, default in names]
    except ValueError:
        print("Local stack: PORT, MOTO_PORT, MAILBOX_PORT and OIDC_PORT must be port numbers.", file=sys.stderr)
        return 2
    # The mailbox only against a loopback emulator (tools/local/mailbox.py refuses anything else).
    local = points_at_loopback(os.environ.get("AWS_ENDPOINT_URL") or f"http://{HOST}:{ports[1]}")
    mailbox_port = ports[2] if local else None
    stack = LocalStack(api_port=ports[0], moto_port=ports[1], mailbox_port=mailbox_port, oidc_port=ports[3])
    try:
        stack.start()
        print(stack.banner(), flush=True)
        while stack.alive():
            time.sleep(0.5)
        print("Local stack: a process stopped on its own; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nArrêt de la pile locale.", flush=True)
        return 0
    except LocalStackError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        # Ctrl-C again while stopping must not leave anything behind either.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.close()


if __name__ == "__main__":
    sys.exit(main())
