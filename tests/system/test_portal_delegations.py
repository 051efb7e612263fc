"""The délégations in the portal, as two people use them, each in their own browser context (their own
tab's session): the holder gives a délégation from "Mes délégations", the invited person opens the
email's link, logs in there, accepts, reads the holder's account (never a confidential dossier) and,
with `gestion`, prepares a dossier; the holder sees it in the history and ends the délégation, after
which the delegate's page says it no longer exists. Each new screen is screenshot under
build/screens/ and checked by axe-core; the invitation's problems are shown with their way on; the
same journey is done again with the keyboard alone."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.helpers.browser import (
    Screens,
    account_menu,
    alert,
    call,
    emails_to,
    expect_field_error,
    fill_login_form,
    heading,
    link_in_last_email,
    log_in,
    log_in_by_api,
    menu,
    new_person,
    press,
    register_by_api,
    tab_to,
    textbox,
    type_into,
)
from tests.helpers.verification import email_hour_passes_on_stack, verify_on_stack

expect.set_options(timeout=20_000)  # a shared 2-core machine: conditions are waited for, generously

ERROR_SUMMARY = ".mcf-resume-erreurs"
GRANTED = "L'invitation a bien été envoyée : la délégation sera active dès que la personne l'aura acceptée."
GONE = "Cette délégation est introuvable, révoquée ou arrivée à son terme."


def one_year_ahead() -> str:
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    return date(today.year + 1, today.month, day).isoformat()


def delegations_of(stack, token: str) -> list[dict]:
    status, answer = call(stack, "GET", "/titulaire/delegations", token=token)
    assert status == 200, answer
    return answer["delegations"]


def holder_with_dossiers(stack, **names):
    """A holder whose DIF is entered, with a dossier and a confidential one (created over HTTP)."""
    person = new_person(**names)
    register_by_api(stack, person)
    token = log_in_by_api(stack, person)
    assert call(stack, "PUT", "/titulaire/heures/dif", {"solde_dif": 30}, token=token)[0] == 200
    for intitule, confidential in (("Anglais professionnel", False), ("Bilan de compétences", True)):
        body = {"intitule": intitule, "organisme": "Institut", "heures": 10, "confidentiel": confidential}
        assert call(stack, "POST", "/titulaire/dossiers", body, token=token)[0] == 201
    return person, token


def test_a_delegation_from_the_invitation_to_its_end(new_page, stack):
    jean, jean_token = holder_with_dossiers(stack, prenom="Jean", nom="Dupont", civilite="M")
    marie = new_person(prenom="Marie", nom="Martin")
    register_by_api(stack, marie)

    # Jean gives a délégation from "Mes délégations".
    holder = new_page()
    holder_screens = Screens(holder, "delegations")
    log_in(holder, jean)
    menu(holder, "Mes délégations")
    expect(heading(holder)).to_have_text("Mes délégations")
    expect(holder.get_by_text("Vous n'avez donné aucune délégation.")).to_be_visible()
    expect(holder.get_by_text("Aucun titulaire ne vous a confié l'accès à son compte.")).to_be_visible()
    expect(holder.get_by_role("radio", name=re.compile(r"^Consulter mon compte\s*Voir"))).to_be_checked()
    expect(holder.get_by_label("Fin de la délégation", exact=False)).to_have_value(one_year_ahead())
    holder_screens.shot("vide")

    expect(holder.get_by_text("Demande que votre identité ait été vérifiée avec FranceConnect.")).to_be_visible()
    textbox(holder, "Adresse courriel de la personne *", exact=False).fill(jean.courriel)
    password_field = textbox(holder, "Votre mot de passe *", exact=False)
    password_field.fill(jean.password)
    holder.get_by_role("button", name="Envoyer l'invitation").click()
    expect(holder.locator(ERROR_SUMMARY)).to_contain_text("Vous ne pouvez pas vous déléguer votre propre compte.")
    expect_field_error(holder, "Adresse courriel de la personne", "Cette adresse est celle de votre propre compte.")
    holder_screens.shot("a-soi-meme")

    # `gestion` needs a verified identity: the 403 beside the choice, with the way to verify.
    textbox(holder, "Adresse courriel de la personne *", exact=False).fill(marie.courriel)
    holder.get_by_text("Consulter mon compte et préparer mes dossiers de formation").click()
    holder.get_by_role("button", name="Envoyer l'invitation").click()
    expect(holder.locator(ERROR_SUMMARY)).to_contain_text("vérifiez votre identité avec FranceConnect")
    scope_error = holder.locator('[data-champ="portee"] .mcf-message-erreur')
    expect(scope_error).to_have_text("La portée « gestion » demande une identité vérifiée avec FranceConnect.")
    holder_screens.shot("identite-non-verifiee")
    verify_on_stack(stack, jean.nir)

    # A wrong password: the 403 beside the password field, nothing granted.
    password_field.fill("Mauvais2015!")
    holder.get_by_role("button", name="Envoyer l'invitation").click()
    expect(holder.locator(ERROR_SUMMARY)).to_contain_text("Le mot de passe saisi n'est pas le bon.")
    expect_field_error(holder, "Votre mot de passe", "Le mot de passe saisi n'est pas le bon.")
    holder_screens.shot("mot-de-passe-incorrect")
    assert delegations_of(stack, jean_token) == []

    password_field.fill(jean.password)
    holder.get_by_role("button", name="Envoyer l'invitation").click()
    expect(holder.get_by_text(GRANTED)).to_be_visible()
    given = holder.get_by_role("table", name=re.compile("Les délégations que vous avez données"))
    expect(given).to_contain_text(marie.courriel)
    expect(given).to_contain_text("Consultation et préparation de dossiers")
    expect(given.locator(".fr-badge")).to_have_text("En attente")
    holder_screens.shot("invitation-envoyee")

    # Marie opens the email's link in her own browser: her own session first, then back to the link.
    delegate = new_page()
    delegate_screens = Screens(delegate, "invitation")
    invitation = link_in_last_email(stack, marie.courriel, "/delegation")
    delegate.goto(invitation)
    expect(heading(delegate)).to_have_text("Invitation à devenir délégataire")
    expect(delegate.get_by_role("heading", name="Je m'identifie")).to_be_visible()
    delegate_screens.shot("connexion")
    fill_login_form(delegate, marie)
    accept = delegate.get_by_role("button", name="Accepter la délégation")
    expect(accept).to_be_visible()
    expect(delegate).to_have_url(re.compile(r"/delegation$"))  # the code never back in the address bar
    expect(delegate.get_by_text("Vous êtes identifié(e) en tant que Marie MARTIN.")).to_be_visible()
    delegate_screens.shot("a-accepter")
    assert delegations_of(stack, jean_token)[0]["statut"] == "en_attente"  # opening the link accepted nothing

    accept.click()
    expect(delegate.get_by_role("heading", name="La délégation est acceptée")).to_be_visible()
    entrusted = "Jean DUPONT vous confie désormais la consultation de son compte et la préparation"
    expect(delegate.get_by_text(entrusted)).to_be_visible()
    expect(delegate).to_have_url(re.compile(r"/delegation$"))  # the spent code has left the address bar
    delegate_screens.shot("acceptee")

    # The holder's account, as the delegate sees it: no confidential dossier.
    delegate.get_by_role("link", name="Accéder au compte de Jean DUPONT").click()
    expect(heading(delegate)).to_have_text("Compte de Jean DUPONT")
    expect(delegate).to_have_title("Compte de Jean DUPONT - Mon Compte Formation")
    expect(delegate.get_by_role("heading", name="Vous consultez ce compte en tant que délégataire")).to_be_visible()
    expect(delegate.get_by_text("Seul Jean DUPONT peut valider ou clore un dossier de formation")).to_be_visible()
    navigation = delegate.get_by_role("navigation", name="Menu principal")
    expect(navigation.get_by_role("link", name="Mes délégations")).to_have_attribute("aria-current", "page")
    expect(delegate.get_by_role("region", name="Dossiers en cours")).to_contain_text("1")
    dossiers = delegate.get_by_role("table", name=re.compile("Dossiers de formation de Jean DUPONT"))
    expect(dossiers).to_contain_text("Anglais professionnel")
    expect(delegate.get_by_text("Bilan de compétences")).to_have_count(0)
    expect(delegate.get_by_role("checkbox", name=re.compile("confidentiel", re.IGNORECASE))).to_have_count(0)
    delegate_screens.shot("compte-delegue")

    # With `gestion`: a dossier prepared for Jean (the API's messages beside the fields first).
    delegate.get_by_role("button", name="Créer le dossier").click()
    expect(delegate.locator(ERROR_SUMMARY)).to_be_focused()
    expect_field_error(delegate, "Intitulé de la formation", re.compile("."))
    expect_field_error(delegate, "Nombre d'heures de formation", re.compile("."))
    delegate_screens.shot("dossier-erreurs")
    textbox(delegate, "Intitulé de la formation *").fill("Comptabilité")
    textbox(delegate, "Organisme de formation *").fill("Centre de formation")
    textbox(delegate, "Nombre d'heures de formation *", exact=False).fill("25")
    delegate.get_by_role("button", name="Créer le dossier").click()
    created = "Le dossier de formation « Comptabilité » a bien été créé dans le compte de Jean DUPONT."
    expect(alert(delegate, created)).to_be_focused()
    expect(dossiers).to_contain_text("Comptabilité")
    expect(dossiers).to_contain_text("En cours d'élaboration")
    delegate_screens.shot("dossier-cree")

    menu(delegate, "Mes délégations")
    expect(delegate.get_by_role("link", name="Compte de Jean DUPONT")).to_be_visible()
    expect(delegate.get_by_text(entrusted.replace(" désormais", ""))).to_be_visible()
    delegate_screens.shot("recues")

    # Jean: the délégation is active, and his history says who created the dossier.
    holder.reload()
    expect(given.locator(".fr-badge")).to_have_text("Active")
    expect(given).to_contain_text("Marie MARTIN")
    holder_screens.shot("active")
    account_menu(holder, "Consulter mon historique")
    history = holder.get_by_role("table", name=re.compile("Historique de votre compte"))
    by_delegate = "Dossier de formation créé par votre délégataire Marie Martin : « Comptabilité » (25 h)."
    expect(history).to_contain_text(by_delegate)

    # Jean ends it, after a confirmation ("Annuler" first: nothing happens, the focus comes back).
    menu(holder, "Mes délégations")
    end = holder.get_by_role("button", name=f"Mettre fin à la délégation donnée à {marie.courriel}")
    end.click()
    confirmation = holder.get_by_role("heading", name="Mettre fin à la délégation donnée à Marie MARTIN ?")
    expect(confirmation).to_be_focused()
    expect(holder.get_by_text("Marie MARTIN perdra aussitôt l'accès à votre compte.")).to_be_visible()
    holder_screens.shot("confirmation")
    holder.get_by_role("button", name="Annuler").click()
    expect(confirmation).to_have_count(0)
    expect(end).to_be_focused()
    assert delegations_of(stack, jean_token)[0]["statut"] == "active"
    end.click()
    holder.get_by_role("button", name="Confirmer la fin de la délégation").click()
    expect(alert(holder, "La délégation donnée à Marie MARTIN a bien pris fin.")).to_be_focused()
    expect(given.locator(".fr-badge")).to_have_text("Révoquée")
    expect(holder.get_by_role("button", name=re.compile("^Mettre fin"))).to_have_count(0)
    holder_screens.shot("revoquee")

    # Marie's page of Jean's account now says the délégation no longer exists.
    delegate.go_back()
    expect(heading(delegate)).to_have_text("Compte délégué")
    expect(delegate.get_by_text(GONE)).to_be_visible()
    expect(delegate.get_by_text("Anglais professionnel")).to_have_count(0)
    delegate_screens.shot("compte-introuvable")
    delegate.get_by_role("link", name="Retour à mes délégations").click()
    expect(delegate.get_by_text("Aucun titulaire ne vous a confié l'accès à son compte.")).to_be_visible()

    holder_screens.assert_clean()
    delegate_screens.assert_clean()


def test_the_invitation_s_problems_are_each_said_with_the_way_on(new_page, stack):
    paul, paul_token = holder_with_dossiers(stack, prenom="Paul", nom="Durand", civilite="M")
    invited, other, withdrawn = new_person(), new_person(prenom="Luc"), new_person(prenom="Inès")
    for person in (invited, other, withdrawn):
        register_by_api(stack, person)
    for person in (invited, withdrawn):
        body = {"courriel": person.courriel, "portee": "consultation", "mot_de_passe": paul.password}
        assert call(stack, "POST", "/titulaire/delegations", body, token=paul_token)[0] == 201
        email_hour_passes_on_stack(stack, paul.nir)  # an invitation and its notice an hour

    page = new_page()
    screens = Screens(page, "invitation-problemes")
    page.goto("/delegation")
    expect(page.get_by_text("Ce lien d'invitation est incomplet")).to_be_visible()
    screens.shot("sans-code")

    # Logged in with another account than the invited one: 403, and the way to change accounts.
    link = link_in_last_email(stack, invited.courriel, "/delegation")
    page.goto(link)
    fill_login_form(page, other)
    page.get_by_role("button", name="Accepter la délégation").click()
    expect(alert(page, "Cette invitation a été envoyée à une autre adresse courriel")).to_be_focused()
    expect(page.get_by_text("Identifiez-vous avec le compte dont l'adresse courriel est celle qui a")).to_be_visible()
    expect(page.get_by_role("button", name="Accepter la délégation")).to_have_count(0)
    screens.shot("autre-destinataire")
    page.get_by_role("button", name="Me déconnecter pour changer de compte").click()
    logged_out = "Vous êtes déconnecté(e). Identifiez-vous avec le compte de l'adresse courriel invitée."
    expect(page.get_by_text(logged_out)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/delegation$"))
    fill_login_form(page, invited)
    page.get_by_role("button", name="Accepter la délégation").click()  # the code was still usable
    expect(page.get_by_role("heading", name="La délégation est acceptée")).to_be_visible()

    # Consultation only: the account without the dossier form.
    page.get_by_role("link", name="Accéder au compte de Paul DURAND").click()
    expect(heading(page)).to_have_text("Compte de Paul DURAND")
    expect(page.get_by_text("Paul DURAND vous confie la consultation de son compte, jusqu'au")).to_be_visible()
    expect(page.get_by_role("heading", name="Préparer un dossier de formation")).to_have_count(0)
    screens.shot("compte-consultation")

    # The same link again: already used (404).
    page.goto(link)
    page.get_by_role("button", name="Accepter la délégation").click()
    expect(alert(page, "Ce lien d'invitation n'est pas valide ou a déjà servi.")).to_be_focused()
    expect(page.get_by_role("link", name="Mes délégations")).to_be_visible()
    screens.shot("deja-utilisee")

    # A withdrawn invitation (410); and a session that ends on this page brings its login form back.
    revoked = next(d for d in delegations_of(stack, paul_token) if d["courriel"] == withdrawn.courriel)
    assert call(stack, "DELETE", f"/titulaire/delegations/{revoked['id']}", token=paul_token)[0] == 204
    other_page = new_page()
    other_screens = Screens(other_page, "invitation-retiree")
    other_page.goto(link_in_last_email(stack, withdrawn.courriel, "/delegation"))
    fill_login_form(other_page, withdrawn)
    expect(other_page.get_by_role("button", name="Accepter la délégation")).to_be_visible()
    token = other_page.evaluate("JSON.parse(sessionStorage.getItem('mcf.jeton'))")
    assert call(stack, "DELETE", "/sessions/courante", token=token)[0] == 204  # ended behind the page's back
    other_page.get_by_role("button", name="Accepter la délégation").click()
    ended = "Votre session a expiré ou n'est pas valide : merci de vous reconnecter."
    expect(other_page.get_by_text(ended)).to_be_visible()
    expect(other_page).to_have_url(re.compile(r"/delegation$"))
    fill_login_form(other_page, withdrawn)
    other_page.get_by_role("button", name="Accepter la délégation").click()
    expect(alert(other_page, "Cette invitation a expiré ou a été retirée")).to_be_focused()
    ask_again = "Demandez à la personne qui vous a invité(e) de vous envoyer une nouvelle invitation."
    expect(other_page.get_by_text(ask_again)).to_be_visible()
    other_screens.shot("retiree")

    screens.assert_clean()
    other_screens.assert_clean()


def test_a_delegation_with_the_keyboard_alone(new_page, stack):
    """Every new screen of the délégations reached and used with Tab, the arrow keys, Space and Enter."""
    anne, _ = holder_with_dossiers(stack, prenom="Anne", nom="Petit")
    verify_on_stack(stack, anne.nir)  # `gestion` needs it
    remi = new_person(prenom="Rémi", nom="Leroy", civilite="M")
    register_by_api(stack, remi)

    holder = new_page()
    log_in(holder, anne)
    press(holder, holder.get_by_role("link", name="Mes délégations"))
    expect(heading(holder)).to_be_focused()
    type_into(holder, textbox(holder, "Adresse courriel de la personne *", exact=False), remi.courriel)
    tab_to(holder, holder.get_by_role("radio", name=re.compile(r"^Consulter mon compte\s*Voir")))
    holder.keyboard.press("ArrowDown")
    expect(holder.get_by_role("radio", name=re.compile("^Consulter mon compte et préparer"))).to_be_checked()
    type_into(holder, textbox(holder, "Votre mot de passe *", exact=False), anne.password)
    press(holder, holder.get_by_role("button", name="Envoyer l'invitation"))
    expect(alert(holder, GRANTED)).to_be_focused()

    delegate = new_page()
    delegate.goto(link_in_last_email(stack, remi.courriel, "/delegation"))
    type_into(delegate, textbox(delegate, "Numéro de sécurité sociale", exact=False), remi.nir)
    type_into(delegate, textbox(delegate, "Mot de passe"), remi.password)
    delegate.keyboard.press("Enter")
    press(delegate, delegate.get_by_role("button", name="Accepter la délégation"))
    expect(delegate.get_by_role("heading", name="La délégation est acceptée")).to_be_visible()
    press(delegate, delegate.get_by_role("link", name="Accéder au compte de Anne PETIT"))
    expect(heading(delegate)).to_have_text("Compte de Anne PETIT")
    expect(heading(delegate)).to_be_focused()
    type_into(delegate, textbox(delegate, "Intitulé de la formation *"), "Gestion de projet")
    type_into(delegate, textbox(delegate, "Organisme de formation *"), "Institut")
    type_into(delegate, textbox(delegate, "Nombre d'heures de formation *", exact=False), "12")
    delegate.keyboard.press("Enter")
    expect(alert(delegate, "Le dossier de formation « Gestion de projet » a bien été créé")).to_be_focused()

    holder.reload()
    given = holder.get_by_role("table", name=re.compile("Les délégations que vous avez données"))
    expect(given).to_contain_text("Active")
    press(holder, holder.get_by_role("button", name=re.compile("^Mettre fin à la délégation")))
    confirmation = holder.get_by_role("heading", name=re.compile("^Mettre fin à la délégation donnée à Rémi LEROY"))
    expect(confirmation).to_be_focused()
    press(holder, holder.get_by_role("button", name="Confirmer la fin de la délégation"))
    expect(alert(holder, "La délégation donnée à Rémi LEROY a bien pris fin.")).to_be_focused()

    delegate.reload()
    expect(delegate.get_by_text(GONE)).to_be_visible()
    press(delegate, delegate.get_by_role("link", name="Retour à mes délégations"))
    expect(heading(delegate)).to_have_text("Mes délégations")


def test_mes_delegations_on_a_phone(browser, stack):
    """The table scrolls sideways within its box; nothing in it widens the page (its screen-reader-only
    texts included)."""
    person = new_person()
    register_by_api(stack, person)
    token = log_in_by_api(stack, person)
    verify_on_stack(stack, person.nir)
    body = {"courriel": "une.adresse.assez.longue@example.fr", "portee": "gestion", "mot_de_passe": person.password}
    assert call(stack, "POST", "/titulaire/delegations", body, token=token)[0] == 201
    context = browser.new_context(base_url=stack.api_url, viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = context.new_page()
    try:
        screens = Screens(phone, "delegations-telephone")
        log_in(phone, person)
        phone.get_by_role("button", name="Menu").click()
        phone.get_by_role("dialog").get_by_role("link", name="Mes délégations").click()
        expect(heading(phone)).to_have_text("Mes délégations")
        expect(phone.get_by_role("button", name=re.compile("^Mettre fin à la délégation"))).to_be_attached()
        assert phone.evaluate("document.documentElement.scrollWidth") == 390
        screens.shot("liste")
        screens.assert_clean()
    finally:
        context.close()


def test_the_reset_page_offers_to_end_every_delegation(new_page, stack):
    """ "Mettre fin à toutes mes délégations" on the reset's page: the délégations given end with it."""
    holder, delegate = new_person(prenom="Hugo", nom="Robert", civilite="M"), new_person(prenom="Nina", nom="Roux")
    for person in (holder, delegate):
        register_by_api(stack, person)
    holder_token, delegate_token = log_in_by_api(stack, holder), log_in_by_api(stack, delegate)
    body = {"courriel": delegate.courriel, "portee": "consultation", "mot_de_passe": holder.password}
    status, granted = call(stack, "POST", "/titulaire/delegations", body, token=holder_token)
    assert status == 201, granted
    code = link_in_last_email(stack, delegate.courriel, "/delegation").partition("#c=")[2]
    assert call(stack, "POST", "/delegations/acceptation", {"code": code}, token=delegate_token)[0] == 200
    email_hour_passes_on_stack(stack, holder.nir)  # the invitation and its notice leave the hour's allowance
    assert call(stack, "POST", "/mots-de-passe/oubli", {"nir": holder.nir, "courriel": holder.courriel})[0] == 202

    page = new_page()
    screens = Screens(page, "reinitialisation-delegations")
    page.goto(link_in_last_email(stack, holder.courriel, "/reinitialisation"))
    expect(heading(page)).to_have_text("Choisir un nouveau mot de passe")
    ending = page.get_by_role("checkbox", name=re.compile("^Mettre fin à toutes mes délégations"))
    expect(ending).not_to_be_checked()
    textbox(page, "Nouveau mot de passe *").fill("Nouveau2026!")
    textbox(page, "Confirmation du nouveau mot de passe *").fill("Nouveau2026!")
    page.get_by_text("Mettre fin à toutes mes délégations").click()  # its label, as a person clicks it
    expect(ending).to_be_checked()
    screens.shot("formulaire")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a bien été modifié")).to_be_visible()
    screens.shot("modifie")

    again = new_person(nir=holder.nir, courriel=holder.courriel, password="Nouveau2026!")
    (ended,) = delegations_of(stack, log_in_by_api(stack, again))
    assert (ended["id"], ended["statut"]) == (granted["id"], "revoquee")
    assert call(stack, "GET", "/titulaire/comptes-delegues", token=delegate_token)[1] == {"comptes": []}
    notice = [m for m in emails_to(stack, holder.courriel) if "réinitialisé" in m["subject"]]
    assert notice and "la délégation que vous aviez accordée a pris fin" in notice[-1]["body"]
    screens.assert_clean()
