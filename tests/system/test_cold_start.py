"""Cold start: `import app` stays close to a bare Chalice app; heavy libraries load on the routes that need them."""

import statistics
import subprocess
import sys

from tools.local_stack import ROOT

HEAVY = ["PIL", "captcha", "phonenumbers", "argon2", "email_validator", "stdnum"]


def run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def import_time(statement: str) -> float:
    return float(run(f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"))


def test_importing_the_app_loads_no_heavy_library():
    loaded = run(f"import sys, app; print([m for m in {HEAVY!r} if m in sys.modules])")
    assert loaded == "[]"


def test_importing_the_app_costs_at_most_one_and_a_half_bare_chalice_apps():
    bare = statistics.median(import_time("import chalice, boto3") for _ in range(7))
    ours = statistics.median(import_time("import app") for _ in range(7))
    print(f"import chalice, boto3: {bare * 1000:.0f} ms; import app: {ours * 1000:.0f} ms; ratio {ours / bare:.2f}")
    assert ours <= 1.5 * bare
