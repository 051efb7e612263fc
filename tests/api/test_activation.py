"""Registration, the activation: its email, and the link that works once within 15 days, through the API."""

import base64
import secrets

import pytest

from chalicelib.domain import tokens
from tests.helpers.people import EMAIL, NIR, OTHER_NIR, PASSWORD

DAY = 24 * 3600


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
            assert f"http://127.0.0.1:8000/activation#c={code}" in part
            assert "15 jours" in part
            assert "mercredi 16 décembre 2026 à 10 h 00" in part  # 15 days after 09:00 UTC, at Paris time
            assert "une seule fois" in part
            assert "si vous n'êtes pas à l'origine de cette action" in part.lower()
            assert "http://127.0.0.1:8000/contact" in part
            assert NIR not in part and PASSWORD not in part

    def test_its_delay_is_the_setting_s_in_words(self, journey, sent_emails, monkeypatch):
        monkeypatch.setenv("ACTIVATION_TTL_SECONDS", str(2 * DAY + 12 * 3600))
        journey.register()
        text = sent_emails()[-1].body
        assert "un délai de <strong>2 jours et 12 heures</strong> à compter de votre inscription" in text
        assert "15 jours" not in text
        assert "jeudi 3 décembre 2026 à 22 h 00" in text  # 60 hours after 09:00 UTC, at Paris time

    def test_the_code_is_in_the_fragment_never_in_the_query_string(self, journey, sent_emails):
        code = journey.register()
        text = sent_emails()[-1].body
        assert f"/activation#c={code}" in text
        assert "?" not in text.split("/activation", 1)[1].split("#", 1)[0]

    def test_the_links_follow_public_base_url_and_contact_url(self, journey, sent_emails, monkeypatch):
        monkeypatch.setenv("PUBLIC_BASE_URL", "https://www.moncompteformation.gouv.fr")
        monkeypatch.setenv("CONTACT_URL", "https://www.moncompteformation.gouv.fr/contact")
        code = journey.register()
        text = sent_emails()[-1].body
        assert f"https://www.moncompteformation.gouv.fr/activation#c={code}" in text
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


class TestActivationRequests:
    """The code is the token's bare secret: activation reads the token (which names the records it
    activates) and writes them in one transaction; a refusal is told by the token read."""

    def test_the_code_is_a_bare_secret_that_names_nobody(self, journey):
        code = journey.register()
        assert tokens.is_well_formed_token(code) and len(code) == 43
        assert NIR not in code and "dupont" not in code.lower()

    def test_the_success_is_a_read_and_one_transaction(self, journey, dynamodb_calls):
        code = journey.register()
        dynamodb_calls.clear()
        assert journey.activate(code).status == 200
        assert dynamodb_calls == ["GetItem", "TransactWriteItems"]

    def test_used_and_expired_codes_are_told_by_the_read_alone(self, journey, clock, dynamodb_calls):
        used = journey.register()
        journey.activate(used)
        expired = journey.register(nir=OTHER_NIR, courriel="marie@example.fr")
        clock.advance(days=15)
        for code, status, problem in ((used, 409, "compte_deja_active"), (expired, 410, "activation_expiree")):
            dynamodb_calls.clear()
            answer = journey.activate(code)
            assert (answer.status, answer.body["code"]) == (status, problem)
            assert dynamodb_calls == ["GetItem"]

    def test_a_code_replaced_by_a_new_link_is_unknown(self, journey, api, sent_emails):
        first = journey.register()
        assert api.post("/activations/renvoi", {"nir": NIR, "courriel": EMAIL}).status == 202
        second = journey.last_activation_code()
        assert second != first
        assert journey.activate(first).status == 404
        assert journey.activate(second).status == 200

    def test_a_code_changed_by_one_character_is_unknown(self, journey, dynamodb_calls):
        code = journey.register()
        forged = code[:20] + ("A" if code[20] != "A" else "B") + code[21:]
        dynamodb_calls.clear()
        answer = journey.activate(forged)
        assert answer.status == 404 and answer.body["code"] == "activation_invalide"
        assert dynamodb_calls == ["GetItem"]

    @pytest.mark.parametrize("junk", ["", "x" * 42, "../../etc", "é" * 43])
    def test_what_is_no_code_is_unknown_without_a_request(self, journey, dynamodb_calls, junk):
        dynamodb_calls.clear()
        answer = journey.activate(junk)
        assert answer.status in (400, 404) and dynamodb_calls == []

    def test_a_link_mailed_before_codes_were_bare_secrets_still_works(self, journey, dynamodb_calls):
        """Its code was the secret followed by records sealed for the server: the secret suffices."""
        secret = journey.register()
        sealed_records = secrets.token_bytes(120)  # what it carried after the secret, never opened
        raw = base64.urlsafe_b64decode(secret + "=") + sealed_records
        legacy = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        dynamodb_calls.clear()
        assert journey.activate(legacy).status == 200
        assert dynamodb_calls == ["GetItem", "TransactWriteItems"]
