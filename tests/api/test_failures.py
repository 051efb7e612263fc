"""Failures lose nothing (contract §9), for every write path of the journey, the holder space, the
email change and the délégations, through the API on moto:

- DynamoDB failing (throttled, or out of reach) at each request of a route in turn: the answer is
  503 `service_indisponible` with Retry-After, the table is as it was (a transaction or nothing),
  and the very same request afterwards gets the success it would have had;
- the reply of each request lost once (the write lands, the SDK sends it again and meets its own
  effect): the person still gets that success, never a 409 against themselves nor a 500;
- SES failing: the routes that send say so or answer as always, and nothing is half-written.

Each scenario prepares its people once (registration, activation, login...); every failure point
then starts from that very state, the table put back as it was prepared (with its clock unmoved)."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.helpers import table as table_reads
from tests.helpers.api import bearer
from tests.helpers.faults import THROTTLED, DynamoDBFaults, SesFailure
from tests.helpers.people import NEW_PASSWORD, PASSWORD, identity, make_nir
from tests.helpers.verification import verify_identity

_people = itertools.count(1)


def person() -> dict:
    n = next(_people)
    return {"nir": make_nir(f"18405751{n:05d}"), "courriel": f"personne.{n}@example.fr"}


@dataclass
class Context:
    api: object
    journey: object
    clock: object
    sent_emails: Callable

    def accounts(self, count: int) -> list[tuple[dict, dict]]:
        """Logged-in holders: (who, their authentication headers) each. An hour passes between the
        registrations and the logins, so that the registration emails leave the hour's allowance."""
        people = [person() for _ in range(count)]
        for who in people:
            assert self.journey.activate(self.journey.register(**who)).status == 200
        self.clock.advance(hours=1)
        logged_in = []
        for who in people:
            session = self.journey.log_in(who["nir"])
            assert session.status == 201, session.body
            logged_in.append((who, bearer(session.body["jeton"])))
        return logged_in

    def account(self) -> tuple[dict, dict]:
        return self.accounts(1)[0]

    def link_code(self, page: str) -> str:
        """The code of the newest email's /<page>#c= link."""
        import re

        found = (re.search(rf"/{page}#c=([A-Za-z0-9_-]+)", email.body) for email in reversed(self.sent_emails()))
        return next(match for match in found if match).group(1)


@dataclass(frozen=True)
class Scenario:
    name: str
    prepare: Callable[[Context], Callable]  # returns `send`, which makes the request
    status: int  # what `send` answers when nothing fails


def _start(ctx):
    version = ctx.api.get("/cgu").body["version"]
    return lambda: ctx.api.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version})


def _identity(ctx):
    draft_id = ctx.journey.start()
    captcha_id, solution = ctx.journey.captcha()
    body = {**identity(**person()), "captcha_id": captcha_id, "captcha_reponse": solution}
    return lambda: ctx.api.put(f"/inscriptions/{draft_id}/identite", body)


def _password(ctx):
    draft_id = ctx.journey.start()
    assert ctx.journey.identity(draft_id, **person()).status == 200
    return lambda: ctx.journey.password(draft_id)


def _activation(ctx):
    code = ctx.journey.register(**person())
    return lambda: ctx.journey.activate(code)


def _log_in(ctx, password=PASSWORD):
    who = person()
    assert ctx.journey.activate(ctx.journey.register(**who)).status == 200
    return lambda: ctx.journey.log_in(who["nir"], password)


def _log_out(ctx):
    _, auth = ctx.account()
    return lambda: ctx.api.delete("/sessions/courante", headers=auth)


def _cancel(ctx):
    draft_id = ctx.journey.start()
    return lambda: ctx.api.delete(f"/inscriptions/{draft_id}")


def _resend(ctx):
    who = person()
    ctx.journey.register(**who)
    return lambda: ctx.api.post("/activations/renvoi", who)


def _forgotten(ctx):
    who, _ = ctx.account()
    return lambda: ctx.api.post("/mots-de-passe/oubli", who)


