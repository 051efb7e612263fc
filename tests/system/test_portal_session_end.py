"""The browser forgets too (issue 23): the portal clears the page and the stored token once the
server's session has surely ended, for want of calls (SESSION_IDLE_SECONDS after the last call) or
at its absolute end (SESSION_MAX_SECONDS, an hour on this module's stack), with no call; and a logout
the server never heard of says so instead of pretending. The browser's clock is Playwright's, moved
forward: the server's own clock does not move, so its session is still open whenever the page asks."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import (
    Screens,
    account_menu,
    alert,
    call,
    heading,
    log_in,
    menu,
    new_person,
    portal_stack,
    register_by_api,
)

expect.set_options(timeout=20_000)  # a shared 2-core machine: conditions are waited for, generously

IDLE_MS = 1800 * 1000  # SESSION_IDLE_SECONDS, the default
MAX_SECONDS = 3600


@pytest.fixture(scope="module")
def stack():
    with portal_stack(SESSION_MAX_SECONDS=str(MAX_SECONDS)) as started:
        yield started


def stored(page: Page, key: str):
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{key}'))")


def expect_forgotten(page: Page, sentence: str) -> None:
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    expect(alert(page, sentence)).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
    assert stored(page, "mcf.jeton") is None
    assert stored(page, "mcf.titulaire") is None
    assert stored(page, "mcf.echeances") is None


def test_the_page_is_cleared_once_the_session_has_surely_ended_for_want_of_calls(page, stack):
    screens = Screens(page, "session-inactive")
    person = new_person()
    register_by_api(stack, person)
    page.clock.install()
    log_in(page, person)
    token = stored(page, "mcf.jeton")
    # What a call leaves, on the early side: the server's idle time less the Date header's second.
    assert IDLE_MS - 3_000 <= stored(page, "mcf.echeances")["idle"] <= IDLE_MS

    page.clock.fast_forward("20:00")
    menu(page, "Mon compte d'heures")  # its calls may have pushed the server's deadline back: so they do here
    expect(heading(page)).to_have_text("Mon compte d'heures")
    page.clock.fast_forward("29:00")  # 29 minutes after the last call: the server may still hold the session
    expect(page.get_by_role("heading", name="Mouvements")).to_be_visible()
    assert stored(page, "mcf.jeton") == token

    page.clock.fast_forward("01:05")  # 30 minutes and more: surely ended, nothing of the holder stays
    expect_forgotten(page, "Votre session a pris fin faute d'activité : merci de vous identifier de nouveau.")
    expect(page.get_by_text("Mouvements")).to_have_count(0)
    screens.shot("fin-inactivite")
    page.go_back()  # the holder's pages in the tab's history show nothing either
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    screens.assert_clean()


def test_the_page_is_cleared_at_the_session_s_absolute_end_however_busy(page, stack):
    screens = Screens(page, "session-duree")
    person = new_person()
    register_by_api(stack, person)
    page.clock.install()
    log_in(page, person)
    page.clock.fast_forward("25:00")
    menu(page, "Mon compte d'heures")
    expect(heading(page)).to_have_text("Mon compte d'heures")
    page.clock.fast_forward("25:00")
    menu(page, "Mes dossiers de formation")
    expect(heading(page)).to_have_text("Mes dossiers de formation")
    assert stored(page, "mcf.jeton") is not None  # 50 minutes in, 25 after a call

    page.clock.fast_forward("10:05")  # the hour of SESSION_MAX_SECONDS is past, though a call came 35 min ago
    expect_forgotten(page, "Votre session a atteint sa durée maximale : merci de vous identifier de nouveau.")
    screens.shot("fin-duree")
    screens.assert_clean()


def test_a_session_that_ended_while_the_computer_slept_shows_nothing_on_reload(page, stack):
    person = new_person()
    register_by_api(stack, person)
    page.clock.install()
    log_in(page, person)
    expect(page.get_by_text("Heures CPF disponibles")).to_be_visible()
    now = page.evaluate("Date.now()") / 1000
    page.clock.pause_at(datetime.fromtimestamp(now + 1, UTC))  # the page's timers held from here
    until = stored(page, "mcf.echeances")["until"] / 1000
    page.clock.set_system_time(datetime.fromtimestamp(until + 1, UTC))  # the clock jumps, no timer runs
    assert stored(page, "mcf.jeton") is not None
    page.reload()  # the page itself looks, before showing anything
    expect_forgotten(page, "Votre session a pris fin faute d'activité")
    expect(page.get_by_text("Heures CPF disponibles")).to_have_count(0)


def failing_logout(failure):
    """A route handler: the logout (DELETE) fails as `failure` says, any other method goes through."""

    def handle(route):
        if route.request.method == "DELETE":
            failure(route)
        else:
            route.continue_()

    return handle


def test_a_logout_the_server_never_heard_of_says_so(page, stack):
    screens = Screens(page, "deconnexion-injoignable")
    person = new_person()
    register_by_api(stack, person)
    failures = {
        "sans réponse": lambda route: route.abort(),
        "erreur 503": lambda route: route.fulfill(
            status=503,
            content_type="application/problem+json",
            body='{"code": "service_indisponible", "detail": "Service indisponible.", "status": 503}',
        ),
    }
    for name, failure in failures.items():
        log_in(page, person)
        token = stored(page, "mcf.jeton")
        page.route("**/sessions/courante", failing_logout(failure))
        account_menu(page, "Déconnexion")
        expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
        told = alert(page, "Le service n'a pas pu être prévenu de votre déconnexion")
        expect(told).to_be_visible()
        expect(told).to_contain_text("Votre espace est fermé dans ce navigateur, mais le service ne répond pas")
        expect(told).to_contain_text("au plus tard jusqu'au")
        expect(page.get_by_text("Vous êtes bien déconnecté(e) de votre espace.")).to_have_count(0)
        expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
        assert stored(page, "mcf.jeton") is None, name  # forgotten here all the same
        assert call(stack, "GET", "/titulaire", token=token)[0] == 200, name  # and, truly, still open there
        screens.shot(name.replace(" ", "-"))
        page.unroute("**/sessions/courante")
    expected = ("net::ERR_FAILED", "status of 503")
    assert all(any(cause in line for cause in expected) for line in screens.console), screens.console
