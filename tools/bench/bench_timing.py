"""Timing figures that tests must not assert (a busy machine tips any wall-clock comparison): `make bench`.

What the tests check instead is what makes the times equal (the same DynamoDB requests and one argon2id
verification for every failed login; the recovery routes' wait computed from an injectable clock).
This measures the times themselves, on moto in-process (as the tests do) and in fresh processes:

- login: an unknown NIR against a wrong password, through the API;
- the recovery routes, for a matching account and an unknown one, through the API, really waiting;
- cold start: `import app` against `import chalice, boto3`;
- a cold instance's first requests: in fresh processes, `import app`, then the first `POST
  /inscriptions`, `POST /captchas` (Pillow, the captcha library) and identity step (phonenumbers,
  python-stdnum, email-validator), each timed alone, on moto.

The two kinds of each figure are run in alternation (the first of each pair alternating too) and
compared pair by pair: a load that comes and goes slows both members of a pair alike, so the median
of the per-pair ratios is what the code does, not what the machine was doing. The bounds printed are
the ones the removed tests asserted; `--check` exits 1 when a figure is outside them.

    python -m tools.bench.bench_timing [--login-pairs 25] [--recovery-pairs 8] [--import-pairs 7]
                                 [--first-request-runs 7] [--check]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.store import Store

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Formation2015!"
WRONG_PASSWORD = "Mauvais123"
EMAIL = "jean.dupont@example.fr"
_BENCH_KEYRING = '{"actuelle": "banc", "banc": "une cle de banc d essai pour sceller, 32 caracteres au moins"}'
PENDING_EMAIL = "paul.martin@example.fr"


def _emulated_environment() -> None:
    """Fake credentials, the contract's defaults, and no endpoint: every AWS call stays in moto."""
    for name in (
        "AWS_ENDPOINT_URL",
        "CAPTCHA_FIXED_ANSWER",
        "TABLE_NAME",
        "PASSWORD_POLICY",
        "AWS_PROFILE",
        "PUBLIC_BASE_URL",
        "CONTACT_URL",
        "SENDER_EMAIL",
        "CGU_VERSION",
        "LOCKOUT_THRESHOLD",
    ):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "AWS_REGION": "eu-west-3",
        }
    )


def make_nir(body13: str) -> str:
    from stdnum.fr import nir as nir_rules

    return body13 + nir_rules.calc_check_digits(body13 + "00")


