"""The portal as a person uses it: Chromium on the pages of a local stack (`make run`'s, on free
ports, with a known captcha answer), the emails read on the emulator. Each screen is screenshot
under build/screens/ and checked by axe-core (build/axe/), and no page may log an error or break
its Content-Security-Policy."""

import re

import pytest
from playwright.sync_api import expect

from chalicelib.domain import passwords
from tests.helpers.browser import (
    CAPTCHA,
    Screens,
    account_menu,
    call,
    emails_to,
    expect_field_error,
    heading,
    link_in_last_email,
    log_in,
    menu,
    new_person,
    register_by_api,
    textbox,
)

expect.set_options(timeout=20_000)  # a shared 2-core machine: conditions are waited for, generously

ERROR_SUMMARY = ".mcf-resume-erreurs"


def test_the_whole_journey_from_the_cgu_to_the_logout(page, stack):
    """Every screen of the tutorial, in its order, with its wording; every menu of the holder space."""
    person = new_person(prenom="Jean", nom="Dupont")
    screens = Screens(page, "parcours")

    page.goto("/")
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    expect(page).to_have_title("Accès à mon espace sécurisé - Mon Compte Formation")
    screens.shot("accueil")

    # Step 1: the CGU must be accepted.
    page.get_by_role("link", name="Je m'inscris").click()
    expect(page.get_by_text("Étape 1 sur 4")).to_be_visible()
    expect(page.locator("#texte-cgu")).to_contain_text("Conditions générales d'utilisation du service")
    page.get_by_role("button", name="Continuer").click()
    expect_field_error(
        page,
        "Je déclare avoir lu, compris et accepté les Conditions Générales d'Utilisation",
        "Merci de valider les Conditions Générales d'Utilisation afin de pouvoir poursuivre votre inscription.",
    )
    screens.shot("cgu-non-acceptees")
    page.get_by_text("Je déclare avoir lu, compris et accepté les Conditions Générales d'Utilisation").click()
    page.get_by_role("button", name="Continuer").click()

    # Step 2: identity and the security check.
    expect(page.get_by_text("Étape 2 sur 4")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Caractères à recopier"))).to_have_attribute(
        "src", re.compile(r"^data:image/png;base64,")
    )
    screens.shot("identite")
    textbox(page, "N° de sécurité sociale *", exact=False).fill(person.spaced_nir)
    page.get_by_text("Monsieur").click()
    textbox(page, "Prénom").fill(person.prenom)
    textbox(page, "Nom de naissance *", exact=False).fill(person.nom)
    textbox(page, "Téléphone portable").fill("06 12 34 56 78")
    textbox(page, "Courriel *", exact=False).fill(person.courriel)
    textbox(page, "Confirmation courriel *").fill(person.courriel.upper())
    textbox(page, "Caractères affichés *", exact=False).fill(CAPTCHA.lower())
    page.get_by_role("button", name="Continuer").click()

    # "Retour": the identity sent is shown again, but the NIR only masked: it is typed again.
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()
    page.get_by_role("link", name="Retour").click()
    expect(page.get_by_text("Étape 2 sur 4")).to_be_visible()
    expect(textbox(page, "Nom de naissance *", exact=False)).to_have_value(person.nom)
    expect(page.get_by_role("radio", name="Monsieur")).to_be_checked()
    nir = textbox(page, "N° de sécurité sociale *", exact=False)
    expect(nir).to_have_value("")
    expect(nir).to_have_accessible_name(re.compile(r"Saisissez-le à nouveau \(2 \*\*"))
    screens.shot("identite-retour")
    nir.fill(person.nir)
    textbox(page, "Caractères affichés *", exact=False).fill(CAPTCHA)
    page.get_by_role("button", name="Continuer").click()

    # Step 3: the password, each rule ticked as it is met.
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()
    password = textbox(page, "Mot de passe *")
    password.fill("formation")
    expect(page.locator("[data-regle=mdp_lettres]")).to_have_class(re.compile("fr-message--valid"))
    expect(page.locator("[data-regle=mdp_chiffres]")).not_to_have_class(re.compile("fr-message--valid"))
    screens.shot("mot-de-passe-en-cours")
    password.fill(person.password)
    textbox(page, "Confirmation mot de passe *").fill(person.password)
    expect(page.locator("[data-regle].fr-message--valid")).to_have_count(5)
    page.get_by_role("button", name="Valider mon inscription").click()

    # Step 4: registered; the email carries the activation link.
    expect(page.get_by_role("heading", name="Votre inscription a bien été enregistrée")).to_be_visible()
    expect(page.get_by_text("le lien restera actif durant 15 jours")).to_be_visible()
    screens.shot("inscription-enregistree")
    page.get_by_role("button", name="Terminer").click()
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")

    # The email's link opens the activation page, which activates only when asked.
    page.goto(link_in_last_email(stack, person.courriel, "/activation"))
    expect(heading(page)).to_have_text("Activation de votre compte")
    screens.shot("activation")
    assert call(stack, "POST", "/sessions", {"nir": person.nir, "mot_de_passe": person.password})[0] == 403
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_text("Votre compte a bien été activé")).to_be_visible()
    expect(page.get_by_role("heading", name="Espace Titulaire")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/activation$"))  # the spent code has left the address bar
    screens.shot("compte-active")

    # Step 8: log in right there.
    textbox(page, "Numéro de sécurité sociale", exact=False).fill(person.nir)
    textbox(page, "Mot de passe").fill(person.password)
    page.get_by_role("button", name="Je m'identifie").click()
    expect(heading(page)).to_have_text("Synthèse de votre compte")
    expect(page.get_by_text("Heures DIF non renseignées")).to_be_visible()
    expect(page.locator("#bouton-menu-compte")).to_have_text("Jean DUPONT")
    screens.shot("synthese")

    menu(page, "Mes informations personnelles")
    expect(heading(page)).to_have_text("Mes informations personnelles")
    expect(page.get_by_text(person.courriel, exact=True)).to_be_visible()
    textbox(page, "Téléphone fixe").fill("01 23 45 67 89")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La modification a bien été effectuée.")).to_be_visible()
    expect(textbox(page, "Téléphone fixe")).to_have_value("01 23 45 67 89")
    screens.shot("informations")

    # Step 9: the DIF hours ("72,5" as a French person types it, rounded by the API).
    menu(page, "Mon compte d'heures")
    expect(heading(page)).to_have_text("Mon compte d'heures")
    expect(page.get_by_text("Aucun mouvement n'a été porté à la connaissance du compte d'heures CPF.")).to_be_visible()
    textbox(page, "Saisissez le solde du DIF (en heures) *", exact=False).fill("72,5")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La modification a bien été effectuée.")).to_be_visible()
    expect(page.get_by_text("73 h").first).to_be_visible()
    screens.shot("compte-heures")

    menu(page, "Mes dossiers de formation")
    expect(heading(page)).to_have_text("Mes dossiers de formation")
    expect(page.get_by_text("Aucun dossier de formation en cours.")).to_be_visible()
    screens.shot("dossiers-vide")
    page.get_by_role("link", name="Créer un dossier de formation").click()
    expect(heading(page)).to_have_text("Créer un dossier de formation")
    textbox(page, "Intitulé de la formation *").fill("Anglais professionnel")
    textbox(page, "Organisme de formation *").fill("Institut de langues")
    textbox(page, "Nombre d'heures de formation *", exact=False).fill("40")
    screens.shot("dossier-nouveau")
    page.get_by_role("button", name="Créer le dossier").click()
    expect(heading(page)).to_have_text("Anglais professionnel")
    expect(page.get_by_text("Le dossier de formation a bien été créé.")).to_be_visible()
    screens.shot("dossier-cree")
    menu(page, "Mes dossiers de formation")
    expect(page.get_by_role("table", name="Dossiers de formation en cours")).to_contain_text("Anglais professionnel")
    screens.shot("dossiers")

    menu(page, "Mes délégations")
    expect(heading(page)).to_have_text("Mes délégations")
    expect(page.get_by_text("Vous n'avez donné aucune délégation.")).to_be_visible()
    screens.shot("delegations")

    account_menu(page, "Consulter mon historique")
    expect(heading(page)).to_have_text("Consulter mon historique")
    history = page.get_by_role("table", name=re.compile("Historique de votre compte"))
    expect(history).to_contain_text("Dossier de formation créé : « Anglais professionnel » (40 h).")
    expect(history).to_contain_text("Compte activé.")
    screens.shot("historique")

    account_menu(page, "Modifier mon mot de passe")
    expect(heading(page)).to_have_text("Modifier mon mot de passe")
    textbox(page, "Mot de passe actuel *").fill("pas le bon")
    textbox(page, "Nouveau mot de passe *").fill("Nouveau2026!")
    textbox(page, "Confirmation du nouveau mot de passe *").fill("Nouveau2026!")
    page.get_by_role("button", name="Modifier mon mot de passe").click()
    expect_field_error(page, "Mot de passe actuel", "Le mot de passe actuel saisi n'est pas le bon.")
    screens.shot("mot-de-passe-actuel-faux")
    textbox(page, "Mot de passe actuel *").fill(person.password)
    page.get_by_role("button", name="Modifier mon mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a bien été modifié.")).to_be_visible()
    screens.shot("mot-de-passe-modifie")

    account_menu(page, "Déconnexion")
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    expect(page.get_by_text("Vous êtes bien déconnecté(e) de votre espace.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('mcf.jeton')") is None
    screens.shot("deconnecte")
    screens.assert_clean()


def test_a_wrong_captcha_is_said_beside_its_field_and_a_new_one_is_shown(page, stack):
    screens = Screens(page, "captcha")
    person = new_person()
    page.goto("/inscription")
    page.get_by_text("Je déclare avoir lu, compris et accepté les Conditions Générales d'Utilisation").click()
    page.get_by_role("button", name="Continuer").click()
    image = page.get_by_role("img", name=re.compile("Caractères à recopier"))
    expect(image).to_have_attribute("src", re.compile("^data:image/png"))
    first_image = image.get_attribute("src")

    textbox(page, "N° de sécurité sociale *", exact=False).fill(person.nir)
    page.get_by_text("Madame").click()
    textbox(page, "Nom de naissance *", exact=False).fill(person.nom)
    textbox(page, "Courriel *", exact=False).fill(person.courriel)
    textbox(page, "Confirmation courriel *").fill(person.courriel)
    textbox(page, "Caractères affichés *", exact=False).fill("XXXXXX")
    page.get_by_role("button", name="Continuer").click()

    expect(page.locator(ERROR_SUMMARY)).to_be_focused()
    expect_field_error(page, "Caractères affichés", "Les caractères saisis ne correspondent pas à ceux affichés")
    expect(image).not_to_have_attribute("src", first_image)  # the spent captcha is replaced
    expect(textbox(page, "Caractères affichés *", exact=False)).to_have_value("")
    expect(textbox(page, "Nom de naissance *", exact=False)).to_have_value(person.nom)  # nothing else is lost
    screens.shot("incorrect")

    # "Renouveler les caractères" and "écouter la version sonore", as a person asks for them.
    renewed = image.get_attribute("src")
    page.get_by_role("button", name="Renouveler les caractères").click()
    expect(image).not_to_have_attribute("src", renewed)
    with page.expect_response(re.compile(r"/captchas/[^/]+/audio$")) as audio:
        page.get_by_role("button", name="Écouter la version sonore").click()
    assert audio.value.status == 200
    assert audio.value.request.headers["accept"] == "audio/wav"
    assert audio.value.headers["content-type"] == "audio/wav"
    player = page.get_by_label("Version sonore du contrôle de sécurité")
    expect(player).to_be_visible()
    expect(player).to_have_attribute("src", re.compile("^blob:"))

    # The new captcha is the one checked: right answer, the registration goes on.
    textbox(page, "Caractères affichés *", exact=False).fill(CAPTCHA)
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()

    # "Annuler": the draft is deleted on the server, not only forgotten by the page.
    draft = page.evaluate("JSON.parse(sessionStorage.getItem('mcf.inscription')).id")
    assert call(stack, "GET", f"/inscriptions/{draft}")[0] == 200
    page.get_by_role("button", name="Annuler").click()
    expect(page.get_by_text("Votre inscription a été annulée.")).to_be_visible()
    assert call(stack, "GET", f"/inscriptions/{draft}")[0] == 404
    screens.assert_clean()


# Passwords typed one character at a time, with what the server says of each (its own check).
TYPED = "Formation2015!"


def test_each_password_rule_is_ticked_as_it_is_typed(page):
    screens = Screens(page, "regles")
    page.goto("/reinitialisation#c=un-code-quelconque")
    field = textbox(page, "Nouveau mot de passe *")
    rules = page.locator("[data-regle]")
    expect(rules).to_have_count(5)
    codes = rules.evaluate_all("items => items.map(item => item.dataset.regle)")
    for length in range(1, len(TYPED) + 1):
        field.press_sequentially(TYPED[length - 1])
        unmet = {error.code for error in passwords.check_new_password("cpf-2015", TYPED[:length], TYPED[:length])}
        for code in codes:
            state = re.compile("fr-message--info") if code in unmet else re.compile("fr-message--valid")
            expect(page.locator(f"[data-regle={code}]")).to_have_class(state)
        if length == 6:
            screens.shot("a-moitie")
    screens.shot("toutes-respectees")

    # The server stays the judge: a rule it refuses is flagged in the list itself.
    field.fill("court")
    textbox(page, "Confirmation du nouveau mot de passe *").fill("court")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(page.get_by_text("Ce lien de réinitialisation n'est pas valide ou a déjà servi")).to_be_visible()
    screens.shot("lien-invalide")
    screens.assert_clean()


CORPUS = [
    "",
    "a",
    "Abcde12",
    "Abcde123",
    "Formation2015!",
    "éloïse123!",
    "Éloïse123",
    "Ωmega 123 x",
    "Ⓐbcde123",
    "Cafe\u0301 1234 Z",
    "١٢٣Abcde!",
    "Aa1!" * 32 + "x",
    "Ab1!Ab1!Ab1!",
    "aaaaaaaaaaaa",
]


@pytest.mark.parametrize("policy", ["cpf-2015", "cnil-2022"])
def test_the_page_counts_as_the_server_checks(page, policy):
    """password-rules.js against chalicelib/domain/passwords.py, on the rules of each profile."""
    page.goto("/accessibilite")
    expect(heading(page)).to_have_text("Accessibilité")
    unmet = page.evaluate(
        """async ([rules, corpus]) => {
            const { unmetCodes } = await import("/js/password-rules.js");
            return corpus.map((password) => unmetCodes(rules, password).sort());
        }""",
        [passwords.policy_rules(policy), CORPUS],
    )
    normalized = [passwords.normalize(password) for password in CORPUS]
    expected = [sorted(e.code for e in passwords.check_new_password(policy, p, p)) for p in normalized]
    assert dict(zip(CORPUS, unmet, strict=True)) == dict(zip(CORPUS, expected, strict=True))


def test_an_ended_session_brings_the_login_page_back_with_a_sentence(page, stack):
    screens = Screens(page, "session")
    person = new_person()
    register_by_api(stack, person)
    log_in(page, person)
    token = page.evaluate("JSON.parse(sessionStorage.getItem('mcf.jeton'))")
    assert call(stack, "DELETE", "/sessions/courante", token=token)[0] == 204  # ended behind the page's back

    menu(page, "Mon compte d'heures")
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    expect(page.get_by_text("Votre session a expiré ou n'est pas valide : merci de vous reconnecter.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('mcf.jeton')") is None
    screens.shot("expiree")

    page.goto("/espace/dossiers")  # a holder page without a session: the login page too
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    expect(page.get_by_text("Merci de vous identifier pour accéder à votre espace.")).to_be_visible()
    screens.assert_clean()


def test_a_dossier_from_its_creation_to_its_closure(page, stack):
    screens = Screens(page, "dossier")
    person = new_person()
    register_by_api(stack, person)
    log_in(page, person)

    menu(page, "Mes dossiers de formation")
    page.get_by_role("link", name="Créer un dossier de formation").click()
    textbox(page, "Intitulé de la formation *").fill("Bureautique")
    textbox(page, "Organisme de formation *").fill("Centre de formation")
    textbox(page, "Nombre d'heures de formation *", exact=False).fill("200")
    page.get_by_role("button", name="Créer le dossier").click()
    expect_field_error(page, "Nombre d'heures de formation", "Cette valeur est trop grande.")
    textbox(page, "Nombre d'heures de formation *", exact=False).fill("20")
    page.get_by_role("button", name="Créer le dossier").click()
    # The DIF must be entered first: the reason, and the way to do it.
    expect(page.locator(ERROR_SUMMARY)).to_contain_text("Le solde DIF doit obligatoirement être saisi")
    screens.shot("dif-non-renseigne")
    page.locator(ERROR_SUMMARY).get_by_role("link", name="Renseigner mon solde d'heures DIF").click()
    textbox(page, "Saisissez le solde du DIF (en heures) *", exact=False).fill("30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La modification a bien été effectuée.")).to_be_visible()

    menu(page, "Mes dossiers de formation")
    page.get_by_role("link", name="Créer un dossier de formation").click()
    textbox(page, "Intitulé de la formation *").fill("Bureautique")
    textbox(page, "Organisme de formation *").fill("Centre de formation")
    textbox(page, "Nombre d'heures de formation *", exact=False).fill("20")
    page.get_by_role("button", name="Créer le dossier").click()
    expect(heading(page)).to_have_text("Bureautique")
    expect(page.get_by_text("En cours d'élaboration")).to_be_visible()

    page.get_by_role("button", name="Valider le dossier").click()
    expect(page.get_by_text("Le dossier de formation a bien été validé : ses heures sont réservées.")).to_be_visible()
    expect(page.get_by_text("Validé", exact=True)).to_be_visible()
    screens.shot("valide")
    page.get_by_role("button", name="Clore le dossier").click()
    closed = "Le dossier de formation a bien été clos : 20 h ont été débitées de votre compte."
    expect(page.get_by_text(closed)).to_be_visible()
    expect(page.get_by_text("Clos", exact=True)).to_be_visible()
    screens.shot("clos")

    menu(page, "Mon compte d'heures")
    movements = page.get_by_role("table", name=re.compile("Mouvements de votre compte d'heures"))
    expect(movements).to_contain_text("Formation : « Bureautique » (20 h)")
    expect(movements).to_contain_text("−20 h")
    expect(page.get_by_text("il n'est plus possible de saisir ou de modifier le DIF")).to_be_visible()
    screens.shot("mouvement")

    menu(page, "Accueil")
    closed = page.get_by_role("region", name="Dossiers clos")
    expect(closed).to_contain_text("1")
    menu(page, "Mes dossiers de formation")
    expect(page.get_by_role("table", name="Dossiers de formation clos")).to_contain_text("Bureautique")
    screens.shot("liste")
    screens.assert_clean()


def test_a_forgotten_password_is_reset_from_the_email_s_link(page, stack):
    screens = Screens(page, "oubli")
    person = new_person()
    register_by_api(stack, person)
    page.goto("/")
    page.get_by_role("link", name="Mot de passe oublié").click()
    expect(heading(page)).to_have_text("Mot de passe oublié")
    textbox(page, "Numéro de sécurité sociale *", exact=False).fill(person.spaced_nir)
    textbox(page, "Courriel *").fill(person.courriel)
    screens.shot("demande")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_text("Si les informations saisies correspondent à un compte")).to_be_visible()
    screens.shot("envoyee")

    page.goto(link_in_last_email(stack, person.courriel, "/reinitialisation"))
    expect(heading(page)).to_have_text("Choisir un nouveau mot de passe")
    textbox(page, "Nouveau mot de passe *").fill("Nouveau2026!")
    textbox(page, "Confirmation du nouveau mot de passe *").fill("Nouveau2026?")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect_field_error(
        page, "Confirmation du nouveau mot de passe", "La confirmation ne correspond pas au mot de passe saisi."
    )
    screens.shot("confirmation-differente")
    textbox(page, "Confirmation du nouveau mot de passe *").fill("Nouveau2026!")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    expect(page.get_by_text("Votre mot de passe a bien été modifié")).to_be_visible()
    screens.shot("modifie")
    log_in(page, new_person(nir=person.nir, courriel=person.courriel, password="Nouveau2026!"))
    screens.assert_clean()


