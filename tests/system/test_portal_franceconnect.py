"""FranceConnect in the portal, in Chromium, against the local OpenID provider's own login page (its
button for the identity is clicked there): "Vérifier mon identité" from the holder space, "S'identifier
avec FranceConnect" for a verified holder, "S'inscrire avec FranceConnect" to the verified account;
a mismatching identity's 409 and a cancel on FranceConnect shown; the same by keyboard alone. The
stack's provider has the tests' own people (tests/helpers/franceconnect.py). Each screen is
screenshot and checked by axe-core (the provider's page too)."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import (
    Person,
    Screens,
    alert,
    call,
    heading,
    link_in_last_email,
    log_in,
    log_in_by_api,
    portal_stack,
    press,
    register_by_api,
    tab_to,
    textbox,
)
from tests.helpers.franceconnect import PEOPLE, identities_file
from tests.helpers.http import CAPTCHA
from tests.helpers.people import PASSWORD

expect.set_options(timeout=20_000)

FC_BUTTON = "S’identifier avec FranceConnect"
VERIFIED = "Votre identité a bien été vérifiée avec FranceConnect."


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with portal_stack(OIDC_IDENTITIES_FILE=str(identities_file(tmp_path_factory.mktemp("oidc")))) as started:
        yield started


def account_of(stack, person_id: str, courriel: str) -> Person:
    fc = PEOPLE[person_id]
    person = Person(
        nir=fc.nir,
        courriel=courriel,
        prenom=fc.given_name,
        nom=fc.family_name,
        civilite="M" if fc.gender == "male" else "MME",
    )
    register_by_api(stack, person)
    return person


def choose_on_franceconnect(page, stack, person_id: str, screens: Screens | None = None) -> None:
    """The local provider's own login page: its button for the identity."""
    expect(page).to_have_url(re.compile("^" + re.escape(stack.oidc_url) + "/franceconnect/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("FranceConnect")
    if screens:
        screens.shot("fournisseur")
    page.get_by_role("button", name=re.compile(re.escape(f"({person_id} ;"))).click()


def verify_in_the_browser(page, stack, person_id: str, screens: Screens | None = None) -> None:
    section = page.get_by_role("region", name="Vérifier mon identité")
    expect(section).to_be_visible()
    section.get_by_role("button", name=FC_BUTTON).click()
    choose_on_franceconnect(page, stack, person_id, screens)


def test_a_verification_from_the_holder_space(new_page, stack):
    person = account_of(stack, "verification-ecran", "ecran.verification@example.fr")
    page = new_page()
    screens = Screens(page, "franceconnect-verification")
    requests = []
    page.on("request", lambda request: requests.append(request))
    log_in(page, person)
    section = page.get_by_role("region", name="Vérifier mon identité")
    expect(section.get_by_role("link", name="Qu’est-ce que FranceConnect ?")).to_have_attribute("target", "_blank")
    screens.shot("synthese-non-verifiee")
    verify_in_the_browser(page, stack, "verification-ecran")

    expect(heading(page)).to_have_text("Synthèse de votre compte")
    expect(alert(page, VERIFIED)).to_be_visible()
    expect(page).to_have_url(f"{stack.api_url}/espace")  # the code and state never stay in the address bar
    verified = page.get_by_role("region", name="Mon identité")
    expect(verified.get_by_text("Identité vérifiée", exact=True)).to_be_visible()
    expect(section).to_have_count(0)
    expect(page.get_by_role("button", name=FC_BUTTON)).to_have_count(0)
    screens.shot("synthese-verifiee")
    # The return was posted with the holder's bearer, the code and state in its body, not its URL.
    (posted,) = [r for r in requests if r.method == "POST" and r.url.endswith("/franceconnect/retour")]
    assert posted.headers["authorization"].startswith("Bearer ")
    assert set(posted.post_data_json) >= {"code", "state"}
    assert call(stack, "GET", "/titulaire", token=log_in_by_api(stack, person))[1]["identite_verifiee"] is True
    screens.assert_clean()


def test_a_verified_holder_logs_in_with_franceconnect(new_page, stack):
    person = account_of(stack, "connexion-ecran", "ecran.connexion@example.fr")
    page = new_page()
    log_in(page, person)
    verify_in_the_browser(page, stack, "connexion-ecran")
    expect(alert(page, VERIFIED)).to_be_visible()

    other = new_page()  # another browser, without a session
    screens = Screens(other, "franceconnect-connexion")
    other.goto("/")
    expect(heading(other)).to_have_text("Accès à mon espace sécurisé")
    screens.shot("accueil")
    other.get_by_role("button", name=FC_BUTTON).click()
    choose_on_franceconnect(other, stack, "connexion-ecran", screens)
    expect(heading(other)).to_have_text("Synthèse de votre compte")
    expect(other.get_by_text("Bonjour Hugo Girard")).to_be_visible()
    expect(other.get_by_role("navigation", name="Menu principal")).to_contain_text("Hugo GIRARD")
    screens.shot("connecte")
    screens.assert_clean()


def test_a_registration_with_franceconnect(new_page, stack):
    fc = PEOPLE["inscription-ecran"]
    courriel = "ecran.inscription@example.fr"
    page = new_page()
    screens = Screens(page, "franceconnect-inscription")
    page.goto("/inscription")
    page.get_by_text("Je déclare avoir lu, compris et accepté les Conditions Générales d'Utilisation").click()
    page.get_by_role("button", name="Continuer").click()
    section = page.get_by_role("region", name="S'inscrire avec FranceConnect")
    expect(section).to_contain_text("votre civilité, votre prénom et votre nom de naissance")
    screens.shot("identite")
    section.get_by_role("button", name=FC_BUTTON).click()
    choose_on_franceconnect(page, stack, "inscription-ecran")

    # Back at the identity step: FranceConnect's names shown instead of their fields.
    expect(page).to_have_url(f"{stack.api_url}/inscription/identite")
    expect(page.get_by_text("FranceConnect nous a transmis votre identité.")).to_be_visible()
    names = alert(page, "Identité transmise par FranceConnect")
    expect(names).to_contain_text("Madame")
    expect(names).to_contain_text("Léna")
    expect(names).to_contain_text("Rousseau")
    expect(page.get_by_role("textbox", name="Nom de naissance")).to_have_count(0)
    expect(page.get_by_role("button", name=FC_BUTTON)).to_have_count(0)
    screens.shot("identite-franceconnect")
    textbox(page, "N° de sécurité sociale *", exact=False).fill(fc.nir)
    textbox(page, "Courriel *", exact=False).fill(courriel)
    textbox(page, "Confirmation courriel *").fill(courriel)
    textbox(page, "Caractères affichés *", exact=False).fill(CAPTCHA)
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()
    screens.shot("mot-de-passe")
    textbox(page, "Mot de passe *").fill(PASSWORD)
    textbox(page, "Confirmation mot de passe *").fill(PASSWORD)
    page.get_by_role("button", name="Valider mon inscription").click()
    expect(page).to_have_url(f"{stack.api_url}/inscription/enregistree")

    code = link_in_last_email(stack, courriel, "/activation").split("c=", 1)[1]
    assert call(stack, "POST", "/activations", {"code": code})[0] == 200
    token = call(stack, "POST", "/sessions", {"nir": fc.nir, "mot_de_passe": PASSWORD})[1]["jeton"]
    synthesis = call(stack, "GET", "/titulaire", token=token)[1]
    assert (synthesis["identite_verifiee"], synthesis["prenom"], synthesis["nom_naissance"]) == (
        True,
        "Léna",
        "Rousseau",
    )
    screens.assert_clean()


def test_a_mismatching_identity_and_a_cancel_are_said(new_page, stack):
    person = account_of(stack, "lieu-discordant-ecran", "ecran.discordant@example.fr")
    page = new_page()
    screens = Screens(page, "franceconnect-erreurs")
    log_in(page, person)
    verify_in_the_browser(page, stack, "lieu-discordant-ecran")
    expect(heading(page)).to_have_text("Retour de FranceConnect")
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("naissance")
    expect(page).to_have_url(f"{stack.api_url}/franceconnect/retour")
    screens.shot("identite-incoherente")
    page.get_by_role("link", name="Retour à mon espace").click()
    section = page.get_by_role("region", name="Vérifier mon identité")
    expect(section.get_by_role("button", name=FC_BUTTON)).to_be_visible()  # still unverified

    # Cancelled on FranceConnect: nothing posted, a sentence and the way back.
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and "/franceconnect/retour" in r.url else None)
    section.get_by_role("button", name=FC_BUTTON).click()
    expect(page.get_by_role("button", name="Annuler")).to_be_visible()
    page.get_by_role("button", name="Annuler").click()
    expect(heading(page)).to_have_text("Retour de FranceConnect")
    expect(page.get_by_role("alert")).to_contain_text("Vous avez annulé votre identification avec FranceConnect")
    screens.shot("annulation")
    assert not posts
    page.get_by_role("link", name="Retour à mon espace").click()
    expect(heading(page)).to_have_text("Synthèse de votre compte")
    screens.assert_clean()


def test_franceconnect_by_keyboard_alone(new_page, stack):
    """Login through FranceConnect with Tab and Enter only, on the portal and on the provider's page."""
    person = account_of(stack, "verification", "ecran.clavier@example.fr")
    page = new_page()
    log_in(page, person)
    press(page, page.get_by_role("region", name="Vérifier mon identité").get_by_role("button", name=FC_BUTTON))
    expect(page).to_have_url(re.compile("^" + re.escape(stack.oidc_url)))
    press(page, page.get_by_role("button", name=re.compile(r"\(verification ;")))
    expect(alert(page, VERIFIED)).to_be_visible()

    other = new_page()
    other.goto("/")
    expect(heading(other)).to_have_text("Accès à mon espace sécurisé")
    press(other, other.get_by_role("button", name=FC_BUTTON))
    expect(other).to_have_url(re.compile("^" + re.escape(stack.oidc_url)))
    press(other, other.get_by_role("button", name=re.compile(r"\(verification ;")))
    expect(heading(other)).to_have_text("Synthèse de votre compte")
    tab_to(other, other.get_by_role("link", name="Mon compte d'heures").first)
