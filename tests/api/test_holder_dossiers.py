"""The holder space's dossiers ("Mes dossiers"): created, validated (hours reserved), closed (hours
debited), listed, through the API."""

import pytest

from tests.helpers.holder import Holder
from tests.helpers.people import OTHER_PERSON
from tests.helpers.table import credit_cpf_hours


class TestDossiers:
    def test_no_dossier_before_the_dif_is_entered(self, holder):
        answer = holder.post("/titulaire/dossiers", {"intitule": "Anglais", "organisme": "X", "heures": 10})
        assert answer.status == 409 and answer.body["code"] == "dif_non_renseigne"
        assert holder.get("/titulaire/dossiers").body == {"dossiers": []}

    def test_a_dif_of_zero_allows_a_dossier(self, holder):
        holder.set_dif(0)
        holder.create_dossier(heures=5)
        assert holder.get("/titulaire").body["dossiers_en_cours"] == 1

    def test_a_dossier_as_created_and_read(self, holder):
        holder.set_dif(20)
        body = {
            "intitule": " Anglais  professionnel ",
            "organisme": "Centre",
            "heures": 12,
            "code_cpf": "131234",
            "date_debut": "2027-01-15",
            "confidentiel": True,
        }
        created = holder.post("/titulaire/dossiers", body)
        assert created.status == 201
        assert created.headers["location"] == f"/titulaire/dossiers/{created.body['id']}"
        expected = {
            "id": created.body["id"],
            "intitule": "Anglais professionnel",
            "organisme": "Centre",
            "heures": 12,
            "statut": "en_cours_elaboration",
            "cree_le": "2026-12-01T09:00:02Z",
            "code_cpf": "131234",
            "date_debut": "2027-01-15",
            "confidentiel": True,
            "valide_le": None,
            "clos_le": None,
        }
        assert created.body == expected
        assert holder.get(f"/titulaire/dossiers/{created.body['id']}").body == expected

    def test_defaults(self, holder):
        holder.set_dif(20)
        dossier = holder.get(f"/titulaire/dossiers/{holder.create_dossier()}").body
        assert (dossier["code_cpf"], dossier["date_debut"], dossier["confidentiel"]) == (None, None, False)

    def test_every_invalid_field_is_listed(self, holder):
        holder.set_dif(20)
        answer = holder.post(
            "/titulaire/dossiers",
            {"intitule": "  ", "heures": 151, "date_debut": "15/01/2027", "confidentiel": "oui", "code_cpf": "12 34"},
        )
        assert answer.status == 400
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("code_cpf", "format_invalide"),
            ("confidentiel", "type_invalide"),
            ("date_debut", "date_invalide"),
            ("heures", "valeur_hors_limites"),
            ("intitule", "champ_requis"),
            ("organisme", "champ_requis"),
        ]

    def test_titles_refuse_control_characters(self, holder):
        holder.set_dif(20)
        answer = holder.post("/titulaire/dossiers", {"intitule": "A\u0000B", "organisme": "B\u202eC", "heures": 1})
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("intitule", "caracteres_invalides"),
            ("organisme", "caracteres_invalides"),
        ]

    @pytest.mark.parametrize("heures", [0, 151, 10.5, "10", True])
    def test_hours_are_whole_from_1_to_150(self, holder, heures):
        holder.set_dif(20)
        answer = holder.post("/titulaire/dossiers", {"intitule": "A", "organisme": "B", "heures": heures})
        assert answer.status == 400 and answer.body["erreurs"][0]["champ"] == "heures"

    def test_validation_reserves_dif_hours_first_then_cpf(self, holder):
        credit_cpf_hours(40)
        holder.set_dif(20)
        first = holder.create_dossier(heures=15)
        second = holder.create_dossier(heures=25)
        assert holder.validate(first).body["statut"] == "valide"
        synthesis = holder.get("/titulaire").body
        assert (synthesis["heures_dif"], synthesis["heures_cpf_disponibles"]) == (5, 40)
        assert holder.validate(second).status == 200
        synthesis = holder.get("/titulaire").body
        assert (synthesis["heures_dif"], synthesis["heures_cpf_disponibles"]) == (0, 20)
        statement = holder.get("/titulaire/heures").body
        assert statement["heures_dif_reservees"] == 20 and statement["heures_cpf_reservees"] == 20
        assert statement["heures_libres"] == 20

    def test_validating_more_than_the_free_hours_is_refused(self, holder):
        holder.set_dif(50)
        first, second = holder.create_dossier(heures=30), holder.create_dossier(heures=30)
        assert holder.validate(first).status == 200
        refused = holder.validate(second)
        assert refused.status == 409 and refused.body["code"] == "heures_insuffisantes"
        assert holder.get(f"/titulaire/dossiers/{second}").body["statut"] == "en_cours_elaboration"
        assert holder.get("/titulaire/heures").body["heures_libres"] == 20

    def test_validating_twice_is_a_conflict(self, holder):
        holder.set_dif(50)
        dossier = holder.create_dossier(heures=30)
        assert holder.validate(dossier).status == 200
        again = holder.validate(dossier)
        assert again.status == 409 and again.body["code"] == "etat_dossier_invalide"
        assert holder.get("/titulaire/heures").body["heures_libres"] == 20  # reserved once

    def test_only_a_validated_dossier_can_be_closed(self, holder):
        holder.set_dif(50)
        dossier = holder.create_dossier(heures=30)
        draft = holder.close(dossier)
        assert draft.status == 409 and draft.body["code"] == "etat_dossier_invalide"
        holder.validate(dossier)
        assert holder.close(dossier).body["statut"] == "clos"
        again = holder.close(dossier)
        assert again.status == 409 and again.body["code"] == "etat_dossier_invalide"

    def test_closing_debits_the_hours_and_records_a_movement(self, holder):
        credit_cpf_hours(40)
        holder.set_dif(20)
        dossier = holder.create_dossier(heures=30, intitule="Comptabilité")
        holder.validate(dossier)
        closed = holder.close(dossier)
        assert closed.status == 200
        assert closed.body["clos_le"] == "2026-12-01T09:00:04Z"
        statement = holder.get("/titulaire/heures").body
        assert statement["solde_dif"] == 0 and statement["heures_cpf"] == 30  # 20 DIF, then 10 CPF
        assert statement["heures_libres"] == 30
        newest, *credits = statement["mouvements"]
        assert newest == {
            "date": "2026-12-01T09:00:04Z",
            "heures": -30,
            "libelle": "Formation : « Comptabilité » (30 h)",
        }
        assert sorted((m["heures"], m["libelle"]) for m in credits) == [  # the 40 h credited, before
            (16, "Alimentation de vos droits au titre de 2017"),
            (24, "Alimentation de vos droits au titre de 2016"),
        ]
        synthesis = holder.get("/titulaire").body
        assert (synthesis["dossiers_en_cours"], synthesis["dossiers_clos"]) == (0, 1)
        assert (synthesis["heures_dif"], synthesis["heures_cpf_disponibles"]) == (0, 30)

    def test_a_confidential_dossier_keeps_its_title_out_of_movements_and_history(self, holder):
        holder.set_dif(20)
        dossier = holder.create_dossier(heures=10, intitule="Sujet privé", confidentiel=True)
        holder.validate(dossier)
        holder.close(dossier)
        assert "Sujet privé" not in str(holder.get("/titulaire/heures").body)
        assert "Sujet privé" not in str(holder.get("/titulaire/historique").body)
        assert holder.get(f"/titulaire/dossiers/{dossier}").body["intitule"] == "Sujet privé"

    def test_the_list_and_its_filter(self, holder):
        holder.set_dif(100)
        draft = holder.create_dossier(heures=10)
        validated = holder.create_dossier(heures=10)
        closed = holder.create_dossier(heures=10)
        holder.validate(validated)
        holder.validate(closed)
        holder.close(closed)
        ids = lambda answer: [d["id"] for d in answer.body["dossiers"]]  # noqa: E731
        assert ids(holder.get("/titulaire/dossiers")) == [closed, validated, draft]  # newest first
        assert ids(holder.get("/titulaire/dossiers?etat=en_cours")) == [validated, draft]
        assert ids(holder.get("/titulaire/dossiers?etat=clos")) == [closed]
        bad = holder.get("/titulaire/dossiers?etat=tous")
        assert bad.status == 400 and bad.body["code"] == "etat_invalide"
        synthesis = holder.get("/titulaire").body
        assert (synthesis["dossiers_en_cours"], synthesis["dossiers_clos"]) == (2, 1)

    def test_another_holders_dossier_or_a_junk_id_is_not_found(self, journey, api, clock, holder):
        holder.set_dif(50)
        mine = holder.create_dossier()
        other = Holder(api, clock, journey.active_account(**OTHER_PERSON))
        for path in (f"/titulaire/dossiers/{mine}",):
            answer = other.get(path)
            assert answer.status == 404 and answer.body["code"] == "dossier_introuvable"
        for action in (other.validate, other.close):
            answer = action(mine)
            assert answer.status == 404 and answer.body["code"] == "dossier_introuvable"
        assert other.get("/titulaire/dossiers").body == {"dossiers": []}
        for junk in ("x", "A" * 22, "%2E%2E", "a" * 300):
            answer = holder.get(f"/titulaire/dossiers/{junk}")
            assert answer.status == 404 and answer.body["code"] == "dossier_introuvable"
        assert holder.get(f"/titulaire/dossiers/{mine}").body["statut"] == "en_cours_elaboration"
