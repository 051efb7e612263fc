"""SES's delivery feedback (contract §10): each kind of message, permanent and transient bounces and
complaints, in SES's documented format inside an SNS envelope, through the function app.py
subscribes to the topic (Chalice's test client: `lambda_.invoke` on `events.generate_sns_event`).
The notifications are built from the SendEmail requests the application really made (their
configuration set and tags), as SES would publish them."""

import json
import logging

import pytest
from chalice.test import Client

from tests.helpers.accounts import link_code
from tests.helpers.api import bearer
from tests.helpers.people import EMAIL, NIR, OTHER_PERSON, PASSWORD
from tools.local.ses_feedback import FUNCTION, bounce_notification, complaint_notification, mail_object, sns_event

WRONG = "jean.dupnot@example.fr"  # one letter mistyped


@pytest.fixture
def feedback(api, email_requests):
    """Hand SES's notification about the last email sent to `address` to the function."""
    from app import app

    def send(address, event="bounce", permanent=True, message_id="0100018c-ses-message-id-000000", raw=None):
        with Client(app, stage_name="local") as client:
            if raw is not None:
                return client.lambda_.invoke(FUNCTION, client.events.generate_sns_event(raw)).payload
            request = [r for r in email_requests if r["Destination"]["ToAddresses"] == [address]][-1]
            tags = {tag["Name"]: tag["Value"] for tag in request["Tags"]}
            mail = mail_object(message_id, address, tags, request["ConfigurationSetName"])
            if event == "complaint":
                notification = complaint_notification(mail, address)
            else:
                notification = bounce_notification(mail, address, permanent)
            return client.lambda_.invoke(FUNCTION, sns_event(client, notification)).payload

    return send


def register(journey, courriel=EMAIL, nir=NIR):
    draft = journey.start()
    assert journey.identity(draft, nir=nir, courriel=courriel, courriel_confirmation=courriel).status == 200
    assert journey.password(draft).status == 201
    return journey.last_activation_code()


def problem(answer, status, code):
    assert (answer.status, answer.body["code"]) == (status, code), answer.body


# Every send -------------------------------------------------------------------------------------


def test_every_email_goes_with_the_configuration_set_and_its_kind_and_an_opaque_record_id(journey, email_requests):
    journey.active_account()
    assert journey.api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    kinds = []
    for request in email_requests:
        assert request["ConfigurationSetName"] == "mon-compte-formation"
        tags = {tag["Name"]: tag["Value"] for tag in request["Tags"]}
        assert set(tags) == {"genre", "enregistrement"}
        assert NIR not in json.dumps(request["Tags"]) and "@" not in json.dumps(request["Tags"])
        kinds.append(tags["genre"])
    assert kinds == ["activation", "reinitialisation"]


# Activation -------------------------------------------------------------------------------------


def test_an_activation_s_permanent_bounce_frees_the_nir_at_once(journey, feedback, api):
    code = register(journey, WRONG)
    assert register_again_refused(journey)
    assert feedback(WRONG) == "appliquee"
    problem(journey.activate(code), 404, "activation_invalide")
    register(journey, EMAIL)  # the same NIR, the right address: registered at once
    assert feedback(WRONG) == "deja_appliquee"  # the same notification again changes nothing


def register_again_refused(journey) -> bool:
    draft = journey.start()
    answer = journey.identity(draft)
    return answer.status == 409 and answer.body["code"] == "nir_deja_inscrit"


def test_resend_keeps_its_single_answer_after_the_release(journey, feedback, api):
    register(journey, WRONG)
    feedback(WRONG)
    answer = api.post("/activations/renvoi", {"nir": NIR, "courriel": WRONG})
    assert answer.status == 202


def test_an_active_account_is_never_touched_by_an_activation_bounce(journey, feedback, api):
    token = journey.active_account()
    assert feedback(EMAIL) == "deja_appliquee"
    assert journey.log_in(NIR).status == 201
    assert api.get("/titulaire", headers=bearer(token)).body["courriel_invalide"] is False


def test_a_transient_bounce_is_ignored(journey, feedback):
    code = register(journey, WRONG)
    assert feedback(WRONG, permanent=False) == "ignoree"
    assert journey.activate(code).status == 200


def test_a_complaint_about_an_activation_releases_nothing(journey, feedback):
    code = register(journey, WRONG)
    assert feedback(WRONG, "complaint") == "ignoree"
    assert journey.activate(code).status == 200


# An active account's address --------------------------------------------------------------------


@pytest.mark.parametrize("event", ["bounce", "complaint"])
def test_a_reset_that_bounces_or_is_complained_about_marks_the_account(journey, feedback, api, event):
    token = journey.active_account()
    assert api.get("/titulaire", headers=bearer(token)).body["courriel_invalide"] is False
    assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    assert feedback(EMAIL, event) == "appliquee"
    assert api.get("/titulaire", headers=bearer(token)).body["courriel_invalide"] is True
    assert api.get("/titulaire/informations", headers=bearer(token)).body["courriel_invalide"] is True
    assert feedback(EMAIL, event) == "deja_appliquee"


