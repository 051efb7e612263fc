"""Section 3 of the contract, the confirmed email change, through the API on the emulated AWS."""

import secrets

import pytest

from tests.helpers.accounts import JEAN, MARIE, emails_to, link_code, open_accounts
from tests.helpers.people import NIR, PASSWORD, make_nir

NEW = "jean.nouveau@example.org"


@pytest.fixture
def jean(journey, clock):
    (jean,) = open_accounts(journey, clock, JEAN)
    return jean


@pytest.fixture
def marie(journey, clock, jean):
    (marie,) = open_accounts(journey, clock, MARIE)
    jean.log_in()  # the hour that passed has ended Jean's session
    return marie


def ask(person, courriel=NEW, password=PASSWORD, confirmation=None):
    return person.post(
        "/titulaire/courriel",
        {"courriel": courriel, "courriel_confirmation": confirmation or courriel, "mot_de_passe": password},
    )


def change_code(sent_emails, courriel=NEW) -> str:
    return link_code(emails_to(sent_emails, courriel)[-1], "courriel")


def confirm(api, code):
    return api.post("/courriels/confirmation", {"code": code})


def problem(answer, status, code):
    assert (answer.status, answer.body["code"]) == (status, code), answer.body


def current_email(person) -> str:
    return person.get("/titulaire/informations").body["courriel"]


