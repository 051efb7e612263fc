"""FranceConnect's three paths over real HTTP (contract §14), on a local stack whose OpenID provider
has the tests' own people (OIDC_IDENTITIES_FILE, tests/helpers/franceconnect.py): the provider's
redirects followed by hand with `login_hint`, no browser, then POST /franceconnect/retour as the
portal's return page does."""

import pytest

from tests.helpers.franceconnect import PEOPLE, identities_file, through_franceconnect
from tests.helpers.http import CAPTCHA, Http, link_code, local_stack, logged_in
from tests.helpers.people import PASSWORD, identity


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with local_stack(OIDC_IDENTITIES_FILE=str(identities_file(tmp_path_factory.mktemp("oidc")))) as started:
        yield started


def holder_of(stack, person_id: str, courriel: str) -> Http:
    """An account (active, logged in) whose NIR and nom de naissance are the FranceConnect person's."""
    person = PEOPLE[person_id]
    civilite = "M" if person.gender == "male" else "MME"
    return logged_in(
        stack, person.nir, courriel, civilite=civilite, prenom=person.given_name, nom_naissance=person.family_name
    )


def returned(stack, started, person_id: str) -> dict:
    assert started.status == 201, started
    query = through_franceconnect(started.body["url"], person_id, stack.api_url)
    assert set(query) >= {"code", "state"}, query
    return {"code": query["code"], "state": query["state"]}


def verify(stack, holder: Http, person_id: str):
    return holder.post(
        "/franceconnect/retour", returned(stack, holder.post("/titulaire/identite/franceconnect"), person_id)
    )


def test_a_verification_succeeds_and_shows_in_the_synthesis(stack):
    holder = holder_of(stack, "verification", "fc.verification@example.fr")
    assert holder.get("/titulaire").body["identite_verifiee"] is False
    answer = verify(stack, holder, "verification")
    assert answer.status == 200, answer
    assert answer.body["parcours"] == "verification" and answer.body["identite_verifiee"] is True
    assert answer.body["verifiee_le"]
    assert holder.get("/titulaire").body["identite_verifiee"] is True
    history = holder.get("/titulaire/historique").body
    assert "Identité vérifiée avec FranceConnect" in str(history)


def test_a_state_used_twice_answers_400(stack):
    holder = holder_of(stack, "double-etat", "fc.double@example.fr")
    back = returned(stack, holder.post("/titulaire/identite/franceconnect"), "double-etat")
    assert holder.post("/franceconnect/retour", back).status == 200
    again = holder.post("/franceconnect/retour", back)
    assert again.status == 400, again
    assert again.body["code"] == "etat_invalide"


def test_a_mismatching_identity_answers_409_and_changes_nothing(stack):
    holder = holder_of(stack, "lieu-discordant", "fc.discordant@example.fr")
    before = holder.get("/titulaire").body
    history_before = holder.get("/titulaire/historique").body
    answer = verify(stack, holder, "lieu-discordant")
    assert answer.status == 409, answer
    assert answer.body["code"] == "identite_incoherente"
    assert "lieu de naissance" in answer.body["detail"].lower() or "naissance" in answer.body["detail"]
    assert holder.get("/titulaire").body == before
    assert holder.get("/titulaire/historique").body == history_before
    # Nor is the identity taken: no account logs in with it.
    login = Http(stack).post(
        "/franceconnect/retour", returned(stack, Http(stack).post("/sessions/franceconnect"), "lieu-discordant")
    )
    assert login.status == 404, login


