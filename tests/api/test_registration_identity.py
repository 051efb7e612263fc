"""Registration, the identity step: every rule at once, and a NIR or an email already taken, through the API."""

from tests.helpers.api import error_fields
from tests.helpers.people import OTHER_NIR


class TestIdentity:
    def test_every_invalid_field_is_reported_in_one_answer(self, journey, api):
        draft_id = journey.start()
        captcha_id = api.post("/captchas").body["id"]
        answer = api.put(
            f"/inscriptions/{draft_id}/identite",
            {
                "nir": "1234",
                "civilite": "Monsieur",
                "prenom": "Jean3",
                "telephone_fixe": "06 12 34 56 78",
                "telephone_portable": "01 23 45 67 89",
                "courriel": "jean.dupont@example.fr",
                "courriel_confirmation": "jean.dupond@example.fr",
                "captcha_id": captcha_id,
                "captcha_reponse": "nope",
                "age": 42,
            },
        )
        assert answer.status == 400
        assert answer.headers["content-type"] == "application/problem+json"
        assert error_fields(answer) == {
            "nir": "nir_invalide",
            "civilite": "civilite_invalide",
            "prenom": "nom_caracteres",
            "nom_naissance": "champ_requis",
            "telephone_fixe": "telephone_fixe_invalide",
            "telephone_portable": "telephone_portable_invalide",
            "courriel_confirmation": "courriel_confirmation_differente",
            "captcha_reponse": "captcha_incorrect",
            "age": "champ_inconnu",
        }
        assert all(error["message"] for error in answer.body["erreurs"])

    def test_the_confirmation_ignores_case(self, journey):
        answer = journey.identity(
            journey.start(), courriel="Jean.Dupont@example.fr", courriel_confirmation="jean.dupont@EXAMPLE.FR"
        )
        assert answer.status == 200, answer.body

    def test_optional_fields_may_be_left_out_or_blank(self, journey):
        answer = journey.identity(journey.start(), prenom="", telephone_fixe=" ", telephone_portable=None)
        assert answer.status == 200, answer.body

    def test_wrong_types_are_refused_not_coerced(self, journey):
        answer = journey.identity(journey.start(), nir=184057512345678, civilite=["M"])
        assert error_fields(answer) == {"nir": "type_invalide", "civilite": "type_invalide"}

    def test_identity_may_be_sent_again_while_the_password_is_awaited(self, journey, api):
        draft_id = journey.start()
        journey.identity(draft_id)
        answer = journey.identity(draft_id, courriel="autre@example.fr", telephone_fixe=None)
        assert answer.status == 200
        draft = api.get(f"/inscriptions/{draft_id}").body
        assert draft["courriel"] == "autre@example.fr"
        assert draft["telephone_fixe"] is None

    def test_a_nir_with_an_active_account_is_taken(self, journey):
        journey.activate(journey.register())
        answer = journey.identity(journey.start(), courriel="autre@example.fr")
        assert answer.status == 409
        assert answer.body["code"] == "nir_deja_inscrit"

    def test_a_nir_whose_link_is_still_valid_is_taken(self, journey, clock):
        journey.register()
        clock.advance(days=14)
        assert journey.identity(journey.start(), courriel="autre@example.fr").body["code"] == "nir_deja_inscrit"

    def test_an_email_in_use_is_taken_whatever_its_case(self, journey):
        journey.register()
        answer = journey.identity(
            journey.start(),
            nir=OTHER_NIR,
            courriel="JEAN.DUPONT@example.fr",
            courriel_confirmation="JEAN.DUPONT@example.fr",
        )
        assert answer.status == 409
        assert answer.body["code"] == "courriel_deja_utilise"

    def test_both_taken_are_reported_together(self, journey):
        journey.register()
        answer = journey.identity(journey.start())
        assert answer.status == 409
        assert error_fields(answer) == {"nir": "nir_deja_inscrit", "courriel": "courriel_deja_utilise"}

    def test_after_the_password_step_the_identity_cannot_change(self, journey):
        draft_id = journey.start()
        journey.identity(draft_id)
        journey.password(draft_id)
        answer = journey.identity(draft_id)
        assert answer.status == 409 and answer.body["code"] == "etape_invalide"