def test_a_new_activation_link_can_be_asked_for(page, stack):
    screens = Screens(page, "renvoi")
    person = new_person()
    register_by_api(stack, person, activate=False)
    first_link = link_in_last_email(stack, person.courriel, "/activation")
    page.goto("/")
    page.get_by_role("link", name="Je n'ai pas reçu le courriel d'activation").click()
    expect(heading(page)).to_have_text("Je n'ai pas reçu le courriel d'activation")
    textbox(page, "Numéro de sécurité sociale *", exact=False).fill(person.nir)
    textbox(page, "Courriel *").fill(person.courriel)
    page.get_by_role("button", name="Recevoir un nouveau lien").click()
    expect(page.get_by_text("Si les informations saisies correspondent à un compte")).to_be_visible()
    screens.shot("envoyee")
    assert len(emails_to(stack, person.courriel)) == 2

    page.goto(first_link)  # the older link no longer works
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_text("Ce lien d'activation n'est pas valide")).to_be_visible()
    screens.shot("ancien-lien")
    page.goto(link_in_last_email(stack, person.courriel, "/activation"))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_text("Votre compte a bien été activé")).to_be_visible()
    screens.assert_clean()


def test_the_other_pages(page):
    """The pages no journey above passes through, each screenshot and checked."""
    screens = Screens(page, "autres")
    page.goto("/conditions-generales")
    expect(heading(page)).to_have_text("Conditions générales d'utilisation")
    expect(page.locator("#texte-cgu")).to_contain_text("Conditions générales d'utilisation du service")
    screens.shot("cgu")
    page.get_by_role("link", name="Accessibilité : non conforme").click()
    expect(heading(page)).to_have_text("Accessibilité")
    screens.shot("accessibilite")
    page.goto("/une/page/qui/n/existe/pas")
    expect(heading(page)).to_have_text("Page non trouvée")
    expect(page).to_have_title("Page non trouvée - Mon Compte Formation")
    screens.shot("introuvable")
    page.goto("/activation")
    expect(page.get_by_text("Ce lien d'activation est incomplet")).to_be_visible()
    screens.shot("activation-sans-code")
    screens.assert_clean()


