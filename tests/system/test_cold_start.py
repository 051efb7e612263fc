"""Cold start: `import app` loads no heavy library; those load on the routes that need them.

What the import costs next to a bare Chalice app is a figure, not a test: `make bench` measures it."""

import subprocess
import sys

from tools.local.local_stack import ROOT

HEAVY = ["PIL", "captcha", "phonenumbers", "argon2", "email_validator", "stdnum", "cryptography"]
HEAVY += ["joserfc", "chalicelib.oidc"]  # the OpenID client: FranceConnect's routes only


def run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_importing_the_app_loads_no_heavy_library():
    loaded = run(f"import sys, app; print([m for m in {HEAVY!r} if m in sys.modules])")
    assert loaded == "[]"