def test_a_marked_address_still_gets_what_the_person_asks_for_and_the_same_answers(
    journey, feedback, api, email_requests
):
    journey.active_account()
    api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
    feedback(EMAIL)
    before = len(email_requests)
    answer = api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
    assert answer.status == 202
    assert len(email_requests) == before + 1  # the reset is the person's own request: it goes


def test_an_email_change_skips_the_notice_to_a_marked_address_and_clears_the_mark(
    journey, feedback, api, email_requests, sent_emails, clock
):
    token = journey.active_account()
    api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
    feedback(EMAIL)
    clock.advance(seconds=3601)  # the hour's three emails
    token = journey.log_in(NIR).body["jeton"]
    new = "jean.dupont@exemple.fr"
    asked = api.post(
        "/titulaire/courriel",
        {"courriel": new, "courriel_confirmation": new, "mot_de_passe": PASSWORD},
        headers=bearer(token),
    )
    assert asked.status == 202 and asked.body["courriel_envoye"] is True
    assert [r["Destination"]["ToAddresses"] for r in email_requests[-1:]] == [[new]]  # no notice to the old one
    link = link_code(sent_emails()[-1], "courriel")
    assert api.post("/courriels/confirmation", {"code": link}).status == 200
    assert api.get("/titulaire", headers=bearer(token)).body["courriel_invalide"] is False


def test_a_late_bounce_for_a_former_address_marks_nothing(journey, feedback, api, sent_emails, clock):
    journey.active_account()
    api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
    clock.advance(seconds=3601)  # the hour's three emails
    token = journey.log_in(NIR).body["jeton"]
    new = "jean.dupont@exemple.fr"
    api.post(
        "/titulaire/courriel",
        {"courriel": new, "courriel_confirmation": new, "mot_de_passe": PASSWORD},
        headers=bearer(token),
    )
    link = link_code(sent_emails()[-2], "courriel")
    assert api.post("/courriels/confirmation", {"code": link}).status == 200
    assert feedback(EMAIL) == "deja_appliquee"  # the reset to the old address bounced after the change
    assert api.get("/titulaire", headers=bearer(token)).body["courriel_invalide"] is False


def test_the_email_change_notice_s_bounce_marks_the_account(journey, feedback, api):
    token = journey.active_account()
    new = "jean.dupont@exemple.fr"
    api.post(
        "/titulaire/courriel",
        {"courriel": new, "courriel_confirmation": new, "mot_de_passe": PASSWORD},
        headers=bearer(token),
    )
    assert feedback(EMAIL) == "appliquee"
    assert api.get("/titulaire", headers=bearer(token)).body["courriel_invalide"] is True


# The email change's link ------------------------------------------------------------------------


def test_an_email_change_link_that_bounces_is_voided(journey, feedback, api, sent_emails):
    token = journey.active_account()
    api.post(
        "/titulaire/courriel",
        {"courriel": WRONG, "courriel_confirmation": WRONG, "mot_de_passe": PASSWORD},
        headers=bearer(token),
    )
    code = link_code(sent_emails()[-2], "courriel")
    assert feedback(WRONG) == "appliquee"
    problem(api.post("/courriels/confirmation", {"code": code}), 404, "code_invalide")
    assert api.get("/titulaire", headers=bearer(token)).body["courriel_invalide"] is False
    assert feedback(WRONG) == "deja_appliquee"


# Délégations ------------------------------------------------------------------------------------


def test_a_bounced_invitation_frees_its_place_and_its_address(journey, feedback, api, sent_emails, clock):
    journey.active_account()
    invited = [f"conseil{n}@example.fr" for n in range(5)]
    for address in invited:
        clock.advance(seconds=3601)  # an invitation and its notice to the holder an hour: three emails an hour
        token = journey.log_in(NIR).body["jeton"]
        body = {"courriel": address, "portee": "consultation", "mot_de_passe": PASSWORD}
        answer = api.post("/titulaire/delegations", body, headers=bearer(token))
        assert answer.status == 201, answer.body
    clock.advance(seconds=3601)
    token = journey.log_in(NIR).body["jeton"]
    problem(
        api.post(
            "/titulaire/delegations",
            {"courriel": "aide@example.fr", "portee": "consultation", "mot_de_passe": PASSWORD},
            headers=bearer(token),
        ),
        409,
        "delegations_trop_nombreuses",
    )
    (code,) = [
        link_code(email, "delegation") for email in sent_emails() if invited[-1] in email.destinations["ToAddresses"]
    ]
    assert feedback(invited[-1]) == "appliquee"
    answer = api.get("/titulaire/delegations", headers=bearer(token))
    listed = {d["courriel"]: d["statut"] for d in answer.body["delegations"]}
    assert listed[invited[-1]] == "courriel_invalide"
    again = api.post(
        "/titulaire/delegations",
        {"courriel": invited[-1], "portee": "consultation", "mot_de_passe": PASSWORD},
        headers=bearer(token),
    )
    assert again.status == 201, again.body  # its place is free, its address may be invited again
    marie = journey.active_account(**OTHER_PERSON)
    problem(api.post("/delegations/acceptation", {"code": code}, headers=bearer(marie)), 410, "code_expire")
    assert feedback(invited[-1], message_id="autre") in ("appliquee", "deja_appliquee")