def _reset(ctx):
    who, _ = ctx.account()
    assert ctx.api.post("/mots-de-passe/oubli", who).status == 202
    body = {
        "code": ctx.link_code("reinitialisation"),
        "mot_de_passe": NEW_PASSWORD,
        "mot_de_passe_confirmation": NEW_PASSWORD,
    }
    return lambda: ctx.api.post("/mots-de-passe/reinitialisation", body)


def _dif(ctx):
    _, auth = ctx.account()
    return lambda: ctx.api.put("/titulaire/heures/dif", {"solde_dif": 40}, headers=auth)


def _holder_with_dif(ctx) -> dict:
    _, auth = ctx.account()
    assert ctx.api.put("/titulaire/heures/dif", {"solde_dif": 40}, headers=auth).status == 200
    return auth


DOSSIER = {"intitule": "Comptabilité", "organisme": "Centre de formation", "heures": 30}


def _create_dossier(ctx):
    auth = _holder_with_dif(ctx)
    return lambda: ctx.api.post("/titulaire/dossiers", DOSSIER, headers=auth)


def _dossier(ctx, validated=False) -> tuple[dict, str]:
    auth = _holder_with_dif(ctx)
    dossier_id = ctx.api.post("/titulaire/dossiers", DOSSIER, headers=auth).body["id"]
    if validated:
        assert ctx.api.post(f"/titulaire/dossiers/{dossier_id}/validation", headers=auth).status == 200
    return auth, dossier_id


def _validate(ctx):
    auth, dossier_id = _dossier(ctx)
    return lambda: ctx.api.post(f"/titulaire/dossiers/{dossier_id}/validation", headers=auth)


def _close(ctx):
    auth, dossier_id = _dossier(ctx, validated=True)
    return lambda: ctx.api.post(f"/titulaire/dossiers/{dossier_id}/cloture", headers=auth)


def _informations(ctx):
    _, auth = ctx.account()
    return lambda: ctx.api.patch("/titulaire/informations", {"prenom": "Jacques"}, headers=auth)


