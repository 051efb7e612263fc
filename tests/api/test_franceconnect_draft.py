"""GET /inscriptions/{id} during a registration with FranceConnect: the draft says so and gives the
names the account will have (FranceConnect's), which the portal's identity step shows instead of
their fields (docs/holder-space.md)."""

from tests.helpers.people import NIR

RETURN = "/franceconnect/retour"


def back_from_franceconnect(api, franceconnect, draft):
    code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
    answer = api.post(RETURN, {"code": code, "state": state})
    assert answer.status == 200, answer.body


def test_a_draft_without_franceconnect_does_not_say_it(api, journey):
    draft = journey.start()
    assert "franceconnect" not in api.get(f"/inscriptions/{draft}").body
    assert journey.identity(draft, prenom="Jacques", nom_naissance="Martin", civilite="MME").status == 200
    shown = api.get(f"/inscriptions/{draft}").body
    assert (shown.get("franceconnect", False), shown["civilite"], shown["prenom"], shown["nom_naissance"]) == (
        False,
        "MME",
        "Jacques",
        "Martin",
    )


def test_after_the_return_the_draft_gives_franceconnect_s_names_at_either_step(api, franceconnect, journey):
    draft = journey.start()
    back_from_franceconnect(api, franceconnect, draft)
    shown = api.get(f"/inscriptions/{draft}").body
    assert (shown["etape"], shown["franceconnect"]) == ("identite", True)
    assert (shown["civilite"], shown["prenom"], shown["nom_naissance"]) == ("M", "Jean", "DUPONT")
    assert "nir_masque" not in shown or shown["nir_masque"] is None
    # The identity step's names are ignored: the draft still gives FranceConnect's.
    assert journey.identity(draft, prenom="Jacques", nom_naissance="Martin", civilite="MME").status == 200
    shown = api.get(f"/inscriptions/{draft}").body
    assert (shown["etape"], shown["franceconnect"]) == ("mot_de_passe", True)
    assert (shown["civilite"], shown["prenom"], shown["nom_naissance"]) == ("M", "Jean", "DUPONT")
    assert shown["nir_masque"] and NIR[0] == shown["nir_masque"][0]
