"""Registration, its start: the CGU accepted open a draft for an hour ("Retour", "Annuler"), through the API."""

import pytest

from chalicelib.settings import get_settings
from chalicelib.store import keys
from tests.helpers.people import NIR
from tests.helpers.table import item


class TestCgu:
    def test_the_current_version_and_its_text_are_published(self, api):
        answer = api.get("/cgu")
        assert answer.status == 200
        assert answer.body["version"] == get_settings().cgu_version
        assert "Conditions générales" in answer.body["texte"]

    def test_accepting_them_opens_a_draft_for_one_hour(self, api, clock):
        answer = api.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": get_settings().cgu_version})
        assert answer.status == 201
        assert answer.body["etape"] == "identite"
        assert answer.body["expire_le"] == "2026-12-01T10:00:00Z"
        assert answer.headers["location"] == f"/inscriptions/{answer.body['id']}"

    @pytest.mark.parametrize("body", [{}, {"cgu_acceptees": False, "cgu_version": "2026-11-01"}])
    def test_refused_or_missing_cgu_stop_the_registration(self, api, body):
        answer = api.post("/inscriptions", body)
        assert answer.status == 400
        assert answer.body["code"] == "cgu_non_acceptees"
        assert answer.body["detail"] == (
            "Merci de valider les Conditions Générales d'Utilisation afin de pouvoir poursuivre votre inscription."
        )

    def test_another_version_than_the_current_one_is_refused(self, api):
        answer = api.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": "2015-01-01"})
        assert answer.status == 409
        assert answer.body["code"] == "cgu_version_perimee"

    def test_the_accepted_version_and_time_are_kept_on_the_account(self, journey, clock, api):
        draft_id = journey.start()
        clock.advance(minutes=5)
        journey.identity(draft_id)
        journey.password(draft_id)
        credentials = item(keys.credentials_key(NIR))
        account = item(keys.account_key(credentials["compte_id"]["S"]))
        assert account["cgu_version"]["S"] == get_settings().cgu_version
        assert account["cgu_acceptees_le"]["S"] == "2026-12-01T09:00:00Z"


class TestDraft:
    def test_retour_shows_the_draft_with_the_nir_masked(self, journey, api):
        draft_id = journey.start()
        journey.identity(draft_id)
        answer = api.get(f"/inscriptions/{draft_id}")
        assert answer.status == 200
        assert answer.body["etape"] == "mot_de_passe"
        assert answer.body["nir_masque"] == f"1 ** ** ** *** *** {NIR[13:]}"
        assert answer.body["courriel"] == "jean.dupont@example.fr"
        assert answer.body["telephone_fixe"] == "+33123456789"
        assert NIR not in answer.raw.decode()

    def test_annuler_erases_what_the_draft_holds_of_the_person(self, journey, api):
        draft_id = journey.start()
        journey.identity(draft_id)
        assert api.delete(f"/inscriptions/{draft_id}").status == 204
        # What remains, until its hour ends, is the mark that it was cancelled (a lost reply's
        # repeat recognises it) and the CGU's acceptance: nothing of the person.
        left = item(keys.draft_key(draft_id))
        assert left["etape"]["S"] == "annulee"
        assert not {
            "nir",
            "civilite",
            "prenom",
            "nom_naissance",
            "courriel",
            "telephone_fixe",
            "telephone_portable",
        } & set(left)
        gone = api.get(f"/inscriptions/{draft_id}")
        assert gone.status == 404 and gone.body["code"] == "inscription_introuvable"
        assert api.delete(f"/inscriptions/{draft_id}").status == 404

    def test_a_draft_past_its_hour_is_gone_even_before_ttl_deletes_it(self, journey, api, clock):
        draft_id = journey.start()
        journey.identity(draft_id)
        clock.advance(hours=1)
        assert item(keys.draft_key(draft_id)) is not None  # TTL has not run
        assert api.get(f"/inscriptions/{draft_id}").body["code"] == "inscription_introuvable"
        assert journey.identity(draft_id).body["code"] == "inscription_introuvable"
        assert api.delete(f"/inscriptions/{draft_id}").status == 404


class TestADraftNotWrittenYet:
    """Starting writes nothing: the CGU's acceptance and the draft's hour are sealed in its id, and
    the identity step writes the draft. Until then the id alone is the draft."""

    def test_starting_writes_nothing_and_retour_shows_the_sealed_first_step(self, journey, api, dynamodb_calls):
        dynamodb_calls.clear()
        draft_id = journey.start()
        assert dynamodb_calls == []
        assert item(keys.draft_key(draft_id)) is None
        answer = api.get(f"/inscriptions/{draft_id}")
        assert answer.status == 200
        assert answer.body == {
            "id": draft_id,
            "etape": "identite",
            "expire_le": "2026-12-01T10:00:00Z",
            "cgu_version": get_settings().cgu_version,
        }

    def test_annuler_marks_it_cancelled_for_its_hour(self, journey, api, clock):
        draft_id = journey.start()
        assert api.delete(f"/inscriptions/{draft_id}").status == 204
        assert item(keys.draft_key(draft_id))["etape"]["S"] == "annulee"
        assert item(keys.draft_key(draft_id))["expire_ttl"]["N"] == str(int(clock().timestamp()) + 3600)
        assert api.get(f"/inscriptions/{draft_id}").status == 404
        assert journey.identity(draft_id).body["code"] == "inscription_introuvable"
        assert api.delete(f"/inscriptions/{draft_id}").status == 404

    def test_the_identity_step_writes_it_and_may_be_sent_again(self, journey, api, clock):
        draft_id = journey.start()
        clock.advance(minutes=5)
        assert journey.identity(draft_id).status == 200
        written = item(keys.draft_key(draft_id))
        assert written["cgu_acceptees_le"]["S"] == "2026-12-01T09:00:00Z"
        assert written["expire_ttl"]["N"] == str(int(clock().timestamp()) - 300 + 3600)
        assert written["expire_lot"]["S"].startswith("EXPIRE#")  # it holds a person now: the cleanup sees it
        retour = journey.identity(draft_id, prenom="Paul")
        assert retour.status == 200 and retour.body["expire_le"] == "2026-12-01T10:00:00Z"
        assert api.get(f"/inscriptions/{draft_id}").body["prenom"] == "Paul"

    def test_its_hour_ends_it(self, journey, api, clock):
        draft_id = journey.start()
        clock.advance(hours=1)
        assert api.get(f"/inscriptions/{draft_id}").status == 404
        assert api.delete(f"/inscriptions/{draft_id}").status == 404
        assert journey.identity(draft_id).body["code"] == "inscription_introuvable"
        assert item(keys.draft_key(draft_id)) is None

    def test_an_id_changed_by_one_character_names_no_draft(self, journey, api, dynamodb_calls):
        draft_id = journey.start()
        forged = draft_id[:30] + ("A" if draft_id[30] != "A" else "B") + draft_id[31:]
        dynamodb_calls.clear()
        assert api.get(f"/inscriptions/{forged}").status == 404
        assert api.delete(f"/inscriptions/{forged}").status == 404
        assert journey.identity(forged).body["code"] == "inscription_introuvable"
        assert "TransactWriteItems" not in dynamodb_calls and "UpdateItem" not in dynamodb_calls

    @pytest.mark.parametrize("junk", ["x", "..%2F..%2Fetc", "%00", "a" * 300, "ÉÉÉ", "A" * 22])
    def test_junk_in_the_path_is_a_404(self, api, junk):
        answer = api.get(f"/inscriptions/{junk}")
        assert answer.status == 404
        assert answer.body["code"] == "inscription_introuvable"