class TestRequest:
    def test_a_link_goes_to_the_new_address_and_a_notice_to_the_current_one(self, jean, sent_emails, email_requests):
        answer = ask(jean)
        assert answer.status == 202, answer.body
        assert answer.body["courriel_envoye"] is True
        assert "lien de confirmation" in answer.body["detail"]
        link, notice = email_requests[-2:]
        assert link["Destination"]["ToAddresses"] == [NEW]
        assert notice["Destination"]["ToAddresses"] == [JEAN["courriel"]]
        for part in (link["Message"]["Body"]["Text"]["Data"], link["Message"]["Body"]["Html"]["Data"]):
            assert "http://127.0.0.1:8000/courriel#c=" in part
            assert "une seule fois" in part
            assert "mardi 1er décembre 2026 à 12 h 00" in part  # one hour, Paris time
            assert "http://127.0.0.1:8000/contact" in part
            assert NIR not in part
            assert PASSWORD not in part
        for part in (notice["Message"]["Body"]["Text"]["Data"], notice["Message"]["Body"]["Html"]["Data"]):
            assert "#c=" not in part and "?c=" not in part  # no link
            assert "j***@example.org" in part  # the new address, masked
            assert NEW not in part
            assert "si vous n'êtes pas à l'origine de cette demande" in part.lower()
            assert "http://127.0.0.1:8000/contact" in part
            assert NIR not in part
            assert PASSWORD not in part
        assert current_email(jean) == JEAN["courriel"]  # nothing changes before the link is used

    def test_every_invalid_field_is_listed(self, jean):
        answer = jean.post("/titulaire/courriel", {"courriel": "pas une adresse", "courriel_confirmation": "x"})
        assert answer.status == 400
        assert sorted((e["champ"], e["code"]) for e in answer.body["erreurs"]) == [
            ("courriel", "courriel_invalide"),
            ("mot_de_passe", "champ_requis"),
        ]
        different = ask(jean, confirmation="autre@example.org")
        problem(different, 400, "courriel_confirmation_differente")

    def test_the_current_address_is_refused_whatever_its_case(self, jean, sent_emails):
        before = len(sent_emails())
        problem(ask(jean, "JEAN.Dupont@example.fr"), 400, "courriel_inchange")
        assert len(sent_emails()) == before

    def test_an_address_used_by_another_account_is_refused(self, jean, marie):
        problem(ask(jean, "Marie.Martin@example.fr"), 409, "courriel_deja_utilise")

    def test_a_wrong_password_is_refused_and_counts_towards_the_lockout(self, jean, journey, sent_emails):
        before = len(sent_emails())
        for _ in range(4):
            answer = ask(jean, password="Mauvais2015!")
            problem(answer, 403, "mot_de_passe_incorrect")
            assert answer.body["erreurs"][0]["champ"] == "mot_de_passe"
        problem(ask(jean, password="Mauvais2015!"), 429, "compte_verrouille")
        locked = ask(jean)  # the right one too, while locked
        problem(locked, 429, "compte_verrouille")
        assert int(locked.headers["retry-after"]) > 0
        problem(journey.log_in(NIR), 429, "compte_verrouille")
        assert len(sent_emails()) == before
        assert [e["type"] for e in jean.history()][:5] == ["echec_connexion"] * 5

    def test_a_wrong_password_does_not_tell_whether_the_address_is_taken(self, jean, marie):
        problem(ask(jean, "marie.martin@example.fr", password="Mauvais2015!"), 403, "mot_de_passe_incorrect")

    def test_both_emails_count_in_the_three_an_hour(self, jean, clock):
        assert ask(jean).status == 202  # two of the hour's three
        problem(ask(jean, "autre@example.org"), 429, "envois_trop_nombreux")  # two more would make four
        body = {"courriel": "conseil@example.fr", "portee": "consultation", "mot_de_passe": PASSWORD}
        assert jean.post("/titulaire/delegations", body).status == 201  # the third (its notice counted beyond)
        refused = jean.post("/titulaire/delegations", {**body, "courriel": "aide@example.fr"})
        problem(refused, 429, "envois_trop_nombreux")
        assert 0 < int(refused.headers["retry-after"]) <= 3600
        clock.advance(hours=1)
        assert ask(jean.log_in(), "autre@example.org").status == 202

    def test_a_newer_request_voids_the_older_link(self, jean, sent_emails, clock, api, monkeypatch):
        monkeypatch.setenv("EMAIL_CHANGE_TTL_SECONDS", "7200")  # so that the older link outlives the hour's allowance
        assert ask(jean).status == 202
        older = change_code(sent_emails)
        clock.advance(hours=1)
        assert ask(jean.log_in(), "jean.autre@example.org").status == 202
        problem(confirm(api, older), 404, "code_invalide")
        assert confirm(api, change_code(sent_emails, "jean.autre@example.org")).status == 200
        assert current_email(jean) == "jean.autre@example.org"

    def test_when_ses_fails_nothing_is_lost_and_the_person_asks_again(self, jean, monkeypatch, sent_emails, api):
        monkeypatch.setenv("SENDER_EMAIL", "non-verifie@moncompteformation.gouv.fr")  # SES refuses
        failed = ask(jean)
        assert failed.status == 202
        assert failed.body["courriel_envoye"] is False
        assert "refaire la demande" in failed.body["detail"]
        monkeypatch.delenv("SENDER_EMAIL")
        assert ask(jean).status == 202  # the failed emails did not use the allowance
        assert confirm(api, change_code(sent_emails)).status == 200

    def test_it_needs_a_session(self, api):
        problem(
            api.post("/titulaire/courriel", {"courriel": NEW, "courriel_confirmation": NEW, "mot_de_passe": "x"}),
            401,
            "session_invalide",
        )


