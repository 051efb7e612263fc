"""Section 1 of the contract: registration in four steps, through the API."""

import base64

import boto3
import pytest

from chalicelib.settings import get_settings
from tests.support import NIR, OTHER_NIR, PASSWORD, identity

DAY = 24 * 3600


def table_item(pk: str, sk: str) -> dict | None:
    item = boto3.client("dynamodb").get_item(
        TableName=get_settings().table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}
    ).get("Item")
    return item


def error_fields(answer) -> dict[str, str]:
    return {error["champ"]: error["code"] for error in answer.body["erreurs"]}


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
        credentials = table_item(f"IDENTIFIANT#{NIR}", "IDENTIFIANT")
        account = table_item(f"COMPTE#{credentials['compte_id']['S']}", "COMPTE")
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

    def test_annuler_deletes_the_draft(self, journey, api):
        draft_id = journey.start()
        journey.identity(draft_id)
        assert api.delete(f"/inscriptions/{draft_id}").status == 204
        assert table_item(f"INSCRIPTION#{draft_id}", "INSCRIPTION") is None
        gone = api.get(f"/inscriptions/{draft_id}")
        assert gone.status == 404 and gone.body["code"] == "inscription_introuvable"
        assert api.delete(f"/inscriptions/{draft_id}").status == 404

    def test_a_draft_past_its_hour_is_gone_even_before_ttl_deletes_it(self, journey, api, clock):
        draft_id = journey.start()
        clock.advance(hours=1)
        assert table_item(f"INSCRIPTION#{draft_id}", "INSCRIPTION") is not None  # TTL has not run
        assert api.get(f"/inscriptions/{draft_id}").body["code"] == "inscription_introuvable"
        assert journey.identity(draft_id).body["code"] == "inscription_introuvable"

    @pytest.mark.parametrize("junk", ["x", "..%2F..%2Fetc", "%00", "a" * 300, "ÉÉÉ", "A" * 22])
    def test_junk_in_the_path_is_a_404(self, api, junk):
        answer = api.get(f"/inscriptions/{junk}")
        assert answer.status == 404
        assert answer.body["code"] == "inscription_introuvable"


class TestSecurityCheck:
    def test_a_captcha_is_a_png_image_with_an_audio_version_for_ten_minutes(self, api):
        answer = api.post("/captchas")
        assert answer.status == 201
        prefix = "data:image/png;base64,"
        assert answer.body["image"].startswith(prefix)
        assert base64.b64decode(answer.body["image"][len(prefix):]).startswith(b"\x89PNG")
        assert answer.body["audio"] == f"/captchas/{answer.body['id']}/audio"
        assert answer.body["expire_le"] == "2026-12-01T09:10:00Z"

    def test_the_audio_version_is_a_wav_file(self, api):
        captcha_id = api.post("/captchas").body["id"]
        answer = api.get(f"/captchas/{captcha_id}/audio", headers={"Accept": "audio/wav"})
        assert answer.status == 200
        assert answer.headers["content-type"] == "audio/wav"
        assert answer.raw[:4] == b"RIFF" and answer.raw[8:12] == b"WAVE"

    def test_the_audio_version_needs_an_accept_header_for_wav(self, api):
        captcha_id = api.post("/captchas").body["id"]
        answer = api.get(f"/captchas/{captcha_id}/audio")
        assert answer.status == 406 and answer.body["code"] == "format_non_disponible"

    def test_an_expired_captcha_has_no_audio_version(self, api, clock):
        captcha_id = api.post("/captchas").body["id"]
        clock.advance(minutes=10)
        answer = api.get(f"/captchas/{captcha_id}/audio", headers={"Accept": "audio/wav"})
        assert answer.status == 404 and answer.body["code"] == "captcha_expire"

    def test_case_and_spaces_are_ignored(self, journey, api, captcha_answer):
        draft_id = journey.start()
        captcha_id = api.post("/captchas").body["id"]
        typed = " ".join(captcha_answer(captcha_id).lower())
        answer = api.put(
            f"/inscriptions/{draft_id}/identite", {**identity(), "captcha_id": captcha_id, "captcha_reponse": typed}
        )
        assert answer.status == 200, answer.body

    def test_one_answer_per_captcha_right_or_wrong(self, journey, api, captcha_answer):
        draft_id = journey.start()
        captcha_id = api.post("/captchas").body["id"]
        wrong = api.put(
            f"/inscriptions/{draft_id}/identite", {**identity(), "captcha_id": captcha_id, "captcha_reponse": "000000"}
        )
        assert wrong.status == 400
        assert wrong.body["code"] == "captcha_incorrect"
        assert error_fields(wrong) == {"captcha_reponse": "captcha_incorrect"}
        right_but_spent = api.put(
            f"/inscriptions/{draft_id}/identite",
            {**identity(), "captcha_id": captcha_id, "captcha_reponse": captcha_answer_or_none(captcha_answer, captcha_id)},
        )
        assert right_but_spent.status == 400
        assert right_but_spent.body["code"] == "captcha_expire"
        assert error_fields(right_but_spent) == {"captcha_reponse": "captcha_expire"}

    def test_a_right_answer_is_spent_too(self, journey, api, captcha_answer):
        captcha_id = api.post("/captchas").body["id"]
        solution = captcha_answer(captcha_id)
        body = {**identity(), "captcha_id": captcha_id, "captcha_reponse": solution}
        assert api.put(f"/inscriptions/{journey.start()}/identite", body).status == 200
        again = api.put(f"/inscriptions/{journey.start()}/identite", body)
        assert error_fields(again) == {"captcha_reponse": "captcha_expire"}

    def test_a_captcha_lives_ten_minutes(self, journey, api, captcha_answer, clock):
        draft_id = journey.start()
        captcha_id = api.post("/captchas").body["id"]
        clock.advance(minutes=10)
        answer = api.put(
            f"/inscriptions/{draft_id}/identite",
            {**identity(), "captcha_id": captcha_id, "captcha_reponse": captcha_answer(captcha_id)},
        )
        assert error_fields(answer) == {"captcha_reponse": "captcha_expire"}

    def test_an_unknown_captcha_is_expired(self, journey, api):
        answer = api.put(
            f"/inscriptions/{journey.start()}/identite",
            {**identity(), "captcha_id": "A" * 22, "captcha_reponse": "AAAAAA"},
        )
        assert error_fields(answer) == {"captcha_reponse": "captcha_expire"}


