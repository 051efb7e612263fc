"""The dossiers' transitions prove the session with their own read (2 requests in all): every way a
session can be wrong still answers 401, exactly as the other routes of the holder space do."""

import pytest

from tests.helpers.api import bearer
from tests.helpers.people import NIR, OTHER_NIR
from tests.helpers.table import rights_id_of

TRANSITIONS = ("validation", "cloture")


@pytest.fixture
def dossier(holder):
    holder.set_dif(50)
    return holder.create_dossier()


def refused(answer) -> bool:
    return answer.status == 401 and answer.body["code"] == "session_invalide" and "www-authenticate" in answer.headers


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_no_token_or_a_malformed_one_is_refused_before_the_body_is_read(api, dossier, transition):
    path = f"/titulaire/dossiers/{dossier}/{transition}"
    assert refused(api.post(path, raw="not json"))
    assert refused(api.post(path, headers=bearer("x" * 66)))


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_a_logged_out_session_is_refused(api, holder, dossier, transition):
    assert api.delete("/sessions/courante", headers=bearer(holder.token)).status == 204
    assert refused(api.post(f"/titulaire/dossiers/{dossier}/{transition}", headers=bearer(holder.token)))


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_an_idle_session_is_refused(api, holder, dossier, clock, transition):
    clock.advance(minutes=31)
    assert refused(api.post(f"/titulaire/dossiers/{dossier}/{transition}", headers=bearer(holder.token)))


def test_a_token_naming_another_account_is_refused(api, holder, dossier, journey):
    other = journey.active_account(nir=OTHER_NIR, courriel="marie.martin@example.fr")
    other_account, other_rights, secret = other.split(".")
    mine, my_rights, _ = holder.token.split(".")
    # My account's id with another session's secret: the session read does not belong to it.
    assert refused(
        api.post(f"/titulaire/dossiers/{dossier}/validation", headers=bearer(f"{mine}.{other_rights}.{secret}"))
    )
    # Another session's account and secret reaching for my rights: that session names other rights.
    assert refused(api.get("/titulaire", headers=bearer(f"{other_account}.{my_rights}.{secret}")))
    # Another account's session reaching for my dossier: it is not in that account.
    answer = api.post(f"/titulaire/dossiers/{dossier}/validation", headers=bearer(other))
    assert answer.status == 404 and answer.body["code"] == "dossier_introuvable"
    assert other_account != mine


def test_a_transition_pushes_the_idle_deadline_back_like_any_call(api, holder, dossier, clock):
    clock.advance(minutes=20)
    assert api.post(f"/titulaire/dossiers/{dossier}/validation", headers=bearer(holder.token)).status == 200
    clock.advance(minutes=20)  # 40 minutes after the login, 20 after the last call
    assert api.get("/titulaire", headers=bearer(holder.token)).status == 200


def test_the_session_token_names_its_account_and_its_rights_never_the_nir(journey):
    token = journey.active_account()
    account, rights, secret = token.split(".")
    assert len(account) == 22 and len(rights) == 22 and len(secret) == 32 and len(token) <= 86
    assert rights == rights_id_of(NIR)  # the random id the NIR's item names
    assert NIR not in token
