"""Every combination of failed parts has its answer: a store write may name any subset of its
transaction's parts in a WriteConflict, and the route answers each with a refusal it documents (the
contract check of every answer says so), or with a 503 to be sent again, never with a 500. Each
write of the registration, the activation, the reset, the email change and the password change is
fed every subset of its parts."""

from itertools import combinations

import pytest

from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.store.store import Store
from tests.helpers.accounts import JEAN, emails_to, link_code, open_accounts
from tests.helpers.api import bearer
from tests.helpers.people import EMAIL, NEW_PASSWORD, NIR, PASSWORD

SERVICE_UNAVAILABLE = 503


def every_subset(parts: tuple[Part, ...]) -> list[set[Part]]:
    return [set(subset) for size in range(1, len(parts) + 1) for subset in combinations(parts, size)]


def named(failed: set[Part]) -> str:
    """A test id that every worker computes alike (a set's order depends on the process's hash seed)."""
    return "+".join(sorted(failed))


def refusing(monkeypatch, method: str, failed: set[Part]) -> None:
    """The store's `method` now meets a conflict on `failed`, whatever it is asked."""

    def refuse(*_args, **_kwargs):
        raise WriteConflict(failed)

    monkeypatch.setattr(Store, method, refuse)


def answered(answer) -> tuple[int, str]:
    assert answer.status != 500, answer.body
    assert answer.status >= 400 and answer.body["detail"], answer.body
    return answer.status, answer.body["code"]


# The parts each store write names, as its transaction does (chalicelib/store).
IDENTITY_PARTS = (Part.CAPTCHA, Part.NIR, Part.EMAIL, Part.DRAFT)
PENDING_ACCOUNT_PARTS = (Part.NIR, Part.EMAIL, Part.ACCOUNT, Part.EVENT, Part.DRAFT)
ACTIVATION_PARTS = (Part.ACTIVATION, Part.ACCOUNT, Part.NIR, Part.EMAIL, Part.REGISTRATION_EVENT, Part.EVENT)


@pytest.mark.parametrize("failed", every_subset(IDENTITY_PARTS), ids=named)
def test_the_identity_step_answers_every_conflict(journey, monkeypatch, failed):
    draft_id = journey.start()
    refusing(monkeypatch, "save_identity", failed)
    status, code = answered(journey.identity(draft_id))
    if Part.DRAFT not in failed and Part.CAPTCHA not in failed:
        assert code == ("nir_deja_inscrit" if Part.NIR in failed else "courriel_deja_utilise")


@pytest.mark.parametrize("failed", every_subset(PENDING_ACCOUNT_PARTS), ids=named)
def test_the_password_step_answers_every_conflict(journey, monkeypatch, failed):
    draft_id = journey.start()
    assert journey.identity(draft_id).status == 200
    refusing(monkeypatch, "create_pending_account", failed)
    status, code = answered(journey.password(draft_id))
    if failed <= {Part.ACCOUNT, Part.EVENT}:  # no refusal of the person's: a conflict to send again
        assert status == SERVICE_UNAVAILABLE
    elif Part.DRAFT not in failed:
        assert code == ("nir_deja_inscrit" if Part.NIR in failed else "courriel_deja_utilise")


def test_both_reservations_taken_name_both_fields(journey, monkeypatch):
    draft_id = journey.start()
    assert journey.identity(draft_id).status == 200
    refusing(monkeypatch, "create_pending_account", {Part.NIR, Part.EMAIL})
    answer = journey.password(draft_id)
    assert (answer.status, answer.body["code"]) == (409, "nir_deja_inscrit")
    assert {error["champ"] for error in answer.body["erreurs"]} == {"nir", "courriel"}


@pytest.mark.parametrize("failed", every_subset(ACTIVATION_PARTS), ids=named)
def test_the_activation_answers_every_conflict(journey, monkeypatch, failed):
    code = journey.register()
    refusing(monkeypatch, "activate_account", failed)
    status, _ = answered(journey.activate(code))
    assert status in (404, 409, 410)


RESET_PARTS = (Part.RESET, Part.ACCOUNT, Part.NIR, Part.ATTEMPTS, Part.EVENT)
EMAIL_CHANGE_PARTS = (Part.EMAIL_CHANGE, Part.ACCOUNT, Part.EMAIL, Part.OLD_EMAIL, Part.EVENT)
PASSWORD_CHANGE_PARTS = (Part.NIR, Part.EVENT, Part.SESSION, Part.POINTER)


@pytest.mark.parametrize("failed", every_subset(RESET_PARTS), ids=named)
def test_the_password_reset_answers_every_conflict(api, journey, sent_emails, monkeypatch, failed):
    journey.active_account()
    assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    code = link_code(sent_emails()[-1], "reinitialisation")
    refusing(monkeypatch, "reset_password", failed)
    body = {"code": code, "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD}
    status, _ = answered(api.post("/mots-de-passe/reinitialisation", body))
    assert status in (404, 410)


# With "fin_des_delegations", each délégation's revocation joins the reset's transaction.
RESET_ENDING_DELEGATIONS_PARTS = (Part.RESET, Part.ACCOUNT, Part.DELEGATION, Part.COPY, Part.INVITATION, Part.POINTER)


@pytest.mark.parametrize("failed", every_subset(RESET_ENDING_DELEGATIONS_PARTS), ids=named)
def test_the_reset_ending_the_delegations_answers_every_conflict(api, journey, sent_emails, monkeypatch, failed):
    journey.active_account()
    assert api.post("/mots-de-passe/oubli", {"nir": NIR, "courriel": EMAIL}).status == 202
    code = link_code(sent_emails()[-1], "reinitialisation")
    refusing(monkeypatch, "reset_password", failed)
    body = {"code": code, "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD}
    status, answer_code = answered(api.post("/mots-de-passe/reinitialisation", {**body, "fin_des_delegations": True}))
    if failed & {Part.RESET, Part.ACCOUNT} or not failed & {Part.DELEGATION, Part.COPY, Part.INVITATION}:
        assert status in (404, 410)
    else:  # a délégation that keeps changing under the reset: read again, then "try again"
        assert (status, answer_code) == (409, "demande_concurrente")


@pytest.mark.parametrize("failed", every_subset(EMAIL_CHANGE_PARTS), ids=named)
def test_the_email_change_answers_every_conflict(api, journey, clock, sent_emails, monkeypatch, failed):
    (jean,) = open_accounts(journey, clock, JEAN)
    new = "jean.nouveau@example.org"
    asked = {"courriel": new, "courriel_confirmation": new, "mot_de_passe": PASSWORD}
    assert jean.post("/titulaire/courriel", asked).status == 202
    code = link_code(emails_to(sent_emails, new)[-1], "courriel")
    refusing(monkeypatch, "change_email", failed)
    status, code = answered(api.post("/courriels/confirmation", {"code": code}))
    if Part.EMAIL_CHANGE not in failed and Part.EMAIL in failed:
        assert (status, code) == (409, "courriel_deja_utilise")


@pytest.mark.parametrize("failed", every_subset(PASSWORD_CHANGE_PARTS), ids=named)
def test_the_password_change_answers_every_conflict(api, journey, monkeypatch, failed):
    token = journey.active_account()
    refusing(monkeypatch, "change_password", failed)
    body = {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    status, _ = answered(api.put("/titulaire/mot-de-passe", body, headers=bearer(token)))
    assert status == 400