def test_a_verified_holder_logs_in_through_franceconnect_and_an_unknown_identity_gets_404(stack):
    holder = holder_of(stack, "connexion", "fc.connexion@example.fr")
    assert verify(stack, holder, "connexion").status == 200
    anonymous = Http(stack)
    login = anonymous.post(
        "/franceconnect/retour", returned(stack, anonymous.post("/sessions/franceconnect"), "connexion")
    )
    assert login.status == 200, login
    assert login.body["parcours"] == "connexion"
    assert login.body["jeton"] and login.body["expire_le"] and login.body["expire_sans_activite_le"]
    synthesis = Http(stack, login.body["jeton"]).get("/titulaire")
    assert synthesis.status == 200
    assert (synthesis.body["nom_naissance"], synthesis.body["identite_verifiee"]) == ("Moreau", True)

    unknown = anonymous.post(
        "/franceconnect/retour", returned(stack, anonymous.post("/sessions/franceconnect"), "inconnu")
    )
    assert unknown.status == 404, unknown
    assert unknown.body["code"] == "compte_franceconnect_inconnu"


def test_a_registration_through_franceconnect_ends_with_a_verified_account(stack):
    person = PEOPLE["inscription"]
    http = Http(stack)
    version = http.get("/cgu").body["version"]
    draft = http.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version}).body["id"]
    back = http.post(
        "/franceconnect/retour", returned(stack, http.post(f"/inscriptions/{draft}/franceconnect"), "inscription")
    )
    assert back.status == 200, back
    assert back.body == {"parcours": "inscription", "id": draft, "etape": "identite"}
    # The draft now carries FranceConnect's names (the portal shows them instead of their fields).
    shown = http.get(f"/inscriptions/{draft}").body
    assert (shown["franceconnect"], shown["civilite"], shown["prenom"], shown["nom_naissance"]) == (
        True,
        "MME",
        "Anne-Hélène",
        "D'Aubigné",
    )
    courriel = "fc.inscription@example.fr"
    captcha = http.post("/captchas").body["id"]
    # The form's names are ignored: the account takes FranceConnect's.
    body = {
        **identity(nir=person.nir, courriel=courriel, prenom="Autre", nom_naissance="Autre"),
        "captcha_id": captcha,
        "captcha_reponse": CAPTCHA,
    }
    assert http.put(f"/inscriptions/{draft}/identite", body).status == 200
    registered = http.put(
        f"/inscriptions/{draft}/mot-de-passe", {"mot_de_passe": PASSWORD, "mot_de_passe_confirmation": PASSWORD}
    )
    assert registered.status == 201, registered
    assert http.post("/activations", {"code": link_code(stack, courriel, "activation")}).status == 200
    session = http.post("/sessions", {"nir": person.nir, "mot_de_passe": PASSWORD})
    assert session.status == 201, session
    synthesis = Http(stack, session.body["jeton"]).get("/titulaire").body
    assert synthesis["identite_verifiee"] is True
    assert (synthesis["civilite"], synthesis["prenom"], synthesis["nom_naissance"]) == (
        "MME",
        "Anne-Hélène",
        "D'Aubigné",
    )
    # And FranceConnect logs it in.
    login = http.post("/franceconnect/retour", returned(stack, http.post("/sessions/franceconnect"), "inscription"))
    assert login.status == 200 and login.body["parcours"] == "connexion", login


def test_the_return_page_is_the_portal_s_on_get_and_the_api_s_on_post(stack):
    """The provider's redirect is a GET of /franceconnect/retour: the page (index.html, its security
    headers), while the page's POST of the same path reaches the API."""
    page = Http(stack).call("GET", "/franceconnect/retour?code=abc&state=def", headers={"Accept": "text/html"})
    assert page.status == 200, page
    assert page.content_type.startswith("text/html")
    assert b'<script type="module" src="/js/main.js">' in page.raw
    assert "default-src 'none'" in page.headers["content-security-policy"]
    posted = Http(stack).post("/franceconnect/retour", {"code": "abc", "state": "def"})
    assert posted.status == 400 and posted.body["code"] == "etat_invalide", posted
    # An API client's GET (it asks for no page) is the API's: a 405 that names the POST.
    api_get = Http(stack).call("GET", "/franceconnect/retour", headers={"Accept": "application/json"})
    assert api_get.status == 405 and api_get.content_type.startswith("application/problem+json"), api_get