class ShiftedClock:
    """The system's time, moved forward an hour at a time on demand: each recovery request then has a
    fresh hourly allowance of emails, so a matching account always does its whole work."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        from chalicelib.clock import system_clock

        return system_clock() + self.offset

    def next_hour(self) -> None:
        self.offset += timedelta(hours=1, seconds=1)


class KeepingMailer:
    """Keeps the activation tokens of the accounts registered here (the API's emails go to moto's SES)."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def send_activation(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None:
        self.tokens.append(token)

    # The rest of the domain's Mailer: nothing registered here is sent any other email.

    def send_password_reset(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")

    def send_email_change_link(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")

    def send_email_change_notice(
        self, recipient: str, new_address_masked: str, expires_at: datetime, *, record_id: str
    ) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")

    def send_account_closed_notice(self, recipient: str, *, record_id: str) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")

    def send_delegation_invitation(
        self,
        recipient: str,
        token: str,
        expires_at: datetime,
        *,
        holder: str,
        scope: str,
        ends_on: date,
        record_id: str,
    ) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")

    def send_delegation_notice(
        self, recipient: str, invited_masked: str, scope: str, ends_on: date, moment: datetime, *, record_id: str
    ) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")

    def send_password_changed_notice(self, recipient: str, moment: datetime, *, record_id: str) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")

    def send_password_reset_notice(
        self, recipient: str, moment: datetime, delegations_ended: int, *, record_id: str
    ) -> None:
        raise NotImplementedError("the benchmark's registrations are sent an activation only")


def register(store: "Store", clock: ShiftedClock, nir: str, email: str, activate: bool) -> None:
    """A registration at the domain level, as the tutorial's steps leave it (pending, or active)."""
    from chalicelib.domain import activation, captchas, registration
    from chalicelib.sealing import Sealer

    mailer = KeepingMailer()
    sealer = Sealer(lambda: _BENCH_KEYRING, 300, time.monotonic)
    draft = registration.start(
        clock, ttl_seconds=3600, current_cgu_version="v1", accepted=True, version="v1", sealer=sealer
    )
    captcha = captchas.create(clock, 600, sealer, fixed_answer="AE23HJ")
    person = registration.Identity(nir=nir, civilite="M", nom_naissance="Dupont", courriel=email)
    registration.submit_identity(store, clock, draft.id, person, captcha.id, "AE23HJ", sealer)
    registration.submit_password(
        store,
        mailer,
        clock,
        draft_id=draft.id,
        password=PASSWORD,
        confirmation=PASSWORD,
        policy="cpf-2015",
        activation_ttl_seconds=15 * 86400,
        sealer=sealer,
    )
    if activate:
        activation.activate(store, clock, mailer.tokens[-1])


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def interleaved(
    first: Callable[[], object], second: Callable[[], object], pairs: int
) -> tuple[list[float], list[float]]:
    """Durations of `pairs` runs of each, in alternation; which one opens a pair alternates too."""
    firsts: list[float] = []
    seconds: list[float] = []
    for n in range(pairs):
        if n % 2 == 0:
            firsts.append(timed(first))
            seconds.append(timed(second))
        else:
            seconds.append(timed(second))
            firsts.append(timed(first))
    return firsts, seconds


class Figure:
    """Two kinds timed in pairs: their medians and the median of the per-pair ratios (first / second)."""

    def __init__(
        self, name: str, kinds: tuple[str, str], firsts: list[float], seconds: list[float], bound: str, within: bool
    ) -> None:
        self.name, self.kinds, self.firsts, self.seconds = name, kinds, firsts, seconds
        self.bound, self.within = bound, within
        self.ratio = statistics.median(a / b for a, b in zip(firsts, seconds, strict=True))

    def __str__(self) -> str:
        first, second = statistics.median(self.firsts) * 1000, statistics.median(self.seconds) * 1000
        return (
            f"{self.name} ({len(self.firsts)} pairs): {self.kinds[0]} {first:.1f} ms, {self.kinds[1]} "
            f"{second:.1f} ms (medians); median per-pair ratio {self.ratio:.2f}; bound: {self.bound}"
            f"{'' if self.within else '  <-- OUTSIDE'}"
        )


def ratio_figure(
    name: str, kinds: tuple[str, str], firsts: list[float], seconds: list[float], low: float, high: float
) -> Figure:
    figure = Figure(name, kinds, firsts, seconds, f"ratio in [{low}, {high}]", True)
    figure.within = low <= figure.ratio <= high
    return figure


def api_figures(login_pairs: int, recovery_pairs: int) -> list[Figure]:
    import boto3
    from chalice.test import Client
    from moto import mock_aws
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from chalicelib import dependencies, table
    from chalicelib.settings import get_settings

    nir, other_nir, pending_nir = make_nir("1840575123456"), make_nir("2920169123045"), make_nir("1920699123456")
    unknown_nirs = iter(make_nir(f"1840575{n:06d}") for n in range(1, 100_000))
    figures = []
    with mock_aws():
        dependencies.reset()
        settings = get_settings()
        table.ensure_table(boto3.client("dynamodb"), settings.table_name)
        boto3.client("ses").verify_email_identity(EmailAddress=settings.sender_email)
        sent_emails = ses_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]].sent_messages.copy
        clock = ShiftedClock()
        dependencies.use_clock(clock)
        store = dependencies.store()
        register(store, clock, nir, EMAIL, activate=True)
        register(store, clock, pending_nir, PENDING_EMAIL, activate=False)

        from app import app
        from chalicelib.api.recovery_routes import RESPONSE_FLOOR_SECONDS

        with Client(app, stage_name="local") as client:

            def post(path: str, body: dict[str, Any], status: int) -> None:
                response = client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"})
                assert response.status_code == status, (path, response.status_code, response.body)

            def unknown_nir() -> None:
                post("/sessions", {"nir": next(unknown_nirs), "mot_de_passe": WRONG_PASSWORD}, 401)

            def wrong_password() -> None:
                post("/sessions", {"nir": nir, "mot_de_passe": WRONG_PASSWORD}, 401)

            wrong_passwords = []

            def wrong_password_then_success() -> None:
                """Timed: the wrong password alone. Untimed: a success after it, so no lockout ever comes."""
                wrong_passwords.append(timed(wrong_password))
                post("/sessions", {"nir": nir, "mot_de_passe": PASSWORD}, 201)

            unknown_nir()  # warm up: argon2 imported, the dummy hash made
            wrong_password_then_success()
            wrong_passwords.clear()
            unknown_nirs_timed, _ = interleaved(unknown_nir, wrong_password_then_success, login_pairs)
            figures.append(
                ratio_figure("login", ("unknown NIR", "wrong password"), unknown_nirs_timed, wrong_passwords, 0.7, 1.4)
            )

            accounts = {"/mots-de-passe/oubli": (nir, EMAIL), "/activations/renvoi": (pending_nir, PENDING_EMAIL)}
            for route, (matching_nir, email) in accounts.items():

                def recovery(route: str, body: dict[str, str]) -> None:
                    clock.next_hour()  # a fresh hourly allowance: a matching account's email does go
                    post(route, body, 202)

                matching = partial(recovery, route, {"nir": matching_nir, "courriel": email})
                unknown = partial(recovery, route, {"nir": other_nir, "courriel": email})
                emails_before = len(sent_emails())
                matchings, unknowns = interleaved(matching, unknown, recovery_pairs)
                assert len(sent_emails()) - emails_before == recovery_pairs, "a matching account got no email"
                every = matchings + unknowns
                figures.append(
                    Figure(
                        f"{route} [every answer {min(every) * 1000:.0f}–{max(every) * 1000:.0f} ms]",
                        ("matching", "unknown"),
                        matchings,
                        unknowns,
                        f"every answer in [{RESPONSE_FLOOR_SECONDS}, {RESPONSE_FLOOR_SECONDS + 0.25}) s",
                        all(RESPONSE_FLOOR_SECONDS <= seconds < RESPONSE_FLOOR_SECONDS + 0.25 for seconds in every),
                    )
                )
        dependencies.reset()
    return figures