def _change_password(ctx):
    _, auth = ctx.account()
    body = {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    return lambda: ctx.api.put("/titulaire/mot-de-passe", body, headers=auth)


def _email_change_body(who) -> dict:
    new = who["courriel"].replace("@example.fr", "@example.org")
    return {"courriel": new, "courriel_confirmation": new, "mot_de_passe": PASSWORD}


def _request_email_change(ctx):
    who, auth = ctx.account()
    return lambda: ctx.api.post("/titulaire/courriel", _email_change_body(who), headers=auth)


def _confirm_email_change(ctx):
    who, auth = ctx.account()
    assert ctx.api.post("/titulaire/courriel", _email_change_body(who), headers=auth).status == 202
    code = ctx.link_code("courriel")
    return lambda: ctx.api.post("/courriels/confirmation", {"code": code})


def _reset_ending_delegations(ctx):
    """A reset with `fin_des_delegations`, the holder's délégation active (its revocation joins the reset)."""
    (delegate, delegate_auth), (holder, holder_auth) = ctx.accounts(2)
    body = {"courriel": delegate["courriel"], "portee": "consultation", "mot_de_passe": PASSWORD}
    assert ctx.api.post("/titulaire/delegations", body, headers=holder_auth).status == 201
    code = ctx.link_code("delegation")
    assert ctx.api.post("/delegations/acceptation", {"code": code}, headers=delegate_auth).status == 200
    assert ctx.api.post("/mots-de-passe/oubli", {"nir": holder["nir"], "courriel": holder["courriel"]}).status == 202
    body = {
        "code": ctx.link_code("reinitialisation"),
        "mot_de_passe": NEW_PASSWORD,
        "mot_de_passe_confirmation": NEW_PASSWORD,
        "fin_des_delegations": True,
    }
    return lambda: ctx.api.post("/mots-de-passe/reinitialisation", body)


def _grant(ctx, portee="consultation") -> tuple[dict, dict, str]:
    (delegate, delegate_auth), (holder, holder_auth) = ctx.accounts(2)
    verify_identity(holder["nir"])  # a `gestion` délégation needs it
    body = {"courriel": delegate["courriel"], "portee": portee, "mot_de_passe": PASSWORD}
    granted = ctx.api.post("/titulaire/delegations", body, headers=holder_auth)
    assert granted.status == 201, granted.body
    return holder_auth, delegate_auth, granted.body["id"]


def _give_delegation(ctx):
    (delegate, _), (holder, auth) = ctx.accounts(2)
    verify_identity(holder["nir"])
    body = {"courriel": delegate["courriel"], "portee": "gestion", "mot_de_passe": PASSWORD}
    return lambda: ctx.api.post("/titulaire/delegations", body, headers=auth)


def _revoke(ctx):
    holder_auth, _, delegation_id = _grant(ctx)
    return lambda: ctx.api.delete(f"/titulaire/delegations/{delegation_id}", headers=holder_auth)


def _accept(ctx):
    _, delegate_auth, _ = _grant(ctx)
    code = ctx.link_code("delegation")
    return lambda: ctx.api.post("/delegations/acceptation", {"code": code}, headers=delegate_auth)


def _delegate_dossier(ctx):
    holder_auth, delegate_auth, delegation_id = _grant(ctx, "gestion")
    assert (
        ctx.api.post("/delegations/acceptation", {"code": ctx.link_code("delegation")}, headers=delegate_auth).status
        == 200
    )
    assert ctx.api.put("/titulaire/heures/dif", {"solde_dif": 40}, headers=holder_auth).status == 200
    path = f"/titulaire/comptes-delegues/{delegation_id}/dossiers"
    return lambda: ctx.api.post(path, DOSSIER, headers=delegate_auth)


SCENARIOS = [
    # POST /inscriptions makes no DynamoDB request (its draft is its id): see the test after these.
    Scenario("PUT /inscriptions/{id}/identite", _identity, 200),
    Scenario("PUT /inscriptions/{id}/mot-de-passe", _password, 201),
    Scenario("DELETE /inscriptions/{id}", _cancel, 204),
    Scenario("POST /activations", _activation, 200),
    Scenario("POST /sessions", _log_in, 201),
    Scenario("POST /sessions (wrong password)", lambda ctx: _log_in(ctx, "Mauvais123!"), 401),
    Scenario("DELETE /sessions/courante", _log_out, 204),
    Scenario("POST /activations/renvoi", _resend, 202),
    Scenario("POST /mots-de-passe/oubli", _forgotten, 202),
    Scenario("POST /mots-de-passe/reinitialisation", _reset, 200),
    Scenario("POST /mots-de-passe/reinitialisation (fin_des_delegations)", _reset_ending_delegations, 200),
    Scenario("PUT /titulaire/heures/dif", _dif, 200),
    Scenario("POST /titulaire/dossiers", _create_dossier, 201),
    Scenario("POST /titulaire/dossiers/{id}/validation", _validate, 200),
    Scenario("POST /titulaire/dossiers/{id}/cloture", _close, 200),
    Scenario("PATCH /titulaire/informations", _informations, 200),
    Scenario("PUT /titulaire/mot-de-passe", _change_password, 200),
    Scenario("POST /titulaire/courriel", _request_email_change, 202),
    Scenario("POST /courriels/confirmation", _confirm_email_change, 200),
    Scenario("POST /titulaire/delegations", _give_delegation, 201),
    Scenario("DELETE /titulaire/delegations/{id}", _revoke, 204),
    Scenario("POST /delegations/acceptation", _accept, 200),
    Scenario("POST /titulaire/comptes-delegues/{id}/dossiers", _delegate_dossier, 201),
]


@pytest.fixture
def ctx(api, journey, clock, sent_emails, waits):
    return Context(api, journey, clock, sent_emails)


@pytest.fixture
def faults(aws):
    return DynamoDBFaults().install()


def comparable(items: list[dict]) -> list[dict]:
    """The items but what a failed request may leave changed without harm: a session's idle
    deadline, pushed back by the authentication that came first, and the transactions' marks."""
    kept = []
    for item in items:
        item = {name: value for name, value in item.items() if name != "ecriture"}
        if item["pk"]["S"].startswith("SESSION#"):
            item.pop("inactive_apres", None)
        kept.append(item)
    return kept


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_dynamodb_failing_at_each_request_answers_503_leaves_nothing_half_written_and_retrying_succeeds(
    scenario, ctx, faults
):
    send = scenario.prepare(ctx)
    prepared = table_reads.every_item()
    for fail_at in itertools.count(1):
        faults.reset(fail_at=fail_at, failure=THROTTLED)
        answer = send()
        if len(faults.calls) < fail_at:  # it made fewer requests than that: every one was tried
            assert answer.status == scenario.status, answer.body
            assert fail_at > 1
            return
        assert answer.status == 503, (fail_at, faults.calls, answer.body)
        assert answer.body["code"] == "service_indisponible" and answer.headers["retry-after"].isdigit()
        assert comparable(table_reads.every_item()) == comparable(prepared), (
            f"half-written after a failure at request {fail_at} ({faults.calls})"
        )
        faults.reset()
        again = send()
        assert again.status == scenario.status, (fail_at, again.body)
        table_reads.put_back(prepared)  # the next failure point starts where this one did


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_a_lost_reply_at_each_request_still_gets_the_success_the_request_earned(scenario, ctx, faults):
    send = scenario.prepare(ctx)
    prepared = table_reads.every_item()
    for lose_at in itertools.count(1):
        faults.reset(lose_reply_at=lose_at)
        answer = send()
        assert answer.status == scenario.status, (lose_at, faults.lost, answer.body)
        if len(faults.calls) < lose_at:  # fewer requests than that: every reply was lost once
            assert lose_at > 1
            return
        assert faults.lost, f"no reply was lost at request {lose_at} ({faults.calls})"
        table_reads.put_back(prepared)


def test_starting_a_registration_needs_no_dynamodb(ctx, faults):
    send = _start(ctx)
    faults.reset(fail_at=1, failure="connection")
    answer = send()
    assert answer.status == 201 and faults.calls == []


def test_dynamodb_out_of_reach_is_a_503_too(ctx, faults):
    send = _log_in(ctx)
    faults.reset(fail_at=1, failure="connection")
    answer = send()
    assert answer.status == 503 and answer.body["code"] == "service_indisponible"


def test_an_outage_is_logged_with_the_route_the_aws_code_and_the_request_id_never_the_person(ctx, faults, caplog):
    who = person()
    assert ctx.journey.activate(ctx.journey.register(**who)).status == 200
    faults.reset(fail_at=2, failure=THROTTLED)
    with caplog.at_level("WARNING"):
        answer = ctx.journey.log_in(who["nir"])
    assert answer.status == 503
    (record,) = [r for r in caplog.records if "service_indisponible" in r.getMessage()]
    message = record.getMessage()
    assert "POST /sessions" in message and THROTTLED in message and "request" in message
    assert who["nir"] not in caplog.text and PASSWORD not in caplog.text


# SES ---------------------------------------------------------------------------------------------


@pytest.fixture
def ses_down(aws):
    """Installed by each test once its people are registered (their activation emails sent)."""
    return SesFailure()


def test_ses_down_at_the_password_step_still_registers_and_says_so(ctx, ses_down):
    send = _password(ctx)
    ses_down.install()
    answer = send()
    assert answer.status == 201 and answer.body["courriel_envoye"] is False


@pytest.mark.parametrize("scenario", [_resend, _forgotten], ids=["renvoi", "oubli"])
def test_ses_down_on_a_recovery_route_keeps_its_single_202(ctx, ses_down, scenario):
    send = scenario(ctx)
    ses_down.install()
    answer = send()
    assert answer.status == 202


def test_ses_down_on_an_email_change_writes_the_request_and_says_the_email_did_not_leave(ctx, ses_down):
    send = _request_email_change(ctx)
    ses_down.install()
    answer = send()
    assert answer.status == 202 and answer.body["courriel_envoye"] is False
    ses_down.active = False
    assert send().status == 202  # asked again once SES is back: a new link, the older voided


def test_ses_down_on_a_delegation_writes_it_and_says_the_invitation_did_not_leave(ctx, ses_down):
    send = _give_delegation(ctx)
    ses_down.install()
    answer = send()
    assert answer.status == 201 and answer.body["courriel_envoye"] is False
