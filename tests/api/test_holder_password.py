"""The holder space's password change ("Modifier mon mot de passe"), through the API."""

from tests.helpers.api import bearer
from tests.helpers.people import NEW_PASSWORD, NIR


class TestPasswordChange:
    def test_the_new_password_replaces_the_old_and_other_sessions_end(self, journey, holder):
        other_device = journey.log_in(NIR).body["jeton"]
        answer = holder.change_password()
        assert answer.status == 200, answer.body
        assert answer.body["sessions_fermees"] == 1
        assert holder.get("/titulaire").status == 200  # this session stays
        assert holder.api.get("/titulaire", headers=bearer(other_device)).status == 401
        assert journey.log_in(NIR).status == 401
        assert journey.log_in(NIR, NEW_PASSWORD).status == 201

    def test_a_wrong_current_password_changes_nothing(self, journey, holder):
        answer = holder.change_password(current="Mauvais2015!")
        assert answer.status == 400 and answer.body["code"] == "mot_de_passe_actuel_incorrect"
        assert answer.body["erreurs"][0]["champ"] == "mot_de_passe_actuel"
        assert journey.log_in(NIR).status == 201

    def test_wrong_current_passwords_count_towards_the_lockout(self, journey, holder):
        for _ in range(4):
            assert holder.change_password(current="Mauvais2015!").status == 400
        locked = holder.change_password(current="Mauvais2015!")
        assert locked.status == 429 and locked.body["code"] == "compte_verrouille"
        assert holder.change_password().status == 429  # the right one too, while locked
        assert journey.log_in(NIR).status == 429

    def test_the_password_rule_lists_each_unmet_rule(self, holder):
        answer = holder.change_password(new="abc", confirmation="abd")
        assert answer.status == 400
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("confirmation", "mdp_confirmation_differente"), ("nouveau_mot_de_passe", "mdp_categories"),
            ("nouveau_mot_de_passe", "mdp_chiffres"), ("nouveau_mot_de_passe", "mdp_lettres"),
            ("nouveau_mot_de_passe", "mdp_majuscule"),
        ]

    def test_the_policy_setting_applies(self, holder, monkeypatch):
        monkeypatch.setenv("PASSWORD_POLICY", "cnil-2022")
        answer = holder.change_password(new="Abcde12!")
        assert answer.status == 400 and answer.body["erreurs"][0]["code"] == "mdp_longueur"


def test_the_password_change_costs_its_reads_and_one_write_ending_other_sessions(holder, journey, dynamodb_calls):
    other_device = journey.log_in(NIR).body["jeton"]
    dynamodb_calls.clear()
    answer = holder.change_password()
    assert answer.status == 200 and answer.body["sessions_fermees"] == 1
    # authentication, account (for the NIR), credentials with the failed-login count (wrong current
    # passwords count towards the lockout), the sessions, then ONE transaction: the new hash, its event
    # and the other sessions' end, so that a failure half-way leaves nobody logged in with the old one
    assert dynamodb_calls == ["UpdateItem", "GetItem", "BatchGetItem", "Query", "TransactWriteItems"], dynamodb_calls
    assert holder.api.get("/titulaire", headers=bearer(other_device)).status == 401