def import_figure(pairs: int) -> Figure:
    def import_time(statement: str) -> float:
        code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
        return float(run.stdout)

    apps: list[float] = []
    bares: list[float] = []
    for n in range(pairs):
        order = (("app", "import app"), ("bare", "import chalice, boto3"))
        for kind, statement in order if n % 2 == 0 else reversed(order):
            (apps if kind == "app" else bares).append(import_time(statement))
    return ratio_figure("cold start", ("import app", "import chalice, boto3"), apps, bares, 0.0, 1.5)


def first_requests_of_a_cold_process() -> dict[str, float]:
    """In a fresh process (run as `--cold-child`): `import app`, then the first request of each heavy
    route, each timed alone (the start too: whichever request first speaks to DynamoDB loads boto3 and
    makes the client). The table is made untimed."""
    _emulated_environment()
    started = time.perf_counter()
    from app import app

    timings = {"import app": time.perf_counter() - started}
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib import dependencies, table
    from chalicelib.domain import captchas
    from chalicelib.settings import get_settings
    from tools.local.rotate_keys import ensure_keyring

    with mock_aws(), Client(app, stage_name="local") as client:
        table.ensure_table(boto3.client("dynamodb"), get_settings().table_name)
        ensure_keyring(boto3.client("secretsmanager"), get_settings().sealing_keyring_secret)

        def call(method: str, path: str, body: dict[str, Any] | None = None, status: int = 201) -> dict[str, Any]:
            response = getattr(client.http, method)(
                path, body=json.dumps(body or {}), headers={"Content-Type": "application/json"}
            )
            assert response.status_code == status, (path, response.status_code, response.body)
            answer: dict[str, Any] = json.loads(response.body)
            return answer

        version = json.loads(client.http.get("/cgu").body)["version"]
        started = time.perf_counter()
        draft = call("post", "/inscriptions", {"cgu_acceptees": True, "cgu_version": version})
        timings["first POST /inscriptions"] = time.perf_counter() - started
        started = time.perf_counter()
        captcha = call("post", "/captchas")
        timings["first POST /captchas"] = time.perf_counter() - started
        read = captchas.read(captcha["id"], dependencies.sealer())
        assert read is not None, "the captcha just made is not found"
        answer = read.answer
        person = {
            "nir": make_nir("1840575123456"),
            "civilite": "M",
            "prenom": "Jean",
            "nom_naissance": "Dupont",
            "telephone_fixe": "01 23 45 67 89",
            "telephone_portable": "06 12 34 56 78",
            "courriel": EMAIL,
            "courriel_confirmation": EMAIL,
            "captcha_id": captcha["id"],
            "captcha_reponse": answer,
        }
        started = time.perf_counter()
        call("put", f"/inscriptions/{draft['id']}/identite", person, status=200)
        timings["first PUT /inscriptions/{id}/identite"] = time.perf_counter() - started
    dependencies.reset()
    return timings


def first_requests_figures(runs: int) -> list[str]:
    """Medians (and extremes) over `runs` fresh processes; no bound: a figure to compare before and after."""
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        run = subprocess.run(
            [sys.executable, "-m", "tools.bench.bench_timing", "--cold-child"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        for name, seconds in json.loads(run.stdout.strip().splitlines()[-1]).items():
            samples.setdefault(name, []).append(seconds)
    return [
        f"cold process, {name} ({len(values)} runs): median {statistics.median(values) * 1000:.0f} ms, "
        f"{min(values) * 1000:.0f}–{max(values) * 1000:.0f} ms"
        for name, values in samples.items()
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--login-pairs", type=int, default=25)
    parser.add_argument("--recovery-pairs", type=int, default=8)
    parser.add_argument("--import-pairs", type=int, default=7)
    parser.add_argument("--first-request-runs", type=int, default=7)
    parser.add_argument("--only-cold", action="store_true", help="only the cold start and the first requests")
    parser.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is outside its bound")
    options = parser.parse_args()
    if options.cold_child:
        print(json.dumps(first_requests_of_a_cold_process()))
        return 0

    _emulated_environment()
    figures = []
    for figure in [] if options.only_cold else api_figures(options.login_pairs, options.recovery_pairs):
        print(figure, flush=True)
        figures.append(figure)
    figure = import_figure(options.import_pairs)
    print(figure, flush=True)
    figures.append(figure)
    for line in first_requests_figures(options.first_request_runs):
        print(line, flush=True)
    return 1 if options.check and not all(figure.within for figure in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