def test_a_broken_content_security_policy_would_fail_these_tests(page):
    """The guard of every test above: an inline style or script is refused by the CSP and reported."""
    screens = Screens(page, "csp")
    page.goto("/")
    expect(heading(page)).to_have_text("Accès à mon espace sécurisé")
    page.evaluate("document.head.append(Object.assign(document.createElement('style'), {textContent: 'p {}'}))")
    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    with pytest.raises(AssertionError, match="Content Security Policy directive 'style-src 'self''"):
        screens.assert_clean()
    assert any("script-src 'self'" in message for message in screens.console)


def test_the_history_shows_older_events_on_demand(page, stack):
    screens = Screens(page, "historique")
    person = new_person()
    register_by_api(stack, person)
    token = call(stack, "POST", "/sessions", {"nir": person.nir, "mot_de_passe": person.password})[1]["jeton"]
    for hours in range(20):  # with the registration, the activation and two logins: 24 events, 2 pages
        assert call(stack, "PUT", "/titulaire/heures/dif", {"solde_dif": hours}, token=token)[0] == 200
    log_in(page, person)
    account_menu(page, "Consulter mon historique")
    rows = page.get_by_role("table", name=re.compile("Historique de votre compte")).locator("tbody tr")
    expect(rows).to_have_count(20)
    page.get_by_role("button", name="Afficher les événements plus anciens").click()
    expect(rows).to_have_count(24)
    expect(rows.nth(20).locator("td").first).to_be_focused()  # the keyboard goes on from the first one shown
    expect(rows.last).to_contain_text("Inscription enregistrée, en attente d'activation.")
    expect(page.get_by_role("button", name="Afficher les événements plus anciens")).to_have_count(0)
    screens.shot("deux-pages")
    screens.assert_clean()


def test_on_a_phone_the_menu_opens_and_closes_on_a_followed_link(browser, stack):
    context = browser.new_context(base_url=stack.api_url, viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = context.new_page()
    try:
        screens = Screens(phone, "telephone")
        person = new_person()
        register_by_api(stack, person)
        log_in(phone, person)
        phone.get_by_role("button", name="Menu").click()
        dialog = phone.get_by_role("dialog")
        expect(dialog.get_by_role("link", name="Mon compte d'heures")).to_be_visible()
        screens.shot("menu")
        dialog.get_by_role("link", name="Mon compte d'heures").click()
        expect(heading(phone)).to_have_text("Mon compte d'heures")
        expect(phone.get_by_role("link", name="Mon compte d'heures")).to_be_hidden()  # the menu has closed
        screens.shot("compte-heures")
        screens.assert_clean()
    finally:
        context.close()
