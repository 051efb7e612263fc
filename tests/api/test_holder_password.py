"""The holder space's password change ("Modifier mon mot de passe"), through the API."""

from chalicelib.domain.email_feedback import KIND_TAG
from tests.helpers.accounts import emails_to
from tests.helpers.api import bearer
from tests.helpers.faults import SesRefusal
from tests.helpers.people import EMAIL, NEW_PASSWORD, NIR, PASSWORD
from tests.helpers.verification import mark_email_invalid


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
            ("confirmation", "mdp_confirmation_differente"),
            ("nouveau_mot_de_passe", "mdp_categories"),
            ("nouveau_mot_de_passe", "mdp_chiffres"),
            ("nouveau_mot_de_passe", "mdp_lettres"),
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


class TestPasswordChangedNotice:
    """Contract §14: a password changed sends the holder a notice, without a link."""

    def test_the_holder_gets_a_notice_without_a_link(self, holder, email_requests):
        assert holder.change_password().status == 200
        notice = email_requests[-1]
        assert notice["Destination"]["ToAddresses"] == [EMAIL]
        assert notice["Message"]["Subject"]["Data"] == "Mon Compte Formation : votre mot de passe a été modifié"
        assert {"Name": KIND_TAG, "Value": "courriel_notice"} in notice["Tags"]
        for part in (notice["Message"]["Body"]["Text"]["Data"], notice["Message"]["Body"]["Html"]["Data"]):
            assert "mardi 1er décembre 2026" in part  # when, at Paris time
            assert "Si vous n'êtes pas à l'origine de cette action" in part
            assert "Mot de passe oublié" in part
            assert "http://127.0.0.1:8000/contact" in part
            assert "#c=" not in part
            assert NIR not in part and NEW_PASSWORD not in part and PASSWORD not in part

    def test_a_refused_change_sends_nothing(self, holder, sent_emails):
        before = len(sent_emails())
        assert holder.change_password(current="Mauvais2015!").status == 400
        assert holder.change_password(new="abc", confirmation="abc").status == 400
        assert len(sent_emails()) == before

    def test_the_notice_counts_in_the_hour_s_allowance_but_never_holds_the_change_back(self, holder, api, sent_emails):
        # The registration's email and three notices: past the allowance, and every change done all the same.
        for current, new in ((PASSWORD, NEW_PASSWORD), (NEW_PASSWORD, PASSWORD), (PASSWORD, NEW_PASSWORD)):
            assert holder.change_password(current=current, new=new).status == 200
        assert len(emails_to(sent_emails, EMAIL)) == 4
        assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
        assert len(emails_to(sent_emails, EMAIL)) == 4  # the reset link waits for the hour: the notices count

    def test_no_notice_to_an_address_marked_invalid(self, holder, sent_emails):
        mark_email_invalid(NIR)
        before = len(sent_emails())
        assert holder.change_password().status == 200
        assert len(sent_emails()) == before

    def test_a_notice_ses_refuses_never_fails_the_change(self, holder, journey, capsys):
        refusing = SesRefusal(lambda params: True).install()
        capsys.readouterr()
        answer = holder.change_password()
        assert answer.status == 200, answer.body
        assert refusing.refused == 1
        assert journey.log_in(NIR, NEW_PASSWORD).status == 201
        output = capsys.readouterr().out
        assert '"EmailsRefused": 1' in output and '"kind": "courriel_notice"' in output
        assert EMAIL not in output
