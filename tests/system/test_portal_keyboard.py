"""The journey with the keyboard alone: Tab (and the arrow keys in a group of radio buttons) to move,
Space to tick, Enter to follow or press, and typing. The mouse is never used; the page is only read,
to know where the focus is. Also RGAA criterion 1.5: the captcha's audio version is reachable this
way and named."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import (
    CAPTCHA,
    Screens,
    link_in_last_email,
    new_person,
    press,
    tab_to,
    type_into,
)

expect.set_options(timeout=20_000)


def test_the_journey_with_the_keyboard_alone(page, stack):
    screens = Screens(page, "clavier")
    person = new_person(prenom="Jean", nom="Dupont")
    heading = page.get_by_role("heading", level=1)

    def field(name):
        return page.get_by_role("textbox", name=re.compile("^" + re.escape(name)))

    page.goto("/")
    expect(heading).to_have_text("Accès à mon espace sécurisé")
    press(page, page.get_by_role("link", name="Je m'inscris"))
    expect(page.get_by_text("Étape 1 sur 4")).to_be_visible()
    expect(heading).to_be_focused()  # a new page is announced from its title

    press(page, page.get_by_role("checkbox", name=re.compile("^Je déclare avoir lu")), "Space")
    press(page, page.get_by_role("button", name="Continuer"))
    expect(page.get_by_text("Étape 2 sur 4")).to_be_visible()

    type_into(page, field("N° de sécurité sociale"), person.spaced_nir)
    tab_to(page, page.get_by_role("radio", name="Madame"))
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Monsieur")).to_be_checked()
    type_into(page, field("Prénom"), person.prenom)
    type_into(page, field("Nom de naissance"), person.nom)
    type_into(page, field("Courriel *"), person.courriel)
    type_into(page, field("Confirmation courriel"), person.courriel)

    # RGAA 1.5: the audio alternative of the captcha, a named button reached with Tab.
    listen = page.get_by_role("button", name="Écouter la version sonore")
    expect(page.get_by_role("button", name="Renouveler les caractères")).to_be_visible()
    with page.expect_response(re.compile(r"/captchas/[^/]+/audio$")) as audio:
        press(page, listen)
    assert audio.value.status == 200
    assert audio.value.headers["content-type"] == "audio/wav"
    player = page.get_by_label("Version sonore du contrôle de sécurité")
    expect(player).to_have_attribute("src", re.compile("^blob:"))
    expect(page.get_by_role("img", name=re.compile("version sonore disponible"))).to_be_visible()
    screens.shot("controle-de-securite")

    type_into(page, field("Caractères affichés"), CAPTCHA)
    press(page, page.get_by_role("button", name="Continuer"))
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()

    type_into(page, page.get_by_role("textbox", name="Mot de passe *", exact=True), person.password)
    type_into(page, field("Confirmation mot de passe"), person.password)
    press(page, page.get_by_role("button", name="Valider mon inscription"))
    expect(page.get_by_role("heading", name="Votre inscription a bien été enregistrée")).to_be_visible()
    press(page, page.get_by_role("button", name="Terminer"))
    expect(heading).to_have_text("Accès à mon espace sécurisé")

    page.goto(link_in_last_email(stack, person.courriel, "/activation"))  # the email's link, opened
    press(page, page.get_by_role("button", name="Activer mon compte"))
    expect(page.get_by_text("Votre compte a bien été activé")).to_be_visible()
    type_into(page, field("Numéro de sécurité sociale"), person.nir)
    type_into(page, page.get_by_role("textbox", name="Mot de passe", exact=True), person.password)
    page.keyboard.press("Enter")  # submits the form from its last field
    expect(heading).to_have_text("Synthèse de votre compte")

    press(page, page.get_by_role("link", name="Mon compte d'heures"))
    expect(heading).to_have_text("Mon compte d'heures")
    type_into(page, field("Saisissez le solde du DIF"), "12")
    page.keyboard.press("Enter")
    expect(page.locator(".fr-alert", has_text="La modification a bien été effectuée.")).to_be_focused()
    screens.shot("dif-enregistre")

    press(page, page.get_by_role("button", name="Jean DUPONT"))
    expect(page.get_by_role("button", name="Jean DUPONT")).to_have_attribute("aria-expanded", "true")
    press(page, page.get_by_role("button", name="Déconnexion"))
    expect(heading).to_have_text("Accès à mon espace sécurisé")
    expect(page.get_by_text("Vous êtes bien déconnecté(e) de votre espace.")).to_be_visible()
    screens.assert_clean()


def test_the_skip_links_lead_to_the_content(page):
    """The first Tab of a page reaches "Contenu", which puts the focus on the main content."""
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès à mon espace sécurisé")  # the page is shown
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
