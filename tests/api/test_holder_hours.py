"""The holder space's hours ("Mes heures"): the DIF balance, entered by the holder, through the API."""

import pytest


class TestDif:
    @pytest.mark.parametrize(
        "typed, stored", [(72.5, 73), (72.4, 72), (0, 0), (0.4, 0), (120, 120), (119.5, 120), (2.5, 3)]
    )
    def test_the_balance_is_rounded_to_the_nearest_hour_halves_up(self, holder, typed, stored):
        answer = holder.set_dif(typed)
        assert answer.status == 200, answer.body
        assert answer.body == {"solde_dif": stored, "detail": "La modification a bien été effectuée."}
        assert holder.get("/titulaire/heures").body["solde_dif"] == stored
        assert holder.get("/titulaire").body["heures_dif"] == stored

    @pytest.mark.parametrize(
        "value, code",
        [
            (-1, "valeur_hors_limites"),
            (121, "valeur_hors_limites"),
            (120.4, "valeur_hors_limites"),
            ("abc", "type_invalide"),
            ("72", "type_invalide"),
            (True, "type_invalide"),
            (None, "type_invalide"),
        ],
    )
    def test_anything_but_a_number_from_0_to_120_is_refused(self, holder, value, code):
        answer = holder.set_dif(value)
        assert answer.status == 400
        assert answer.body["erreurs"][0]["champ"] == "solde_dif"
        assert answer.body["erreurs"][0]["code"] == code

    def test_a_missing_or_unknown_field_is_refused(self, holder):
        assert holder.put("/titulaire/heures/dif", {}).body["code"] == "champ_requis"
        assert holder.put("/titulaire/heures/dif", {"solde_dif": 3, "x": 1}).body["code"] == "champ_inconnu"

    def test_the_balance_may_change_until_a_dossier_is_validated(self, holder):
        assert holder.set_dif(10).status == 200
        assert holder.set_dif(50).status == 200
        dossier = holder.create_dossier(heures=20)
        assert holder.set_dif(40).status == 200  # a dossier being drafted locks nothing
        assert holder.validate(dossier).status == 200
        locked = holder.set_dif(60)
        assert locked.status == 409 and locked.body["code"] == "dif_verrouille"
        assert holder.get("/titulaire").body["dif_modifiable"] is False
        assert holder.get("/titulaire/heures").body["solde_dif"] == 40

    def test_a_new_account_has_no_balance_and_no_movement(self, holder):
        statement = holder.get("/titulaire/heures")
        assert statement.status == 200
        assert statement.body["solde_dif"] is None
        assert statement.body["heures_cpf"] == 0
        assert statement.body["mouvements"] == []