class TestConfirmation:
    def test_the_link_moves_the_address_and_its_reservation_at_once(self, jean, journey, sent_emails, api):
        assert ask(jean, "Jean.Nouveau@Example.org").status == 202
        answer = confirm(api, change_code(sent_emails, "Jean.Nouveau@example.org"))
        assert answer.status == 200, answer.body
        assert answer.body["courriel"] == "Jean.Nouveau@example.org"
        assert "bien été modifiée" in answer.body["detail"]
        assert current_email(jean) == "Jean.Nouveau@example.org"  # the session stays open
        # The old address is free at once; the new one is taken, whatever its case.
        draft = journey.start()
        assert journey.identity(draft, nir=make_nir("1750799123456"), courriel=JEAN["courriel"]).status == 200
        other = journey.start()
        taken = journey.identity(other, nir=make_nir("2880631123456"), courriel="jean.nouveau@EXAMPLE.org")
        problem(taken, 409, "courriel_deja_utilise")

    def test_mot_de_passe_oublie_follows_the_new_address(self, jean, sent_emails, api):
        ask(jean)
        confirm(api, change_code(sent_emails))
        before = len(emails_to(sent_emails, JEAN["courriel"]))
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": JEAN["courriel"]})
        assert len(emails_to(sent_emails, JEAN["courriel"])) == before
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": NEW})
        assert "/reinitialisation#c=" in emails_to(sent_emails, NEW)[-1].body

    def test_the_history_records_the_change_with_both_addresses_masked(self, jean, sent_emails, api):
        ask(jean)
        jean.clock.advance(seconds=1)
        confirm(api, change_code(sent_emails))
        changed, asked = jean.history()[:2]
        assert (changed["type"], asked["type"]) == ("courriel", "courriel_demande")
        assert changed["detail"] == "Adresse courriel modifiée : j***@example.fr remplacée par j***@example.org."
        assert asked["detail"] == (
            "Changement d'adresse courriel demandé vers j***@example.org : un lien de confirmation y a été envoyé."
        )
        assert all(NEW not in e["detail"] and JEAN["courriel"] not in e["detail"] for e in jean.history())

    def test_a_link_works_once(self, jean, sent_emails, api):
        ask(jean)
        code = change_code(sent_emails)
        assert confirm(api, code).status == 200
        problem(confirm(api, code), 404, "code_invalide")

    def test_an_unknown_or_malformed_code_is_not_found(self, api):
        problem(confirm(api, secrets.token_urlsafe(32)), 404, "code_invalide")
        problem(confirm(api, "inconnu"), 404, "code_invalide")
        problem(api.post("/courriels/confirmation", {}), 400, "champ_requis")

    def test_the_link_expires_after_an_hour_before_ttl_deletes_it(self, jean, sent_emails, api, clock):
        ask(jean)
        clock.advance(hours=1)
        problem(confirm(api, change_code(sent_emails)), 410, "code_expire")
        assert current_email(jean.log_in()) == JEAN["courriel"]

    def test_an_address_taken_meanwhile_leaves_everything_unchanged(self, jean, journey, sent_emails, api):
        ask(jean)
        code = change_code(sent_emails)
        # Someone registers with that address before Jean opens his link.
        assert journey.activate(journey.register(nir=make_nir("1750799123456"), courriel=NEW)).status == 200
        problem(confirm(api, code), 409, "courriel_deja_utilise")
        assert current_email(jean) == JEAN["courriel"]
        draft = journey.start()  # Jean's address is still his
        problem(
            journey.identity(draft, nir=make_nir("2880631123456"), courriel=JEAN["courriel"]),
            409,
            "courriel_deja_utilise",
        )


def test_patch_points_to_the_confirmed_change(jean):
    answer = jean.patch("/titulaire/informations", {"courriel": NEW, "prenom": "Jeannot"})
    problem(answer, 409, "courriel_non_modifiable")
    assert "POST /titulaire/courriel" in answer.body["detail"]
    assert jean.get("/titulaire/informations").body["prenom"] == "Jean"


def test_what_each_route_costs(jean, sent_emails, api, dynamodb_calls):
    dynamodb_calls.clear()
    assert ask(jean).status == 202
    asked = list(dynamodb_calls)
    dynamodb_calls.clear()
    assert confirm(api, change_code(sent_emails)).status == 200
    assert asked == ["UpdateItem", "GetItem", "BatchGetItem", "TransactWriteItems"]
    assert dynamodb_calls == ["GetItem", "TransactWriteItems"]
