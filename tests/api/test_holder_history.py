"""The holder space's history ("Mon historique"): every change an event, pages of twenty, through the API."""

import pytest

from tests.helpers.api import bearer
from tests.helpers.holder import Holder
from tests.helpers.people import NEW_PASSWORD, NIR, OTHER_PERSON


class TestHistory:
    def test_every_change_is_an_event_newest_first(self, journey, holder):
        holder.clock.advance(seconds=1)
        journey.log_in(NIR, "Mauvais2015!")
        holder.set_dif(30)
        dossier = holder.create_dossier(heures=10)
        holder.validate(dossier)
        holder.close(dossier)
        holder.patch("/titulaire/informations", {"prenom": "Paul", "telephone_fixe": None})
        holder.change_password()
        holder.clock.advance(seconds=1)
        holder.api.delete("/sessions/courante", headers=bearer(holder.token))
        holder.clock.advance(seconds=1)
        token = journey.log_in(NIR, NEW_PASSWORD).body["jeton"]
        answer = holder.api.get("/titulaire/historique", headers=bearer(token))
        assert answer.status == 200
        events = answer.body["evenements"]
        assert [e["type"] for e in events][:9] == [
            "connexion",
            "deconnexion",
            "mot_de_passe",
            "informations",
            "dossier_clos",
            "dossier_valide",
            "dossier_cree",
            "dif",
            "echec_connexion",
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
            f"Solde d'heures DIF renseigné : {hours} h." for hours in (4, 3, 2, 1, 0)
        ]
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
