"""A verified registration beats an unverified holder (contract §14), through the API.

A squatter registers Jean's NIR (printed on every payslip) with their own address, enters hours,
validates a dossier and grants a délégation. Jean registers through FranceConnect, which vouches for
him: at his password step his verified account takes the NIR over, and the squatter's account is
closed in the same transaction.
"""

import pytest

from chalicelib.store import keys
from tests.api.test_delegations_api import accept, dossier, grant, invitation_code
from tests.helpers import table
from tests.helpers.accounts import MARIE, emails_to, link_code, open_accounts
from tests.helpers.api import bearer
from tests.helpers.oidc_provider import JEAN
from tests.helpers.people import NEW_PASSWORD, NIR, PASSWORD, identity

RETURN = "/franceconnect/retour"
SQUATTER = {"nir": NIR, "courriel": "squatteur@example.fr", "prenom": "Sam", "nom_naissance": "Usurpe"}
JEAN_EMAIL = "jean.dupont@example.fr"
JEAN_PASSWORD = NEW_PASSWORD  # the squatter's is PASSWORD
CLOSED = "Compte fermé : le numéro de sécurité sociale a été repris par une inscription vérifiée avec FranceConnect."


def verified_draft(api, franceconnect, journey, person=JEAN) -> str:
    """A draft through FranceConnect's registration path, its identity step done (Jean's NIR)."""
    draft = journey.start()
    started = api.post(f"/inscriptions/{draft}/franceconnect")
    assert started.status == 201, started.body
    code, state = franceconnect.authorize(started.body["url"], person)
    assert api.post(RETURN, {"code": code, "state": state}).status == 200
    identity = journey.identity(draft, courriel=JEAN_EMAIL)
    assert identity.status == 200, identity.body
    return draft


def jean_registers_with_franceconnect(api, franceconnect, journey) -> str:
    """Jean's verified registration, activated and logged in: his session token."""
    answer = journey.password(verified_draft(api, franceconnect, journey), JEAN_PASSWORD)
    assert answer.status == 201, answer.body
    assert journey.activate(journey.last_activation_code()).status == 200
    logged_in = journey.log_in(NIR, JEAN_PASSWORD)
    assert logged_in.status == 201, logged_in.body
    return logged_in.body["jeton"]


def problem(answer, status, code):
    assert (answer.status, answer.body["code"]) == (status, code), answer.body


@pytest.fixture
def squatter_and_marie(journey, clock):
    return open_accounts(journey, clock, SQUATTER, MARIE)


