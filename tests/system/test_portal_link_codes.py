"""The codes of the emails' links (contract §13): in the fragment (`/activation#c=<code>`), taken out of
the address bar by the portal before any request, never in a request's URL or Referer, kept in the
tab's sessionStorage only while the page needs it (through the délégation's login form, a reload),
and links mailed before (`?c=`) still working."""

import re
from urllib.parse import urldefrag

from playwright.sync_api import Page, expect

from tests.helpers.browser import (
    Screens,
    alert,
    call,
    fill_login_form,
    heading,
    link_in_last_email,
    log_in_by_api,
    new_person,
    register_by_api,
    textbox,
)

expect.set_options(timeout=20_000)  # a shared 2-core machine: conditions are waited for, generously


class Requests:
    """Every request the page makes, as Chromium sends it."""

    def __init__(self, page: Page):
        self.seen: list = []
        page.on("request", self._record)

    def _record(self, request) -> None:
        self.seen.append(request)

    def assert_none_carries(self, code: str, *, but_the_first_document: bool = False) -> None:
        requests = self.seen[1:] if but_the_first_document else self.seen
        assert len(requests) > 3, [request.url for request in self.seen]  # the page, its modules, the API
        for request in requests:
            # A fragment is never sent (RFC 9110, 4.2.4): what goes on the wire is the URL without it.
            sent = urldefrag(request.url).url
            assert code not in sent, f"{request.method} {sent}"
            referer = request.all_headers().get("referer") or ""
            assert code not in referer, f"{request.method} {sent} Referer: {referer}"


def code_of(link: str) -> str:
    return link.split("#c=", 1)[1]


def stored_codes(page: Page):
    return page.evaluate("sessionStorage.getItem('mcf.liens')")


def test_an_activation_link_s_code_leaves_the_address_bar_and_goes_in_no_request(page, stack):
    screens = Screens(page, "lien-fragment")
    person = new_person()
    register_by_api(stack, person, activate=False)
    link = link_in_last_email(stack, person.courriel, "/activation")
    assert re.fullmatch(r"/activation#c=[A-Za-z0-9_-]+", link), link  # in the fragment, never the query
    code = code_of(link)
    requests = Requests(page)

    page.goto(link)
    expect(heading(page)).to_have_text("Activation de votre compte")
    expect(page).to_have_url(f"{stack.api_url}/activation")
    assert code not in page.evaluate("location.href")
    screens.shot("activation")
    page.get_by_role("button", name="Activer mon compte").click()
    expect(alert(page, "Votre compte a bien été activé")).to_be_visible()
    assert stored_codes(page) is None  # spent: forgotten
    requests.assert_none_carries(code)
    assert any(request.url.endswith("/activations") for request in requests.seen)
    screens.assert_clean()


def test_a_link_mailed_before_with_its_code_in_the_query_still_activates(page, stack):
    person = new_person()
    register_by_api(stack, person, activate=False)
    code = code_of(link_in_last_email(stack, person.courriel, "/activation"))
    requests = Requests(page)

    page.goto(f"/activation?c={code}")
    expect(heading(page)).to_have_text("Activation de votre compte")
    expect(page).to_have_url(f"{stack.api_url}/activation")
    page.get_by_role("button", name="Activer mon compte").click()
    expect(alert(page, "Votre compte a bien été activé")).to_be_visible()
    # The page's own address carried it (why links moved to the fragment); nothing after it did.
    assert code in requests.seen[0].url
    requests.assert_none_carries(code, but_the_first_document=True)
    assert call(stack, "POST", "/sessions", {"nir": person.nir, "mot_de_passe": person.password})[0] == 201


def test_a_reset_link_s_code_survives_a_reload_out_of_the_address_bar(page, stack):
    person = new_person()
    register_by_api(stack, person)
    assert call(stack, "POST", "/mots-de-passe/oubli", {"nir": person.nir, "courriel": person.courriel})[0] == 202
    link = link_in_last_email(stack, person.courriel, "/reinitialisation")
    code = code_of(link)
    requests = Requests(page)

    page.goto(link)
    field = textbox(page, "Nouveau mot de passe *")
    expect(field).to_be_visible()  # the password rules were asked for: a request after the code was taken
    expect(page).to_have_url(f"{stack.api_url}/reinitialisation")
    page.reload()
    expect(field).to_be_visible()
    expect(page.get_by_text("Ce lien de réinitialisation est incomplet")).to_have_count(0)
    field.fill("Nouveau2026!")
    textbox(page, "Confirmation du nouveau mot de passe *").fill("Nouveau2026!")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a bien été modifié")).to_be_visible()
    assert stored_codes(page) is None
    requests.assert_none_carries(code)


def test_an_invitation_s_code_is_kept_through_the_login_without_coming_back_to_the_address(new_page, stack):
    holder, invited = new_person(prenom="Paul", nom="Durand"), new_person(prenom="Léa", nom="Petit")
    for person in (holder, invited):
        register_by_api(stack, person)
    body = {"courriel": invited.courriel, "portee": "consultation", "mot_de_passe": holder.password}
    assert call(stack, "POST", "/titulaire/delegations", body, token=log_in_by_api(stack, holder))[0] == 201
    link = link_in_last_email(stack, invited.courriel, "/delegation")
    code = code_of(link)
    page = new_page()
    screens = Screens(page, "lien-invitation")
    requests = Requests(page)

    page.goto(link)
    expect(page.get_by_role("heading", name="Je m'identifie")).to_be_visible()
    expect(page).to_have_url(f"{stack.api_url}/delegation")
    fill_login_form(page, invited)
    accept = page.get_by_role("button", name="Accepter la délégation")
    expect(accept).to_be_visible()
    expect(page).to_have_url(f"{stack.api_url}/delegation")
    screens.shot("a-accepter")
    accept.click()
    expect(page.get_by_role("heading", name="La délégation est acceptée")).to_be_visible()
    assert stored_codes(page) is None
    requests.assert_none_carries(code)

    # A link opened over the same page (only its fragment differs) is taken too.
    page.goto("/delegation#c=un-autre-code")
    expect(page).to_have_url(f"{stack.api_url}/delegation")
    page.get_by_role("button", name="Accepter la délégation").click()
    expect(alert(page, "Ce lien d'invitation n'est pas valide ou a déjà servi.")).to_be_visible()
    screens.assert_clean()
