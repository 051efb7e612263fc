"""The holder space's account: its synthesis ("Mon compte") and personal information ("Mes informations"),
through the API."""

from tests.helpers.api import bearer
from tests.helpers.people import NIR, OTHER_PERSON


def test_the_synthesis_of_a_new_account(journey, api):
    token = journey.active_account(prenom="Éloïse", civilite="MME", nom_naissance="N'Diaye")
    answer = api.get("/titulaire", headers=bearer(token))
    assert answer.body == {
        "civilite": "MME",
        "prenom": "Éloïse",
        "nom_naissance": "N'Diaye",
        "heures_cpf_disponibles": 0,
        "heures_dif": None,
        "dif_modifiable": True,
        "dossiers_en_cours": 0,
        "dossiers_clos": 0,
        "courriel_invalide": False,
        "identite_verifiee": False,
    }


class TestInformations:
    def test_they_are_shown_with_the_nir_masked(self, holder):
        answer = holder.get("/titulaire/informations")
        assert answer.status == 200
        assert answer.body == {
            "civilite": "M", "prenom": "Jean", "nom_naissance": "Dupont",
            "nir_masque": f"1 ** ** ** *** *** {NIR[13:]}", "courriel": "jean.dupont@example.fr",
            "telephone_fixe": "+33123456789", "telephone_portable": "+33612345678", "courriel_invalide": False,
        }
        assert NIR not in answer.raw.decode()

    def test_phones_civilite_and_first_name_can_change_and_be_cleared(self, holder):
        answer = holder.patch("/titulaire/informations", {"civilite": "mme", "prenom": " Éloïse ",
                                                          "telephone_fixe": "09 12 34 56 78", "telephone_portable": ""})
        assert answer.status == 200, answer.body
        assert answer.body["detail"] == "La modification a bien été effectuée."
        shown = holder.get("/titulaire/informations").body
        assert (shown["civilite"], shown["prenom"], shown["telephone_fixe"], shown["telephone_portable"]) == (
            "MME", "Éloïse", "+33912345678", None)
        assert holder.patch("/titulaire/informations", {"prenom": None}).status == 200
        assert holder.get("/titulaire").body["prenom"] is None

    def test_the_registration_rules_apply(self, holder):
        answer = holder.patch("/titulaire/informations", {"telephone_fixe": "06 12 34 56 78",
                                                          "telephone_portable": "01 23 45 67 89",
                                                          "civilite": "X", "prenom": "J3an"})
        assert answer.status == 400
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("civilite", "civilite_invalide"), ("prenom", "nom_caracteres"),
            ("telephone_fixe", "telephone_fixe_invalide"), ("telephone_portable", "telephone_portable_invalide"),
        ]
        assert holder.patch("/titulaire/informations", {"civilite": None}).status == 400  # required, never cleared
        assert holder.get("/titulaire/informations").body["prenom"] == "Jean"

    def test_the_nir_and_the_birth_name_cannot_change(self, holder):
        answer = holder.patch("/titulaire/informations", {"nir": OTHER_PERSON["nir"], "nom_naissance": "Durand",
                                                          "prenom": "Paul"})
        assert answer.status == 400
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("nir", "champ_non_modifiable"), ("nom_naissance", "champ_non_modifiable")]
        assert holder.get("/titulaire/informations").body["prenom"] == "Jean"  # nothing changed

    def test_the_email_is_not_changed_here_but_by_a_confirmed_change(self, holder):
        answer = holder.patch("/titulaire/informations", {"courriel": "autre@example.fr"})
        assert answer.status == 409 and answer.body["code"] == "courriel_non_modifiable"
        assert "POST /titulaire/courriel" in answer.body["detail"]

    def test_an_empty_change_or_an_unknown_field_is_refused(self, holder):
        assert holder.patch("/titulaire/informations", {}).body["code"] == "aucune_modification"
        assert holder.patch("/titulaire/informations", {"adresse": "x"}).body["code"] == "champ_inconnu"