class TestASquatterLosesTheNir:
    def test_the_squatter_s_session_password_and_delegation_end_and_jean_holds_the_nir(
        self, api, franceconnect, journey, squatter_and_marie, sent_emails
    ):
        squatter, marie = squatter_and_marie
        squatter_id = table.account_id_of(NIR)
        assert squatter.put("/titulaire/heures/dif", {"solde_dif": 50}).status == 200
        validated = dossier(squatter, 20)
        assert squatter.post(f"/titulaire/dossiers/{validated}/validation").status == 200
        drafted = dossier(squatter, 5)
        granted = grant(squatter, marie.courriel)
        assert granted.status == 201, granted.body
        assert accept(marie, invitation_code(sent_emails, marie.courriel)).status == 200
        delegation = granted.body["id"]
        assert marie.get(f"/titulaire/comptes-delegues/{delegation}").status == 200

        jean = jean_registers_with_franceconnect(api, franceconnect, journey)

        # The squatter's session and password stop working; the delegate's access ends.
        problem(squatter.get("/titulaire"), 401, "session_invalide")
        problem(journey.log_in(NIR, PASSWORD), 401, "identifiants_invalides")
        problem(marie.get(f"/titulaire/comptes-delegues/{delegation}"), 404, "delegation_introuvable")
        assert marie.get("/titulaire/comptes-delegues").body["comptes"] == []
        # Jean sees the NIR's hours, whole: the validated dossier's 20 hours are free again.
        synthesis = api.get("/titulaire", headers=bearer(jean)).body
        assert synthesis["identite_verifiee"] is True
        assert (synthesis["prenom"], synthesis["nom_naissance"]) == ("Jean", "DUPONT")
        hours = api.get("/titulaire/heures", headers=bearer(jean)).body
        assert (hours["solde_dif"], hours["heures_dif_reservees"], hours["heures_libres"]) == (50, 0, 50)
        assert api.get("/titulaire/dossiers", headers=bearer(jean)).body["dossiers"] == []  # the squatter's stay
        # The squatter's address got the notice: what happened, no link, the contact page.
        (notice,) = [email for email in emails_to(sent_emails, SQUATTER["courriel"]) if "fermé" in email.subject]
        assert "FranceConnect" in notice.body and "/contact" in notice.body and "#c=" not in notice.body
        assert NIR not in notice.body
        # Its account is closed, its history says why; its dossiers not closed are cancelled.
        account = table.record(keys.account_key(squatter_id))
        assert account["statut"] == "clos" and account["ferme_le"]
        events = [keys.from_attributes(e) for e in table.partition(keys.account_partition(squatter_id), "EVENEMENT#")]
        assert CLOSED in [event["detail"] for event in events]
        assert table.record(keys.dossier_key(squatter_id, validated))["statut"] == "annule"
        assert table.record(keys.dossier_key(squatter_id, drafted))["statut"] == "annule"

    def test_a_pending_squatter_is_closed_likewise_and_its_link_activates_nothing(
        self, api, franceconnect, journey, sent_emails
    ):
        code = journey.register(**SQUATTER)
        jean = jean_registers_with_franceconnect(api, franceconnect, journey)
        problem(journey.activate(code), 410, "activation_expiree")  # the squatter's link activates nothing
        problem(journey.log_in(NIR, PASSWORD), 401, "identifiants_invalides")
        assert api.get("/titulaire", headers=bearer(jean)).body["identite_verifiee"] is True
        assert [email for email in emails_to(sent_emails, SQUATTER["courriel"]) if "fermé" in email.subject]

    def test_a_pending_squatter_who_typed_jean_s_own_address_loses_both(self, api, franceconnect, journey, sent_emails):
        journey.register(**{**SQUATTER, "courriel": JEAN_EMAIL})  # never activated: Jean's mailbox is his
        squatter_id = table.account_id_of(NIR)
        jean = jean_registers_with_franceconnect(api, franceconnect, journey)
        assert api.get("/titulaire/informations", headers=bearer(jean)).body["courriel"] == JEAN_EMAIL
        assert table.record(keys.account_key(squatter_id))["statut"] == "clos"
        assert table.record(keys.email_key(JEAN_EMAIL))["compte_id"] != squatter_id
        assert not [email for email in sent_emails() if "fermé" in email.subject]  # Jean is told nothing wrong

    def test_the_squatter_s_address_may_register_again_at_once(self, api, franceconnect, journey, clock):
        journey.register(**SQUATTER)
        jean_registers_with_franceconnect(api, franceconnect, journey)
        clock.advance(hours=1)  # the hour's email allowance is spent by then anyway
        other = {"nir": "292016912304592", "courriel": SQUATTER["courriel"], "civilite": "MME"}
        draft = journey.start()
        assert journey.identity(draft, **other).status == 200  # its reservation was released

    def test_a_login_of_the_squatter_after_the_takeover_is_refused_like_a_wrong_password(
        self, api, franceconnect, journey, squatter_and_marie
    ):
        squatter, _ = squatter_and_marie
        jean_registers_with_franceconnect(api, franceconnect, journey)
        problem(journey.log_in(NIR, PASSWORD), 401, "identifiants_invalides")

    def test_what_does_not_fit_in_one_transaction_is_done_right_after(
        self, api, franceconnect, journey, squatter_and_marie, dynamodb_calls
    ):
        squatter, _ = squatter_and_marie
        squatter_id = table.account_id_of(NIR)
        tokens = [journey.log_in(NIR, PASSWORD).body["jeton"] for _ in range(45)]  # 46 sessions: 92 items
        assert squatter.put("/titulaire/heures/dif", {"solde_dif": 100}).status == 200
        drafted = [dossier(squatter, 2) for _ in range(8)]
        dynamodb_calls.clear()
        jean = jean_registers_with_franceconnect(api, franceconnect, journey)
        assert dynamodb_calls.count("BatchWriteItem") >= 1  # the sessions left over
        for token in [squatter.token, *tokens]:
            problem(api.get("/titulaire", headers=bearer(token)), 401, "session_invalide")
        assert table.partition(keys.account_partition(squatter_id), "SESSION#") == []
        assert {table.record(keys.dossier_key(squatter_id, d))["statut"] for d in drafted} == {"annule"}
        assert api.get("/titulaire/heures", headers=bearer(jean)).body["heures_libres"] == 100

    def test_a_reset_link_the_squatter_asked_for_before_changes_nothing(
        self, api, franceconnect, journey, squatter_and_marie, sent_emails
    ):
        assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": SQUATTER["courriel"]}).status == 202
        code = link_code(emails_to(sent_emails, SQUATTER["courriel"])[-1], "reinitialisation")
        jean_registers_with_franceconnect(api, franceconnect, journey)
        body = {"code": code, "mot_de_passe": PASSWORD, "mot_de_passe_confirmation": PASSWORD}
        problem(api.post("/mots-de-passe/reinitialisation", body), 404, "code_invalide")
        assert journey.log_in(NIR, JEAN_PASSWORD).status == 201


