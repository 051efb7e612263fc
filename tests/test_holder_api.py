"""Section 3 of the contract: the holder space, through the API on the emulated AWS."""

import pytest

from tests.crediting_helpers import credit_hours
from tests.support import NIR, PASSWORD, make_nir

OTHER_PERSON = {"nir": make_nir("2920169123045"), "courriel": "marie.martin@example.fr", "prenom": "Marie"}
NEW_PASSWORD = "Nouveau2026!!"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class Holder:
    """One logged-in holder; the clock moves a second before each change so the history's order is certain."""

    def __init__(self, api, clock, token: str):
        self.api, self.clock, self.token = api, clock, token

    def get(self, path):
        return self.api.get(path, headers=bearer(self.token))

    def _change(self, method, path, body=None):
        self.clock.advance(seconds=1)
        return getattr(self.api, method)(path, body, headers=bearer(self.token))

    def post(self, path, body=None):
        return self._change("post", path, body)

    def put(self, path, body=None):
        return self._change("put", path, body)

    def patch(self, path, body=None):
        return self._change("patch", path, body)

    def set_dif(self, value):
        return self.put("/titulaire/heures/dif", {"solde_dif": value})

    def create_dossier(self, heures=30, **fields):
        body = {"intitule": "Anglais professionnel", "organisme": "Centre de langues", "heures": heures, **fields}
        answer = self.post("/titulaire/dossiers", body)
        assert answer.status == 201, answer.body
        return answer.body["id"]

    def validate(self, dossier_id):
        return self.post(f"/titulaire/dossiers/{dossier_id}/validation")

    def close(self, dossier_id):
        return self.post(f"/titulaire/dossiers/{dossier_id}/cloture")


@pytest.fixture
def holder(journey, api, clock):
    return Holder(api, clock, journey.active_account())


def credit_cpf_hours(hours: int, nir: str = NIR) -> None:
    """Employers' declarations worth `hours` CPF hours, credited to the NIR by the crediting functions
    (the file in the bucket, the S3-triggered split, the SQS-triggered chunks)."""
    credit_hours(hours, nir)


class TestDif:
    @pytest.mark.parametrize("typed, stored", [(72.5, 73), (72.4, 72), (0, 0), (0.4, 0), (120, 120), (119.5, 120), (2.5, 3)])
    def test_the_balance_is_rounded_to_the_nearest_hour_halves_up(self, holder, typed, stored):
        answer = holder.set_dif(typed)
        assert answer.status == 200, answer.body
        assert answer.body == {"solde_dif": stored, "detail": "La modification a bien été effectuée."}
        assert holder.get("/titulaire/heures").body["solde_dif"] == stored
        assert holder.get("/titulaire").body["heures_dif"] == stored

    @pytest.mark.parametrize("value, code", [(-1, "valeur_hors_limites"), (121, "valeur_hors_limites"),
                                             (120.4, "valeur_hors_limites"), ("abc", "type_invalide"),
                                             ("72", "type_invalide"), (True, "type_invalide"), (None, "type_invalide")])
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
        body = {"intitule": " Anglais  professionnel ", "organisme": "Centre", "heures": 12,
                "code_cpf": "131234", "date_debut": "2027-01-15", "confidentiel": True}
        created = holder.post("/titulaire/dossiers", body)
        assert created.status == 201
        assert created.headers["location"] == f"/titulaire/dossiers/{created.body['id']}"
        expected = {"id": created.body["id"], "intitule": "Anglais professionnel", "organisme": "Centre", "heures": 12,
                    "statut": "en_cours_elaboration", "cree_le": "2026-12-01T09:00:02Z", "code_cpf": "131234",
                    "date_debut": "2027-01-15", "confidentiel": True, "valide_le": None, "clos_le": None}
        assert created.body == expected
        assert holder.get(f"/titulaire/dossiers/{created.body['id']}").body == expected

    def test_defaults(self, holder):
        holder.set_dif(20)
        dossier = holder.get(f"/titulaire/dossiers/{holder.create_dossier()}").body
        assert (dossier["code_cpf"], dossier["date_debut"], dossier["confidentiel"]) == (None, None, False)

    def test_every_invalid_field_is_listed(self, holder):
        holder.set_dif(20)
        answer = holder.post("/titulaire/dossiers", {"intitule": "  ", "heures": 151, "date_debut": "15/01/2027",
                                                     "confidentiel": "oui", "code_cpf": "12 34"})
        assert answer.status == 400
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("code_cpf", "string_pattern_mismatch"), ("confidentiel", "type_invalide"),
            ("date_debut", "date_invalide"), ("heures", "valeur_hors_limites"),
            ("intitule", "champ_requis"), ("organisme", "champ_requis"),
        ]

    def test_titles_refuse_control_characters(self, holder):
        holder.set_dif(20)
        answer = holder.post("/titulaire/dossiers", {"intitule": "A\u0000B", "organisme": "B\u202eC", "heures": 1})
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("intitule", "caracteres_invalides"), ("organisme", "caracteres_invalides")]

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
            "date": "2026-12-01T09:00:04Z", "heures": -30, "libelle": "Formation : « Comptabilité » (30 h)"}
        assert sorted((m["heures"], m["libelle"]) for m in credits) == [  # the 40 h credited, before
            (16, "Alimentation de vos droits au titre de 2017"), (24, "Alimentation de vos droits au titre de 2016")]
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


