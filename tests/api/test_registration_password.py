"""Registration, the password step: the rules, the argon2id hash, one account whatever the races, through the API."""

import pytest

from chalicelib.store import keys
from tests.helpers.people import NIR, OTHER_NIR, PASSWORD
from tests.helpers.table import item


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
        draft = item(keys.draft_key(draft_id))
        assert draft["etape"]["S"] == "activation"
        personal = {"nir", "civilite", "prenom", "nom_naissance", "courriel", "telephone_fixe", "telephone_portable"}
        assert not personal & set(draft)

    @pytest.mark.production_argon2
    def test_the_password_is_stored_as_an_argon2id_hash(self, journey):
        journey.register()
        credentials = item(keys.credentials_key(NIR))
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
