"""What the portal's browser tests share: a local stack as `make run` starts it (on free ports, with a
known captcha answer), Debian's Chromium driven by Playwright, and the checks every screen gets: no
console error nor Content-Security-Policy violation, a screenshot under build/screens/, and axe-core.

Every wait is on a condition (Playwright's auto-waiting and `expect`), never on time: the machine
that runs them is small and shared.
"""

import itertools
import json
import os
import re
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.helpers.http import CAPTCHA, local_stack
from tests.helpers.people import PASSWORD, make_nir
from tools.local.local_stack import ROOT, LocalStack

SCREENS = ROOT / "build" / "screens"
AXE_REPORTS = ROOT / "build" / "axe"
# Debian's Chromium, as the brief of this machine asks: no background connection (refused here).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A failed fetch (a 4xx the page shows as a problem document) is logged by Chromium as an error;
# it is the API's answer, not a fault of the page.
EXPECTED_CONSOLE = re.compile(r"^Failed to load resource: the server responded with a status of (4\d\d)")
SERIOUS = ("serious", "critical")


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError(f"No Chromium at {path}: `make test` installs Debian's chromium (as root).")
    return path


def require_the_dsfr() -> None:
    if not (ROOT / "web" / "public" / "vendor" / "dsfr" / "VERSION").exists():
        raise RuntimeError(
            "The DSFR is not in web/public/vendor/: run `make install` (npm ci, tools.local.vendor_dsfr)."
        )


@contextmanager
def portal_stack(**settings):
    require_the_dsfr()
    with local_stack(**settings) as stack:
        yield stack


def new_context(browser, stack, **options):
    """A French desktop browser of its own on the stack's portal; conditions waited for generously
    (a shared 2-core machine)."""
    context = browser.new_context(
        base_url=stack.api_url,
        viewport={"width": 1280, "height": 900},
        locale="fr-FR",
        timezone_id="Europe/Paris",
        **options,
    )
    context.set_default_timeout(20_000)
    return context


def alert(page: Page, text: str):
    return page.locator(".fr-alert", has_text=text)


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