def captcha_answer_or_none(read, captcha_id):
    try:
        return read(captcha_id)
    except KeyError:
        return "AAAAAA"  # already spent: nothing left to read, any answer will do


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
            journey.start(), nir=OTHER_NIR, courriel="JEAN.DUPONT@example.fr", courriel_confirmation="JEAN.DUPONT@example.fr"
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


class TestPassword:
    def test_the_password_step_needs_the_identity_first(self, journey):
        answer = journey.password(journey.start())
        assert answer.status == 409 and answer.body["code"] == "etape_invalide"

    def test_each_unmet_rule_is_its_own_entry(self, journey, api):
        draft_id = journey.start()
        journey.identity(draft_id)
        answer = journey.password(draft_id, "abc", "abd")
        assert answer.status == 400
        assert [e["code"] for e in answer.body["erreurs"]] == [
            "mdp_lettres",
            "mdp_majuscule",
            "mdp_chiffres",
            "mdp_categories",
            "mdp_confirmation_differente",
        ]

    def test_the_cnil_2022_profile_asks_twelve_characters_and_four_categories(self, journey, monkeypatch):
        monkeypatch.setenv("PASSWORD_POLICY", "cnil-2022")
        draft_id = journey.start()
        journey.identity(draft_id)
        assert [e["code"] for e in journey.password(draft_id, "Abcde123").body["erreurs"]] == [
            "mdp_longueur",
            "mdp_categories",
        ]
        assert journey.password(draft_id, "Abcdefgh12!?").status == 201

    def test_the_draft_keeps_no_personal_data_once_the_account_exists(self, journey):
        draft_id = journey.start()
        journey.identity(draft_id)
        journey.password(draft_id)
        draft = table_item(f"INSCRIPTION#{draft_id}", "INSCRIPTION")
        assert draft["etape"]["S"] == "activation"
        assert not {"nir", "civilite", "prenom", "nom_naissance", "courriel", "telephone_fixe", "telephone_portable"} & set(draft)

    def test_the_password_is_stored_as_an_argon2id_hash(self, journey):
        journey.register()
        credentials = table_item(f"IDENTIFIANT#{NIR}", "IDENTIFIANT")
        assert credentials["mot_de_passe"]["S"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert PASSWORD not in str(credentials)

    def test_a_double_submission_makes_one_account(self, journey, sent_emails):
        draft_id = journey.start()
        journey.identity(draft_id)
        assert journey.password(draft_id).status == 201
        again = journey.password(draft_id)
        assert again.status == 409 and again.body["code"] == "etape_invalide"
        assert len(sent_emails()) == 1

    def test_two_registrations_racing_for_one_nir_give_one_account(self, journey):
        first, second = journey.start(), journey.start()
        assert journey.identity(first).status == 200
        assert journey.identity(second, courriel="autre@example.fr").status == 200
        assert journey.password(first).status == 201
        lost = journey.password(second)
        assert lost.status == 409 and lost.body["code"] == "nir_deja_inscrit"

    def test_two_registrations_racing_for_one_email_give_one_account(self, journey):
        first, second = journey.start(), journey.start()
        journey.identity(first)
        journey.identity(second, nir=OTHER_NIR)
        assert journey.password(second).status == 201
        lost = journey.password(first)
        assert lost.status == 409 and lost.body["code"] == "courriel_deja_utilise"

    def test_the_loser_of_a_race_may_go_back_and_change_its_email(self, journey):
        first, second = journey.start(), journey.start()
        journey.identity(first)
        journey.identity(second, nir=OTHER_NIR)
        journey.password(second)
        assert journey.identity(first, courriel="autre@example.fr").status == 200
        assert journey.password(first).status == 201

    def test_if_ses_fails_the_account_is_kept_and_the_person_is_told(self, journey, monkeypatch, sent_emails):
        monkeypatch.setenv("SENDER_EMAIL", "non-verifie@moncompteformation.gouv.fr")  # SES refuses it
        draft_id = journey.start()
        journey.identity(draft_id)
        answer = journey.password(draft_id)
        assert answer.status == 201
        assert answer.body["courriel_envoye"] is False
        assert "nouveau lien" in answer.body["detail"]
        assert sent_emails() == []
        pending = journey.log_in(NIR)
        assert pending.status == 403 and pending.body["code"] == "compte_non_active"


class TestActivationEmail:
    def test_it_is_french_text_and_html_with_the_link_the_deadline_and_the_contact(
        self, journey, sent_emails, email_requests
    ):
        code = journey.register()
        (email,) = sent_emails()
        assert email.source == "ne-pas-repondre@moncompteformation.gouv.fr"
        assert email.destinations["ToAddresses"] == ["jean.dupont@example.fr"]
        assert email.subject == "Mon Compte Formation : activez votre compte"
        (request,) = email_requests
        parts = request["Message"]["Body"]
        text, html = parts["Text"]["Data"], parts["Html"]["Data"]
        assert parts["Text"]["Charset"] == parts["Html"]["Charset"] == "UTF-8"
        assert '<html lang="fr">' in html
        for part in (text, html):
            assert f"http://127.0.0.1:8000/activation?c={code}" in part
            assert "15 jours" in part
            assert "mercredi 16 décembre 2026 à 10 h 00" in part  # 15 days after 09:00 UTC, at Paris time
            assert "une seule fois" in part
            assert "si vous n'êtes pas à l'origine de cette action" in part.lower()
            assert "http://127.0.0.1:8000/contact" in part
            assert NIR not in part and PASSWORD not in part

    def test_the_links_follow_public_base_url_and_contact_url(self, journey, sent_emails, monkeypatch):
        monkeypatch.setenv("PUBLIC_BASE_URL", "https://www.moncompteformation.gouv.fr")
        monkeypatch.setenv("CONTACT_URL", "https://www.moncompteformation.gouv.fr/contact")
        code = journey.register()
        text = sent_emails()[-1].body
        assert f"https://www.moncompteformation.gouv.fr/activation?c={code}" in text
        assert "https://www.moncompteformation.gouv.fr/contact" in text


class TestActivation:
    def test_the_link_works_once(self, journey):
        code = journey.register()
        assert journey.activate(code).body["detail"].startswith("Votre compte a bien été activé")
        again = journey.activate(code)
        assert again.status == 409 and again.body["code"] == "compte_deja_active"

    def test_an_unknown_code_is_a_404(self, journey):
        for code in ["A" * 43, "inconnu", ""]:
            answer = journey.activate(code)
            assert answer.status == 404 and answer.body["code"] == "activation_invalide"

    def test_an_expired_link_is_a_410_even_before_ttl_deletes_it(self, journey, clock):
        code = journey.register()
        clock.advance(days=15)
        answer = journey.activate(code)
        assert answer.status == 410 and answer.body["code"] == "activation_expiree"
        assert "recommencer votre inscription" in answer.body["detail"]

    def test_the_last_second_still_counts(self, journey, clock):
        code = journey.register()
        clock.advance(seconds=15 * DAY - 1)
        assert journey.activate(code).status == 200

    def test_an_expired_registration_blocks_nothing(self, journey, clock, sent_emails):
        old_code = journey.register()
        clock.advance(days=15, seconds=1)
        new_code = journey.register()
        assert journey.activate(old_code).status == 410
        assert journey.activate(new_code).status == 200
        assert journey.log_in(NIR).status == 201

    def test_activating_on_a_get_is_not_possible(self, journey, api):
        code = journey.register()
        answer = api.get(f"/activations?code={code}")
        assert answer.status in (403, 404, 405)
        assert answer.headers["content-type"] == "application/problem+json"
