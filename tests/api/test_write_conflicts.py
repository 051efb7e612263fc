"""Every combination of failed parts has its answer: a store write may name any subset of its
transaction's parts in a WriteConflict, and the route answers each with a refusal it documents (the
contract check of every answer says so), or with a 503 to be sent again, never with a 500."""

from itertools import combinations

import pytest

from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.store.store import Store

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