class Screens:
    """The checks every screen gets. Problems are collected and asserted by `assert_clean()`."""

    def __init__(self, page: Page, prefix: str):
        self.page, self.prefix = page, prefix
        self.console: list[str] = []
        self.count = 0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error} {error.stack}"))

    def _console(self, message) -> None:
        if message.type in ("error", "warning") and not EXPECTED_CONSOLE.match(message.text):
            self.console.append(f"{message.type}: {message.text}")

    def shot(self, name: str, *, axe: bool = True) -> Path:
        """A full-page screenshot (build/screens/<prefix>-NN-<name>.png) and, unless told, axe-core."""
        self.count += 1
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{self.prefix}-{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if axe:
            check_accessibility(self.page, f"{self.prefix}-{self.count:02d}-{name}")
        return path

    def assert_clean(self) -> None:
        assert not self.console, "\n".join(self.console)


def check_accessibility(page: Page, name: str) -> dict:
    """axe-core on the page as it is: every result is written to build/axe/<name>.json; a violation
    of impact serious or critical fails the test."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    summary = {
        "page": name,
        "url": page.url,
        "axe": results.get("testEngine", {}).get("version"),
        "violations": [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in results["violations"]
        ],
        # What axe could not decide (e.g. the contrast of text over a gradient): to be looked at by a person.
        "incomplete": [
            {
                "id": v["id"],
                "impact": v["impact"],
                "nodes": [(n["target"], (n.get("any") or [{}])[0].get("message", "")) for n in v["nodes"]],
            }
            for v in results["incomplete"]
        ],
        "passes": results.get("passes", []) and len(results["passes"]),
    }
    (AXE_REPORTS / f"{name}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    serious = [v for v in summary["violations"] if v["impact"] in SERIOUS]
    assert not serious, f"axe-core on {name}: {json.dumps(serious, ensure_ascii=False, indent=2)}"
    return summary


def emails_to(stack: LocalStack, recipient: str) -> list[dict]:
    with urllib.request.urlopen(stack.emails_url, timeout=10) as response:
        messages = json.load(response).get("ses", {}).get("Message", [])
    messages = list(messages.values()) if isinstance(messages, dict) else list(messages)
    return [m for m in messages if recipient in json.dumps(m.get("destinations", {}))]


def link_in_last_email(stack: LocalStack, recipient: str, page_path: str) -> str:
    """The path and fragment (`/activation#c=<code>`) of the last link to `page_path` mailed to `recipient`."""
    mails = emails_to(stack, recipient)
    assert mails, f"no email to {recipient}"
    found = re.search(rf"https?://[^\s\"'<>/]+({re.escape(page_path)}#c=[A-Za-z0-9_-]+)", mails[-1]["body"])
    assert found, f"no {page_path} link in the email: {mails[-1]['body']}"
    return found.group(1)


def expect_field_error(page: Page, label: str, message: str | re.Pattern) -> None:
    """The message beside the field labelled `label`: in its DSFR messages group, tied to it by
    aria-describedby (what a screen reader reads with the field)."""
    field = page.get_by_label(label, exact=False).first
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby")
    expect(page.locator(f"#{described_by}")).to_contain_text(message)


# People and set-up over HTTP, for the tests whose subject comes after the registration ------------

_people = itertools.count(1)


@dataclass(frozen=True)
class Person:
    nir: str
    courriel: str
    prenom: str = "Claire"
    nom: str = "Martin"
    civilite: str = "MME"
    password: str = PASSWORD

    @property
    def spaced_nir(self) -> str:
        """The NIR as people type it: 1 84 05 75 123 456 25."""
        n = self.nir
        return f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"


def new_person(**overrides) -> Person:
    number = next(_people)
    values = {"nir": make_nir(f"2850575123{number:03d}"), "courriel": f"titulaire.{number}@example.fr"}
    return Person(**{**values, **overrides})


def call(stack: LocalStack, method: str, path: str, body=None, token: str | None = None) -> tuple[int, dict | None]:
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(stack.api_url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        with error:
            raw, status = error.read(), error.code
    return status, (json.loads(raw) if raw else None)


def register_by_api(stack: LocalStack, person: Person, *, activate: bool = True) -> None:
    """The tutorial's steps 1 to 4 over HTTP, as tests/system/test_end_to_end.py does them."""
    version = call(stack, "GET", "/cgu")[1]["version"]
    draft = call(stack, "POST", "/inscriptions", {"cgu_acceptees": True, "cgu_version": version})[1]["id"]
    captcha = call(stack, "POST", "/captchas")[1]["id"]
    status, answer = call(
        stack,
        "PUT",
        f"/inscriptions/{draft}/identite",
        {
            "nir": person.nir,
            "civilite": person.civilite,
            "prenom": person.prenom,
            "nom_naissance": person.nom,
            "courriel": person.courriel,
            "courriel_confirmation": person.courriel,
            "captcha_id": captcha,
            "captcha_reponse": CAPTCHA,
        },
    )
    assert status == 200, answer
    password = {"mot_de_passe": person.password, "mot_de_passe_confirmation": person.password}
    status, answer = call(stack, "PUT", f"/inscriptions/{draft}/mot-de-passe", password)
    assert status == 201, answer
    if activate:
        code = link_in_last_email(stack, person.courriel, "/activation").split("c=", 1)[1]
        status, answer = call(stack, "POST", "/activations", {"code": code})
        assert status == 200, answer


def log_in_by_api(stack: LocalStack, person: Person) -> str:
    """A session of `person`'s own, opened over HTTP: its token."""
    status, answer = call(stack, "POST", "/sessions", {"nir": person.nir, "mot_de_passe": person.password})
    assert status == 201, answer
    return answer["jeton"]


# What the browser tests do on a page, as a person would -------------------------------------------


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def textbox(page: Page, name: str, exact: bool = True):
    """The field labelled `name`; with exact=False, whose label starts so (a DSFR hint follows it)."""
    if exact:
        return page.get_by_role("textbox", name=name, exact=True)
    return page.get_by_role("textbox", name=re.compile("^" + re.escape(name)))


def log_in(page: Page, person: Person) -> None:
    page.goto("/")
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    fill_login_form(page, person)
    expect(heading(page)).to_have_text("Synthèse de votre compte")


def fill_login_form(page: Page, person: Person) -> None:
    """The login form of whatever page shows it (the home page, an invitation's link)."""
    textbox(page, "Numéro de sécurité sociale", exact=False).fill(person.spaced_nir)
    textbox(page, "Mot de passe").fill(person.password)
    page.get_by_role("button", name="Je m'identifie").click()


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name, exact=True).click()


def account_menu(page: Page, name: str) -> None:
    navigation = page.get_by_role("navigation", name="Menu principal")
    navigation.locator("#bouton-menu-compte").click()
    navigation.get_by_role("link", name=name).or_(navigation.get_by_role("button", name=name)).click()


# The keyboard alone: Tab to move, Enter or Space to press, typing ----------------------------------

MAX_TABS = 120  # more than any page of the portal has focusable elements


def focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, locator) -> None:
    """Presses Tab until `locator` has the focus, as a person tabs through a page."""
    expect(locator).to_be_attached()
    for _ in range(MAX_TABS):
        if focused(locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never got the focus in {MAX_TABS} presses of Tab")


def type_into(page: Page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def press(page: Page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    page.keyboard.press(key)