class TestAVerifiedHolderKeepsTheNir:
    def test_a_verified_registration_for_a_verified_holder_s_nir_is_409(self, api, franceconnect, journey):
        token = journey.active_account(courriel="jean.verifie@example.fr")
        started = api.post("/titulaire/identite/franceconnect", headers=bearer(token))
        code, state = franceconnect.authorize(started.body["url"])
        assert api.post(RETURN, {"code": code, "state": state}, headers=bearer(token)).status == 200
        # Someone else, verified with another identity born the same day in the same place.
        twin = {**JEAN, "sub": "sub-jumeau"}
        draft = journey.start()
        code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"], twin)
        assert api.post(RETURN, {"code": code, "state": state}).status == 200
        problem(journey.identity(draft, courriel=JEAN_EMAIL), 409, "nir_deja_inscrit")
        assert api.get("/titulaire", headers=bearer(token)).status == 200  # the holder's session stands

    def test_an_unverified_draft_still_meets_409_for_a_held_nir(self, journey):
        journey.register(**SQUATTER)
        problem(journey.identity(journey.start(), courriel=JEAN_EMAIL), 409, "nir_deja_inscrit")


def test_ses_refusing_the_notice_never_fails_the_registration(api, franceconnect, journey, monkeypatch):
    from chalicelib.domain.errors import DeliveryFailed
    from chalicelib.mailer import SesMailer

    journey.register(**SQUATTER)

    def refuse(self, recipient, *, record_id):
        raise DeliveryFailed("MessageRejected")

    monkeypatch.setattr(SesMailer, "send_account_closed_notice", refuse)
    answer = journey.password(verified_draft(api, franceconnect, journey))
    assert answer.status == 201, answer.body


class TestRequests:
    """What the identity and password steps of a verified draft cost (docs/requests-per-route.md)."""

    # the NIR held: the identity step's transaction refused; the draft (verified?), the holder
    # (credentials and rights id, then its partition up to the history, then its sessions' pointers),
    # then the identity step again without the NIR's condition
    HELD_IDENTITY = ["TransactWriteItems", "GetItem", "BatchGetItem", "Query", "Query", "TransactWriteItems"]
    # the draft; the plain transaction refused on the NIR; the holder read (as above); then the
    # new account and the closure in one transaction
    TAKEOVER = ["GetItem", "TransactWriteItems", "BatchGetItem", "Query", "Query", "TransactWriteItems"]

    def test_a_verified_draft_for_a_free_nir_costs_the_journey_s_two(self, api, franceconnect, journey, dynamodb_calls):
        draft = verified_draft(api, franceconnect, journey)
        dynamodb_calls.clear()
        assert journey.password(draft, JEAN_PASSWORD).status == 201
        assert dynamodb_calls == ["GetItem", "TransactWriteItems"]

    def test_taking_a_nir_over_costs_six_at_each_step(self, api, franceconnect, journey, dynamodb_calls, clock):
        squatter, marie = open_accounts(journey, clock, SQUATTER, MARIE)
        assert grant(squatter, marie.courriel).status == 201
        draft = journey.start()
        code, state = franceconnect.authorize(api.post(f"/inscriptions/{draft}/franceconnect").body["url"])
        assert api.post(RETURN, {"code": code, "state": state}).status == 200
        captcha_id, solution = journey.captcha()
        body = {**identity(courriel=JEAN_EMAIL), "captcha_id": captcha_id, "captcha_reponse": solution}
        dynamodb_calls.clear()
        assert api.put(f"/inscriptions/{draft}/identite", body).status == 200
        assert dynamodb_calls == self.HELD_IDENTITY
        dynamodb_calls.clear()
        assert journey.password(draft, JEAN_PASSWORD).status == 201
        assert dynamodb_calls == self.TAKEOVER
