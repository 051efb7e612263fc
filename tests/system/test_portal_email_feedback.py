"""Email feedback in the browser (contract §10): the local mailbox (tools/local/mailbox.py) lists the emails
newest first with their links clickable and simulates a bounce or a complaint; the synthesis then
asks the holder, in a DSFR alert, to change the address; "Mes délégations" says an invitation
bounced; the registration pages say that a mistyped address frees the NIR within minutes. Each
screen is screenshot under build/screens/ and checked by axe-core."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.helpers.browser import (
    Screens,
    call,
    heading,
    log_in,
    log_in_by_api,
    menu,
    new_person,
    register_by_api,
    require_the_dsfr,
)
from tests.helpers.http import local_stack

expect.set_options(timeout=20_000)  # a shared 2-core machine: conditions are waited for, generously

MISTYPED = "Une erreur dans votre adresse courriel ? Le courriel d'activation nous reviendra"


@pytest.fixture(scope="module")
def stack():
    require_the_dsfr()
    with local_stack(mailbox=True) as started:
        yield started


def simulate(page, stack, subject: str, button: str) -> None:
    """In the mailbox, the newest email with this subject: its button."""
    page.goto(stack.mailbox_url)
    target = page.locator("article", has_text=subject).first.get_by_role("button", name=button)
    # Chromium sometimes drops the very first click of a long page of framed emails (no request
    # leaves): click again only then, so that a feedback is never applied twice.
    for _ in range(3):
        try:
            with page.expect_request(lambda request: request.method == "POST", timeout=5_000):
                target.click()
            break
        except PlaywrightTimeoutError:
            continue
    expect(page.get_by_role("status")).to_have_text("Le retour a été appliqué.")


def test_a_bounced_reset_from_the_mailbox_puts_an_alert_on_the_synthesis(new_page, stack):
    person = new_person()
    register_by_api(stack, person)
    assert call(stack, "POST", "/mots-de-passe/oubli", {"nir": person.nir, "courriel": person.courriel})[0] == 202

    mailbox = new_page()
    screens = Screens(mailbox, "retours")
    mailbox.goto(stack.mailbox_url)
    newest = mailbox.locator("article").first
    expect(newest.get_by_role("heading", level=2)).to_have_text(
        "Mon Compte Formation : réinitialisation de votre mot de passe"
    )
    expect(newest).to_contain_text(person.courriel)
    screens.shot("boite-aux-lettres")
    simulate(mailbox, stack, "réinitialisation de votre mot de passe", "Simuler un rejet définitif")

    page = new_page()
    portal = Screens(page, "retours-portail")
    log_in(page, person)
    warning = page.locator(".fr-alert--warning", has_text="Votre adresse courriel ne fonctionne plus")
    expect(warning).to_be_visible()
    portal.shot("synthese-adresse-invalide")
    warning.get_by_role("link", name="Changer mon adresse courriel").click()
    expect(heading(page)).to_have_text("Mes informations personnelles")
    screens.assert_clean()
    portal.assert_clean()


def test_the_mailbox_s_links_open_the_portal(new_page, stack):
    person = new_person()
    register_by_api(stack, person, activate=False)
    page = new_page()
    page.goto(stack.mailbox_url)
    frame = page.frame_locator("article:first-of-type iframe")
    frame.get_by_role("link", name="/activation#c=").first.click()
    # The page took the code from the fragment and out of the address bar, and kept it to activate.
    expect(page).to_have_url(f"{stack.api_url}/activation")
    expect(heading(page)).to_have_text("Activation de votre compte")
    expect(page.get_by_role("button", name="Activer mon compte")).to_be_visible()


def test_a_bounced_invitation_says_so_in_mes_delegations(new_page, stack):
    person = new_person()
    register_by_api(stack, person)
    token = log_in_by_api(stack, person)
    invited = f"invite.{person.courriel}"
    body = {"courriel": invited, "portee": "consultation", "mot_de_passe": person.password}
    status, _ = call(stack, "POST", "/titulaire/delegations", body, token)
    assert status == 201
    mailbox = new_page()
    simulate(mailbox, stack, "vous propose une délégation", "Simuler un rejet définitif")

    page = new_page()
    screens = Screens(page, "retours-delegations")
    log_in(page, person)
    menu(page, "Mes délégations")
    row = page.locator("tr", has_text=invited)
    expect(row).to_contain_text("Courriel invalide")
    expect(row).to_contain_text("Invitation non distribuée")
    screens.shot("delegation-courriel-invalide")
    screens.assert_clean()


@pytest.mark.parametrize("path", ["/inscription/enregistree", "/courriel-non-recu"])
def test_the_registration_pages_say_a_mistyped_address_frees_the_nir(page, stack, path):
    screens = Screens(page, "retours-inscription")
    page.goto(path)
    expect(page.get_by_text(MISTYPED)).to_be_visible()
    screens.shot(path.strip("/").replace("/", "-"))
    screens.assert_clean()
