"""Section 2 of the contract, recovery and abuse: forgotten password, activation resend, lockout, mail bombing.

No answer here may tell whether an account exists."""

import re

import pytest

from chalicelib import dependencies
from chalicelib.api.recovery_routes import RESPONSE_FLOOR_SECONDS
from tests.helpers.accounts import JEAN, MARIE, PAUL, emails_to, link_code, open_accounts
from tests.helpers.api import bearer
from tests.helpers.faults import SesRefusal
from tests.helpers.people import EMAIL, NEW_PASSWORD, NIR, OTHER_NIR, PASSWORD

SAME_BODY = {
    "detail": "Si les informations saisies correspondent à un compte, un courriel vient d'être envoyé à "
    "l'adresse indiquée. Pensez à vérifier vos courriers indésirables."
}


def reset_code(sent_emails) -> str:
    return re.search(r"/reinitialisation#c=([A-Za-z0-9_-]+)", sent_emails()[-1].body).group(1)


class TestForgottenPassword:
    def test_a_matching_nir_and_email_get_a_reset_link_by_email(self, active, api, sent_emails, email_requests):
        answer = api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": "Jean.Dupont@example.fr"})
        assert answer.status == 202 and answer.body == SAME_BODY
        email = sent_emails()[-1]
        assert email.subject == "Mon Compte Formation : réinitialisation de votre mot de passe"
        assert email.destinations["ToAddresses"] == [EMAIL]
        parts = email_requests[-1]["Message"]["Body"]
        for part in (parts["Text"]["Data"], parts["Html"]["Data"]):
            assert "http://127.0.0.1:8000/reinitialisation#c=" in part
            assert "une seule fois" in part and "mardi 1er décembre 2026 à 11 h 00" in part  # 1 hour, Paris time
            assert "http://127.0.0.1:8000/contact" in part
            assert NIR not in part and PASSWORD not in part

    @pytest.mark.parametrize(
        "body",
        [
            {"nir": OTHER_NIR, "courriel": EMAIL},  # unknown NIR
            {"nir": NIR, "courriel": "autre@example.fr"},  # the email of nobody
            {"nir": "123", "courriel": EMAIL},  # not a NIR
            {"nir": NIR, "courriel": "pas une adresse"},
            {"nir": "", "courriel": ""},
        ],
    )
    def test_anything_else_gets_the_same_answer_and_no_email(self, active, api, sent_emails, body):
        before = len(sent_emails())
        answer = api.post("/mots-de-passe/oubli", body)
        assert answer.status == 202 and answer.body == SAME_BODY
        assert len(sent_emails()) == before

    def test_a_pending_account_gets_no_reset_link(self, journey, api, sent_emails):
        journey.register()
        answer = api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        assert answer.body == SAME_BODY and len(sent_emails()) == 1  # the activation email only

    def test_the_reset_sets_the_password_ends_every_session_and_is_in_the_history(
        self, active, api, journey, sent_emails
    ):
        other_device = journey.log_in(NIR).body["jeton"]
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        code = reset_code(sent_emails)
        answer = api.post(
            "/mots-de-passe/reinitialisation",
            {"code": code, "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD},
        )
        assert answer.status == 200
        assert answer.body["detail"].startswith("Votre mot de passe a bien été modifié")
        assert api.get("/titulaire", headers=bearer(active)).status == 401
        assert api.get("/titulaire", headers=bearer(other_device)).status == 401
        assert journey.log_in(NIR).status == 401
        assert journey.log_in(NIR, NEW_PASSWORD).status == 201

    def test_the_link_works_once(self, active, api, sent_emails):
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        body = {
            "code": reset_code(sent_emails),
            "mot_de_passe": NEW_PASSWORD,
            "mot_de_passe_confirmation": NEW_PASSWORD,
        }
        assert api.post("/mots-de-passe/reinitialisation", body).status == 200
        again = api.post("/mots-de-passe/reinitialisation", body)
        assert again.status == 404 and again.body["code"] == "code_invalide"

    def test_an_unknown_code_is_a_404(self, api):
        for code in ["A" * 43, "x"]:
            body = {"code": code, "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD}
            answer = api.post("/mots-de-passe/reinitialisation", body)
            assert answer.status == 404 and answer.body["code"] == "code_invalide"

    def test_the_link_expires_after_an_hour_even_before_ttl_deletes_it(self, active, api, sent_emails, clock):
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        clock.advance(hours=1)
        body = {
            "code": reset_code(sent_emails),
            "mot_de_passe": NEW_PASSWORD,
            "mot_de_passe_confirmation": NEW_PASSWORD,
        }
        answer = api.post("/mots-de-passe/reinitialisation", body)
        assert answer.status == 410 and answer.body["code"] == "code_expire"

    def test_a_newer_request_voids_the_older_link(self, active, api, sent_emails):
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        older = reset_code(sent_emails)
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        newer = reset_code(sent_emails)
        body = {"mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD}
        assert api.post("/mots-de-passe/reinitialisation", {**body, "code": older}).body["code"] == "code_invalide"
        assert api.post("/mots-de-passe/reinitialisation", {**body, "code": newer}).status == 200

    def test_the_password_rule_applies(self, active, api, sent_emails):
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        answer = api.post(
            "/mots-de-passe/reinitialisation",
            {"code": reset_code(sent_emails), "mot_de_passe": "abc", "mot_de_passe_confirmation": "abc"},
        )
        assert answer.status == 400
        assert [e["code"] for e in answer.body["erreurs"]] == [
            "mdp_lettres",
            "mdp_majuscule",
            "mdp_chiffres",
            "mdp_categories",
        ]
        assert journey_still_logs_in(api)

    def test_a_reset_clears_a_lockout(self, active, api, journey, sent_emails):
        for _ in range(5):
            journey.log_in(NIR, "Mauvais123")
        assert journey.log_in(NIR).status == 429
        api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
        body = {
            "code": reset_code(sent_emails),
            "mot_de_passe": NEW_PASSWORD,
            "mot_de_passe_confirmation": NEW_PASSWORD,
        }
        api.post("/mots-de-passe/reinitialisation", body)
        assert journey.log_in(NIR, NEW_PASSWORD).status == 201


def journey_still_logs_in(api) -> bool:
    return api.post("/sessions", {"nir": NIR, "mot_de_passe": PASSWORD}).status == 201


class TestActivationResend:
    def test_a_pending_account_gets_a_new_link_and_the_old_one_stops_working(self, journey, api, sent_emails, clock):
        old_code = journey.register()
        clock.advance(days=3)
        answer = api.post("/activations/renvoi", {"nir": NIR, "courriel": EMAIL})
        assert answer.status == 202 and answer.body == SAME_BODY
        new_code = journey.last_activation_code()
        assert new_code != old_code
        assert "mercredi 16 décembre 2026" in sent_emails()[-1].body  # the registration's own 15 days
        assert journey.activate(old_code).body["code"] == "activation_invalide"
        assert journey.activate(new_code).status == 200

    def test_the_new_link_expires_with_the_registration(self, journey, api, clock):
        journey.register()
        api.post("/activations/renvoi", {"nir": NIR, "courriel": EMAIL})
        clock.advance(days=15)
        assert journey.activate(journey.last_activation_code()).status == 410

    @pytest.mark.parametrize("state", ["active", "expired", "unknown", "wrong_email"])
    def test_anything_else_gets_the_same_answer_and_no_email(self, journey, api, sent_emails, clock, state):
        code = journey.register()
        if state == "active":
            journey.activate(code)
        if state == "expired":
            clock.advance(days=15)
        body = {
            "nir": OTHER_NIR if state == "unknown" else NIR,
            "courriel": "x@example.fr" if state == "wrong_email" else EMAIL,
        }
        answer = api.post("/activations/renvoi", body)
        assert answer.status == 202 and answer.body == SAME_BODY
        assert len(sent_emails()) == 1


class TestMailBombing:
    def test_at_most_three_activation_emails_an_hour_then_the_same_answer_and_nothing_sent(
        self, journey, api, sent_emails, clock
    ):
        journey.register()  # the first of the hour
        for _ in range(4):
            answer = api.post("/activations/renvoi", {"nir": NIR, "courriel": EMAIL})
            assert answer.status == 202 and answer.body == SAME_BODY
        assert len(sent_emails()) == 3
        clock.advance(hours=1)
        api.post("/activations/renvoi", {"nir": NIR, "courriel": EMAIL})
        assert len(sent_emails()) == 4

    def test_at_most_three_reset_emails_an_hour(self, active, api, sent_emails, clock):
        clock.advance(hours=1)  # past the registration email's hour
        for _ in range(5):
            assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).body == SAME_BODY
        assert len(sent_emails()) == 1 + 3


class SimulatedTime:
    """The monotonic clock of the recovery routes, moved only by what the application does: each
    request to AWS (DynamoDB or SES) takes `request_seconds`, each wait takes what it asks for.
    Multiples of 1/16 s: the sums are exact, so the test can say "exactly"."""

    def __init__(self, request_seconds: float = 1 / 16):
        self.now = self.work = 0.0
        self.request_seconds = request_seconds

    def __call__(self) -> float:
        return self.now

    def request(self, **_) -> None:
        self.now += self.request_seconds
        self.work += self.request_seconds

    def wait(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def simulated_time(aws, waits):
    simulated = SimulatedTime()
    dependencies.use_monotonic(simulated)

    def wait(seconds: float) -> None:
        waits.append(seconds)
        simulated.wait(seconds)

    dependencies.use_sleep(wait)
    for service in ("dynamodb", "ses"):
        dependencies.aws_client(service).meta.events.register(f"before-call.{service}.*", simulated.request)
    return simulated


def answer_in_simulated_time(api, simulated_time, waits, route, body) -> tuple[float, float, list[float]]:
    """How long the answer took from the request, how much of it was work, and the waits asked for."""
    del waits[:]
    started, work_before = simulated_time.now, simulated_time.work
    assert api.post(route, body).body == SAME_BODY
    return simulated_time.now - started, simulated_time.work - work_before, list(waits)


@pytest.mark.parametrize("route", ["/mots-de-passe/oubli", "/activations/renvoi"])
def test_recovery_answers_take_the_same_time_whoever_asks(journey, api, waits, simulated_time, route):
    """Every answer is held until the same floor: the extra work of a matching account cannot be timed.
    (tools/bench/bench_timing.py measures the real durations.)"""
    journey.register() if route == "/activations/renvoi" else journey.active_account()
    took, work, waited = {}, {}, {}
    for who, nir in {"matching": NIR, "unknown": OTHER_NIR}.items():
        body = {"nir": nir, "courriel": EMAIL}
        took[who], work[who], waited[who] = answer_in_simulated_time(api, simulated_time, waits, route, body)
    assert work["matching"] > work["unknown"] > 0  # more requests and an email for a matching account
    assert took == {"matching": RESPONSE_FLOOR_SECONDS, "unknown": RESPONSE_FLOOR_SECONDS}
    assert waited == {who: [RESPONSE_FLOOR_SECONDS - work[who]] for who in ("matching", "unknown")}


def test_the_wait_covers_what_the_work_did_not_take(active, api, waits, simulated_time):
    _, work, _ = answer_in_simulated_time(
        api, simulated_time, waits, "/mots-de-passe/oubli", {"nir": OTHER_NIR, "courriel": EMAIL}
    )
    (waited,) = waits
    assert 0.3 < waited <= 0.5
    assert waited == RESPONSE_FLOOR_SECONDS - work


@pytest.mark.parametrize("route", ["/mots-de-passe/oubli", "/activations/renvoi"])
def test_work_longer_than_the_floor_is_not_made_longer(journey, api, waits, simulated_time, route):
    journey.register() if route == "/activations/renvoi" else journey.active_account()
    simulated_time.request_seconds = RESPONSE_FLOOR_SECONDS  # a slow day: each request takes the whole floor
    took, work, waited = answer_in_simulated_time(api, simulated_time, waits, route, {"nir": NIR, "courriel": EMAIL})
    assert took == work > RESPONSE_FLOOR_SECONDS
    assert waited == []


# The reset's notice and its "fin_des_delegations" (contract §14) ---------------------------------------


@pytest.fixture
def people(journey, clock, sent_emails):
    """Jean, who has given a délégation to Marie (accepted), invited Paul (pending) and ended one."""
    jean, marie, paul = open_accounts(journey, clock, JEAN, MARIE, PAUL)

    def grant(courriel):
        body = {"courriel": courriel, "portee": "consultation", "mot_de_passe": PASSWORD}
        answer = jean.post("/titulaire/delegations", body)
        assert answer.status == 201, answer.body
        clock.advance(minutes=61)  # an invitation and its notice an hour
        jean.log_in()
        return answer.body["id"]

    active = grant(marie.courriel)
    code = link_code(emails_to(sent_emails, marie.courriel)[-1], "delegation")
    assert marie.log_in().post("/delegations/acceptation", {"code": code}).status == 200
    pending = grant(paul.courriel)
    ended = grant("ancien.conseiller@example.fr")
    assert jean.delete(f"/titulaire/delegations/{ended}").status == 204
    clock.advance(minutes=61)  # the reset link has the hour's allowance to itself
    return jean.log_in(), marie.log_in(), paul.log_in(), {"active": active, "pending": pending, "ended": ended}


def reset_with(api, sent_emails, **fields):
    assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    body = {"code": reset_code(sent_emails), "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD}
    return api.post("/mots-de-passe/reinitialisation", {**body, **fields})


class TestResetNotice:
    def test_the_holder_gets_a_notice_without_a_link(self, active, api, sent_emails, email_requests):
        assert reset_with(api, sent_emails).status == 200
        notice = email_requests[-1]
        assert notice["Destination"]["ToAddresses"] == [EMAIL]
        assert notice["Message"]["Subject"]["Data"] == "Mon Compte Formation : votre mot de passe a été réinitialisé"
        for part in (notice["Message"]["Body"]["Text"]["Data"], notice["Message"]["Body"]["Html"]["Data"]):
            assert "mardi 1er décembre 2026" in part
            assert "Toutes vos sessions ont été fermées" in part
            assert "délégation" not in part  # none was ended
            assert "Si vous n'êtes pas à l'origine de cette action" in part
            assert "http://127.0.0.1:8000/contact" in part
            assert "#c=" not in part
            assert NIR not in part and NEW_PASSWORD not in part

    def test_a_notice_ses_refuses_never_fails_the_reset(self, active, api, sent_emails, journey):
        assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
        body = {"code": reset_code(sent_emails), "mot_de_passe": NEW_PASSWORD}
        body["mot_de_passe_confirmation"] = NEW_PASSWORD
        refusing = SesRefusal(lambda params: True).install()
        assert api.post("/mots-de-passe/reinitialisation", body).status == 200
        assert refusing.refused == 1
        assert journey.log_in(NIR, NEW_PASSWORD).status == 201

    def test_the_flag_is_a_boolean(self, active, api, sent_emails):
        answer = reset_with(api, sent_emails, fin_des_delegations="oui")
        assert answer.status == 400
        assert [(e["champ"], e["code"]) for e in answer.body["erreurs"]] == [("fin_des_delegations", "type_invalide")]


class TestResetEndsEveryDelegation:
    def test_without_the_flag_the_delegations_stay(self, people, api, sent_emails):
        jean, marie, _, ids = people
        assert reset_with(api, sent_emails).status == 200
        assert [account["delegation_id"] for account in marie.get("/titulaire/comptes-delegues").body["comptes"]] == [
            ids["active"]
        ]

    def test_with_it_every_pending_or_active_one_ends_as_a_revocation_would(self, people, api, sent_emails, journey):
        jean, marie, paul, ids = people
        invitation = link_code(emails_to(sent_emails, paul.courriel)[-1], "delegation")
        answer = reset_with(api, sent_emails, fin_des_delegations=True)
        assert answer.status == 200, answer.body
        jean.token = journey.log_in(NIR, NEW_PASSWORD).body["jeton"]
        statuses = {d["id"]: d["statut"] for d in jean.get("/titulaire/delegations").body["delegations"]}
        assert statuses == {ids["active"]: "revoquee", ids["pending"]: "revoquee", ids["ended"]: "revoquee"}
        assert marie.get("/titulaire/comptes-delegues").body["comptes"] == []  # the pointer went
        gone = marie.get(f"/titulaire/comptes-delegues/{ids['active']}")
        assert (gone.status, gone.body["code"]) == (404, "delegation_introuvable")
        refused = paul.post("/delegations/acceptation", {"code": invitation})
        assert (refused.status, refused.body["code"]) == (410, "code_expire")
        events = [event["type"] for event in jean.history()]
        assert "mot_de_passe_reinitialise" in events
        assert events.count("delegation_revoquee") == 3  # the one ended before, and the two now
        notice = emails_to(sent_emails, EMAIL)[-1]
        assert "les 2 délégations que vous aviez accordées ont pris fin" in notice.body

    def test_what_the_reset_costs(self, people, api, sent_emails, dynamodb_calls):
        assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
        body = {"code": reset_code(sent_emails), "mot_de_passe": NEW_PASSWORD}
        body["mot_de_passe_confirmation"] = NEW_PASSWORD
        dynamodb_calls.clear()
        assert api.post("/mots-de-passe/reinitialisation", {**body, "fin_des_delegations": True}).status == 200
        # The link, the sessions to end, the account and its délégations, then one transaction.
        assert dynamodb_calls == ["GetItem", "Query", "Query", "TransactWriteItems"]


def test_a_reset_without_the_flag_costs(active, api, sent_emails, dynamodb_calls):
    assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    body = {"code": reset_code(sent_emails), "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD}
    dynamodb_calls.clear()
    assert api.post("/mots-de-passe/reinitialisation", body).status == 200
    # The link, the sessions to end, the account (the notice's address), then one transaction.
    assert dynamodb_calls == ["GetItem", "Query", "GetItem", "TransactWriteItems"]
