"""The confirmed email change in the portal: the form of "Mes informations personnelles" (each
refusal beside its field or at the top of the form), the link's page opened in another browser
without a session, and a login that still works afterwards. Each new screen is screenshot under
build/screens/ and checked by axe-core; the same is done again with the keyboard alone."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import (
    Screens,
    alert,
    call,
    expect_field_error,
    heading,
    link_in_last_email,
    log_in,
    log_in_by_api,
    menu,
    new_person,
    press,
    register_by_api,
    textbox,
    type_into,
)

expect.set_options(timeout=20_000)  # a shared 2-core machine: conditions are waited for, generously

ERROR_SUMMARY = ".mcf-resume-erreurs"
REQUESTED = "Un lien de confirmation a été envoyé à votre nouvelle adresse courriel"
CHANGED = "Votre adresse courriel a bien été modifiée : c'est désormais celle de votre compte."


def address_of(stack, person) -> str:
    token = log_in_by_api(stack, person)
    return call(stack, "GET", "/titulaire/informations", token=token)[1]["courriel"]


def fill_email_form(page, courriel: str, confirmation: str, password: str) -> None:
    textbox(page, "Nouvelle adresse courriel *", exact=False).fill(courriel)
    textbox(page, "Confirmation de la nouvelle adresse courriel *").fill(confirmation)
    textbox(page, "Mot de passe actuel *", exact=False).fill(password)
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()


def test_the_email_change_from_the_form_to_the_link(new_page, stack):
    person, neighbour = new_person(), new_person()
    register_by_api(stack, person)
    register_by_api(stack, neighbour)
    new_address = f"nouvelle.{person.courriel}"

    page = new_page()
    screens = Screens(page, "courriel")
    log_in(page, person)
    menu(page, "Mes informations personnelles")
    expect(page.get_by_role("heading", name="Modifier mon adresse courriel")).to_be_visible()
    expect(page.get_by_text(f"Votre adresse actuelle est {person.courriel}.")).to_be_visible()
    screens.shot("formulaire")

    # Each refusal where it belongs: the wrong password (403), the confirmation, an address taken (409).
    fill_email_form(page, new_address, new_address, "pas le bon")
    expect(page.locator(ERROR_SUMMARY)).to_be_focused()
    expect_field_error(page, "Mot de passe actuel", "Le mot de passe saisi n'est pas le bon.")
    screens.shot("mot-de-passe-faux")
    fill_email_form(page, new_address, f"autre.{person.courriel}", person.password)
    different = "La confirmation ne correspond pas à l'adresse courriel saisie."
    expect_field_error(page, "Confirmation de la nouvelle adresse courriel", different)
    fill_email_form(page, neighbour.courriel, neighbour.courriel, person.password)
    expect_field_error(page, "Nouvelle adresse courriel", "Cette adresse courriel est déjà utilisée par un compte.")
    screens.shot("adresse-prise")

    # The request: the 202's sentence; the address is unchanged until the link is used.
    fill_email_form(page, new_address, new_address, person.password)
    expect(alert(page, REQUESTED)).to_be_focused()
    expect(textbox(page, "Nouvelle adresse courriel *", exact=False)).to_have_value("")
    screens.shot("lien-envoye")
    assert address_of(stack, person) == person.courriel

    # Asked again within the hour: the emails' allowance is spent (429), said at the top of the form.
    fill_email_form(page, f"encore.{person.courriel}", f"encore.{person.courriel}", person.password)
    too_many = "Trop de courriels ont été envoyés pour votre compte dans l'heure"
    expect(page.locator(ERROR_SUMMARY)).to_contain_text(too_many)
    screens.shot("trop-de-demandes")

    # The link, opened in another browser without a session: nothing changes until the button.
    link = link_in_last_email(stack, new_address, "/courriel")
    elsewhere = new_page()
    other_screens = Screens(elsewhere, "courriel-lien")
    elsewhere.goto(link)
    expect(heading(elsewhere)).to_have_text("Confirmation de votre nouvelle adresse courriel")
    other_screens.shot("a-confirmer")
    assert address_of(stack, person) == person.courriel
    elsewhere.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(alert(elsewhere, CHANGED)).to_be_focused()
    expect(elsewhere.get_by_text(f"Nouvelle adresse : {new_address}")).to_be_visible()
    expect(elsewhere).to_have_url(re.compile(r"/courriel$"))  # the spent code has left the address bar
    other_screens.shot("confirmee")

    # The same link again: already used (404), with the way to ask again.
    elsewhere.goto(link)
    elsewhere.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(alert(elsewhere, "Ce lien de confirmation n'est pas valide ou a déjà servi")).to_be_focused()
    expect(elsewhere.get_by_role("link", name="Me connecter pour faire une nouvelle demande")).to_be_visible()
    other_screens.shot("deja-utilise")
    elsewhere.goto("/courriel")
    expect(elsewhere.get_by_text("Ce lien de confirmation est incomplet")).to_be_visible()
    other_screens.shot("sans-code")

    # The login still works (the NIR and the password), and the account shows its new address.
    log_in(elsewhere, person)
    menu(elsewhere, "Mes informations personnelles")
    expect(elsewhere.get_by_text(f"Votre adresse actuelle est {new_address}.")).to_be_visible()
    page.reload()  # the first browser's session stayed open
    expect(page.get_by_text(f"Votre adresse actuelle est {new_address}.")).to_be_visible()

    screens.assert_clean()
    other_screens.assert_clean()


def test_the_email_change_with_the_keyboard_alone(new_page, stack):
    person = new_person()
    register_by_api(stack, person)
    new_address = f"clavier.{person.courriel}"

    page = new_page()
    log_in(page, person)
    press(page, page.get_by_role("link", name="Mes informations personnelles"))
    expect(heading(page)).to_be_focused()
    type_into(page, textbox(page, "Nouvelle adresse courriel *", exact=False), new_address)
    type_into(page, textbox(page, "Confirmation de la nouvelle adresse courriel *"), new_address)
    type_into(page, textbox(page, "Mot de passe actuel *", exact=False), person.password)
    page.keyboard.press("Enter")
    expect(alert(page, REQUESTED)).to_be_focused()

    elsewhere = new_page()
    elsewhere.goto(link_in_last_email(stack, new_address, "/courriel"))
    press(elsewhere, elsewhere.get_by_role("button", name="Confirmer ma nouvelle adresse"))
    expect(alert(elsewhere, CHANGED)).to_be_focused()
    press(elsewhere, elsewhere.get_by_role("link", name="Accéder à mon espace"))
    expect(heading(elsewhere)).to_have_text("Accès à mon espace sécurisé")