class TestInformations:
    def test_they_are_shown_with_the_nir_masked(self, holder):
        answer = holder.get("/titulaire/informations")
        assert answer.status == 200
        assert answer.body == {
            "civilite": "M", "prenom": "Jean", "nom_naissance": "Dupont", "nir_masque": f"1 ** ** ** *** *** {NIR[13:]}",
            "courriel": "jean.dupont@example.fr", "telephone_fixe": "+33123456789", "telephone_portable": "+33612345678",
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

    def test_the_email_cannot_change_yet(self, holder):
        answer = holder.patch("/titulaire/informations", {"courriel": "autre@example.fr"})
        assert answer.status == 400 and answer.body["code"] == "courriel_non_modifiable"
        assert "prochainement" in answer.body["detail"]

    def test_an_empty_change_or_an_unknown_field_is_refused(self, holder):
        assert holder.patch("/titulaire/informations", {}).body["code"] == "aucune_modification"
        assert holder.patch("/titulaire/informations", {"adresse": "x"}).body["code"] == "champ_inconnu"


class TestPasswordChange:
    def change(self, holder, current=PASSWORD, new=NEW_PASSWORD, confirmation=None):
        return holder.put("/titulaire/mot-de-passe", {"mot_de_passe_actuel": current, "nouveau_mot_de_passe": new,
                                                      "confirmation": confirmation or new})

    def test_the_new_password_replaces_the_old_and_other_sessions_end(self, journey, holder):
        other_device = journey.log_in(NIR).body["jeton"]
        answer = self.change(holder)
        assert answer.status == 200, answer.body
        assert answer.body["sessions_fermees"] == 1
        assert holder.get("/titulaire").status == 200  # this session stays
        assert holder.api.get("/titulaire", headers=bearer(other_device)).status == 401
        assert journey.log_in(NIR).status == 401
        assert journey.log_in(NIR, NEW_PASSWORD).status == 201

    def test_a_wrong_current_password_changes_nothing(self, journey, holder):
        answer = self.change(holder, current="Mauvais2015!")
        assert answer.status == 400 and answer.body["code"] == "mot_de_passe_actuel_incorrect"
        assert answer.body["erreurs"][0]["champ"] == "mot_de_passe_actuel"
        assert journey.log_in(NIR).status == 201

    def test_wrong_current_passwords_count_towards_the_lockout(self, journey, holder):
        for _ in range(4):
            assert self.change(holder, current="Mauvais2015!").status == 400
        locked = self.change(holder, current="Mauvais2015!")
        assert locked.status == 429 and locked.body["code"] == "compte_verrouille"
        assert self.change(holder).status == 429  # the right one too, while locked
        assert journey.log_in(NIR).status == 429

    def test_the_password_rule_lists_each_unmet_rule(self, holder):
        answer = self.change(holder, new="abc", confirmation="abd")
        assert answer.status == 400
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("confirmation", "mdp_confirmation_differente"), ("nouveau_mot_de_passe", "mdp_categories"),
            ("nouveau_mot_de_passe", "mdp_chiffres"), ("nouveau_mot_de_passe", "mdp_lettres"),
            ("nouveau_mot_de_passe", "mdp_majuscule"),
        ]

    def test_the_policy_setting_applies(self, holder, monkeypatch):
        monkeypatch.setenv("PASSWORD_POLICY", "cnil-2022")
        answer = self.change(holder, new="Abcde12!")
        assert answer.status == 400 and answer.body["erreurs"][0]["code"] == "mdp_longueur"


def history_types(holder) -> list[str]:
    return [event["type"] for event in holder.get("/titulaire/historique").body["evenements"]]