# What cannot be applied -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "pas du JSON",
        json.dumps({"eventType": "Delivery", "mail": {"messageId": "x"}, "delivery": {}}),
        json.dumps({"eventType": "Bounce", "mail": {"messageId": "x"}}),
        json.dumps(
            {
                "eventType": "Bounce",
                "mail": {"messageId": "x", "tags": {}},
                "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "a@b.fr"}]},
            }
        ),
        json.dumps(
            {
                "eventType": "Bounce",
                "mail": {"messageId": "x", "tags": {"genre": ["inconnu"], "enregistrement": ["y"]}},
                "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "a@b.fr"}]},
            }
        ),
        json.dumps([1, 2]),
    ],
)
def test_a_malformed_or_unknown_notification_is_logged_and_dropped(feedback, aws, raw, caplog):
    with caplog.at_level(logging.INFO):
        assert feedback(None, raw=raw) == "illisible"
    assert "retour_courriel" in caplog.text and "@" not in caplog.text


def test_a_notification_for_a_record_that_does_not_exist_is_dropped(feedback, aws, caplog):
    from app import app

    mail = mail_object("id-ses", "a@b.fr", {"genre": "activation", "enregistrement": "inexistant"}, "x")
    with Client(app, stage_name="local") as client, caplog.at_level(logging.INFO):
        outcome = client.lambda_.invoke(FUNCTION, sns_event(client, bounce_notification(mail, "a@b.fr"))).payload
    assert outcome == "deja_appliquee"
    assert "id-ses" in caplog.text and "a@b.fr" not in caplog.text


def test_an_identity_notification_is_read_as_well(journey, feedback, email_requests):
    """SES's older format (`notificationType`, an identity's notification topic) names the same events."""
    code = register(journey, WRONG)
    request = email_requests[-1]
    tags = {tag["Name"]: tag["Value"] for tag in request["Tags"]}
    notification = bounce_notification(mail_object("id-ses", WRONG, tags, "x"), WRONG)
    notification["notificationType"] = notification.pop("eventType")
    assert feedback(None, raw=json.dumps(notification)) == "appliquee"
    problem(journey.activate(code), 404, "activation_invalide")


def test_each_event_costs_a_read_and_a_write_never_a_search(journey, feedback, api, dynamodb_calls, clock):
    register(journey, WRONG)
    dynamodb_calls.clear()
    assert feedback(WRONG) == "appliquee"
    # The account named by the tag, the cleanup's release, the history's deletion: no Scan, no index.
    assert dynamodb_calls == ["GetItem", "TransactWriteItems", "Query", "BatchWriteItem"]
    journey.active_account()
    api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL})
    dynamodb_calls.clear()
    assert feedback(EMAIL) == "appliquee"
    assert dynamodb_calls == ["GetItem", "UpdateItem"]
    dynamodb_calls.clear()
    assert feedback(EMAIL) == "deja_appliquee"
    assert dynamodb_calls == ["GetItem"]


# Counted (contract §11: bounces and complaints by kind) ------------------------------------------


def emf_counts(text: str) -> dict:
    """The EMF metric lines' values by (metric, kind), from what the function wrote."""
    counted: dict = {}
    for entry in (json.loads(line) for line in text.splitlines() if line.startswith("{")):
        for metric in entry.get("_aws", {}).get("CloudWatchMetrics", [{}])[0].get("Metrics", []):
            key = (metric["Name"], entry.get("kind"))
            counted[key] = counted.get(key, 0) + entry[metric["Name"]]
    return counted


def test_each_permanent_bounce_and_complaint_is_counted_by_kind_and_a_transient_one_is_not(journey, feedback, capsys):
    register(journey, WRONG, nir=OTHER_PERSON["nir"])
    journey.active_account()
    assert journey.api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    capsys.readouterr()
    feedback(WRONG, permanent=False)
    feedback(WRONG)
    feedback(EMAIL, event="complaint")
    feedback("personne@example.fr", raw="pas du JSON")
    counts = emf_counts(capsys.readouterr().out)
    assert counts == {("EmailBounces", "activation"): 1, ("EmailComplaints", "reinitialisation"): 1}