class TestHistory:
    def test_every_change_is_an_event_newest_first(self, journey, holder):
        holder.clock.advance(seconds=1)
        journey.log_in(NIR, "Mauvais2015!")
        holder.set_dif(30)
        dossier = holder.create_dossier(heures=10)
        holder.validate(dossier)
        holder.close(dossier)
        holder.patch("/titulaire/informations", {"prenom": "Paul", "telephone_fixe": None})
        TestPasswordChange().change(holder)
        holder.clock.advance(seconds=1)
        holder.api.delete("/sessions/courante", headers=bearer(holder.token))
        holder.clock.advance(seconds=1)
        token = journey.log_in(NIR, NEW_PASSWORD).body["jeton"]
        answer = holder.api.get("/titulaire/historique", headers=bearer(token))
        assert answer.status == 200
        events = answer.body["evenements"]
        assert [e["type"] for e in events][:9] == [
            "connexion", "deconnexion", "mot_de_passe", "informations", "dossier_clos", "dossier_valide",
            "dossier_cree", "dif", "echec_connexion",
        ]
        # registration, activation and the first login share the fixed clock's first second
        assert sorted(e["type"] for e in events[9:]) == ["activation", "connexion", "inscription"]
        details = {e["type"]: e["detail"] for e in events}
        assert details["dif"] == "Solde d'heures DIF renseigné : 30 h."
        assert details["informations"] == "Informations personnelles modifiées : prénom, téléphone fixe."
        assert all(set(e) == {"date", "type", "detail"} for e in events)

    def test_pages_of_twenty_with_an_opaque_cursor(self, holder):
        for hours in range(25):
            holder.set_dif(hours)
        first = holder.get("/titulaire/historique").body
        assert len(first["evenements"]) == 20
        assert first["evenements"][0]["detail"] == "Solde d'heures DIF renseigné : 24 h."
        cursor = first["curseur_suivant"]
        assert cursor and "EVENEMENT" not in cursor
        second = holder.get(f"/titulaire/historique?curseur={cursor}").body
        assert [e["detail"] for e in second["evenements"][:5]] == [
            f"Solde d'heures DIF renseigné : {hours} h." for hours in (4, 3, 2, 1, 0)]
        assert len(second["evenements"]) == 8  # 5 + connexion, activation, inscription
        assert second["curseur_suivant"] is None

    def test_exactly_one_page_has_no_next_cursor(self, holder):
        for hours in range(17):  # inscription, activation, connexion and 17: 20
            holder.set_dif(hours)
        assert holder.get("/titulaire/historique").body["curseur_suivant"] is None

    @pytest.mark.parametrize("cursor", ["x", "!!!!", "RVZFTkVNRU5UIw", "Q09NUFRF", "U0VTU0lPTiNhYmM", "A" * 300])
    def test_a_tampered_cursor_is_refused(self, holder, cursor):
        answer = holder.get(f"/titulaire/historique?curseur={cursor}")
        assert answer.status == 400 and answer.body["code"] == "curseur_invalide"

    def test_a_cursor_cannot_reach_another_account(self, journey, api, clock, holder):
        for hours in range(25):
            holder.set_dif(hours)
        cursor = holder.get("/titulaire/historique").body["curseur_suivant"]
        other = Holder(api, clock, journey.active_account(**OTHER_PERSON))
        page = other.get(f"/titulaire/historique?curseur={cursor}").body["evenements"]
        assert all("DIF" not in event["detail"] for event in page)


HOLDER_ROUTES = [
    ("get", "/titulaire", None),
    ("get", "/titulaire/informations", None),
    ("patch", "/titulaire/informations", {"prenom": "Paul"}),
    ("get", "/titulaire/heures", None),
    ("put", "/titulaire/heures/dif", {"solde_dif": 40}),
    ("post", "/titulaire/dossiers", {"intitule": "A", "organisme": "B", "heures": 10}),
    ("get", "/titulaire/dossiers", None),
    ("get", "/titulaire/dossiers/{id}", None),
    ("post", "/titulaire/dossiers/{id}/validation", None),
    ("post", "/titulaire/dossiers/{id}/cloture", None),
    ("get", "/titulaire/historique", None),
]


def test_each_holder_route_costs_at_most_three_dynamodb_requests_and_no_scan(holder, dynamodb_calls):
    holder.set_dif(50)
    dossier = holder.create_dossier()
    costs = {}
    for method, path, body in HOLDER_ROUTES:
        dynamodb_calls.clear()
        path = path.format(id=dossier)
        answer = getattr(holder, method if method != "get" else "get")(path, *([body] if method != "get" else []))
        assert answer.status in (200, 201), (path, answer.body)
        costs[f"{method.upper()} {path.replace(dossier, '{id}')}"] = list(dynamodb_calls)
    print("DynamoDB requests per holder route:", costs)
    for route, calls in costs.items():
        assert calls[0] == "UpdateItem", route  # the authentication
        assert "Scan" not in calls
    two = {route: calls for route, calls in costs.items() if "validation" not in route and "cloture" not in route}
    assert all(len(calls) == 2 for calls in two.values()), two
    # A transition reads the dossier (its hours), then writes it, the account and the events together.
    for route in ("POST /titulaire/dossiers/{id}/validation", "POST /titulaire/dossiers/{id}/cloture"):
        assert costs[route] == ["UpdateItem", "GetItem", "TransactWriteItems"], costs[route]


def test_the_password_change_costs_its_reads_its_write_and_the_end_of_other_sessions(holder, dynamodb_calls):
    dynamodb_calls.clear()
    answer = TestPasswordChange().change(holder)
    assert answer.status == 200
    # authentication, account (for the NIR), credentials, the new hash and its event, the sessions to end
    # credentials and the failed-login count come together (wrong current passwords count towards the lockout)
    assert dynamodb_calls == ["UpdateItem", "GetItem", "BatchGetItem", "TransactWriteItems", "Query"], dynamodb_calls
