"""Section 2 of the contract: logging in and out, and the holder space's authentication."""

import pytest

from chalicelib.clock import to_epoch
from chalicelib.domain import tokens
from chalicelib.store import keys
from tests.helpers.api import bearer
from tests.helpers.clock import START
from tests.helpers.people import NIR, OTHER_NIR
from tests.helpers.table import every_item, history_types, record


class TestLogIn:
    def test_the_nir_is_accepted_as_people_type_it(self, journey):
        corsican = "291032B045123"
        nir = corsican + f"{97 - int('2910318045123') % 97:02d}"
        journey.activate(journey.register(nir=nir))
        typed = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7].lower()} {nir[7:10]} {nir[10:13]} {nir[13:]}"
        answer = journey.log_in(typed)
        assert answer.status == 201, answer.body
        assert len(answer.body["jeton"]) >= 22  # at least 128 bits, URL-safe base64
        assert answer.body["expire_le"] == "2026-12-01T21:00:00Z"
        assert answer.body["expire_sans_activite_le"] == "2026-12-01T09:30:00Z"

    def test_a_wrong_password_and_an_unknown_nir_get_the_same_answer(self, journey):
        journey.activate(journey.register())
        wrong_password = journey.log_in(NIR, "Mauvais123")
        unknown_nir = journey.log_in(OTHER_NIR)
        malformed_nir = journey.log_in("123")
        assert wrong_password.status == unknown_nir.status == malformed_nir.status == 401
        assert wrong_password.body == unknown_nir.body == malformed_nir.body
        assert wrong_password.body["code"] == "identifiants_invalides"

    def test_a_pending_account_with_the_right_password_is_told_to_activate(self, journey):
        journey.register()
        answer = journey.log_in(NIR)
        assert answer.status == 403 and answer.body["code"] == "compte_non_active"

    def test_a_pending_account_with_a_wrong_password_is_a_401(self, journey):
        journey.register()
        assert journey.log_in(NIR, "Mauvais123").body["code"] == "identifiants_invalides"

    def test_a_pending_account_whose_link_expired_counts_as_no_account(self, journey, clock):
        journey.register()
        clock.advance(days=15)
        answer = journey.log_in(NIR)
        assert answer.status == 401 and answer.body["code"] == "identifiants_invalides"

    def test_the_token_is_stored_only_as_a_digest(self, journey):
        token = journey.active_account()
        assert token not in str(every_item())

    def test_logins_and_failures_are_in_the_history(self, journey):
        journey.activate(journey.register())
        journey.log_in(NIR, "Mauvais123")
        journey.log_in(NIR)
        assert sorted(history_types(NIR)) == ["activation", "connexion", "echec_connexion", "inscription"]

    def test_a_missing_field_is_a_400_not_a_401(self, api):
        answer = api.post("/sessions", {"nir": NIR})
        assert answer.status == 400
        assert answer.body["erreurs"] == [
            {"champ": "mot_de_passe", "code": "champ_requis", "message": "Ce champ est obligatoire."}
        ]


class TestHolderSpaceAuthentication:
    @pytest.mark.parametrize(
        "headers",
        [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer " + "A" * 43}],
    )
    def test_without_a_valid_token_the_answer_is_a_problem_document(self, api, headers):
        answer = api.get("/titulaire", headers=headers)
        assert answer.status == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.body["code"] == "session_invalide"
        assert answer.body["detail"] == "Votre session a expiré ou n'est pas valide : merci de vous reconnecter."

    def test_logging_out_ends_the_session_at_once(self, journey, api):
        token = journey.active_account()
        assert api.delete("/sessions/courante", headers=bearer(token)).status == 204
        assert api.get("/titulaire", headers=bearer(token)).status == 401
        assert api.delete("/sessions/courante", headers=bearer(token)).status == 401
        assert "deconnexion" in history_types(NIR)

    def test_thirty_minutes_without_a_call_end_the_session(self, journey, api, clock):
        token = journey.active_account()
        clock.advance(minutes=29, seconds=59)
        assert api.get("/titulaire", headers=bearer(token)).status == 200
        clock.advance(minutes=30)
        assert api.get("/titulaire", headers=bearer(token)).status == 401

    def test_activity_keeps_a_session_alive_for_twelve_hours_at_most(self, journey, api, clock):
        token = journey.active_account()
        for _ in range(35):  # a call every 20 minutes, 11 h 40 in all
            clock.advance(minutes=20)
            assert api.get("/titulaire", headers=bearer(token)).status == 200
        clock.advance(minutes=20)  # 12 h after logging in
        assert api.get("/titulaire", headers=bearer(token)).status == 401

    def test_each_session_is_its_own(self, journey, api):
        first = journey.active_account()
        second = journey.log_in(NIR).body["jeton"]
        api.delete("/sessions/courante", headers=bearer(first))
        assert api.get("/titulaire", headers=bearer(second)).status == 200


class TestIdleDeadlineRule:
    """The idle deadline moves only once less than nine tenths of SESSION_IDLE_SECONDS (1800) is left,
    i.e. 180 s after it was last set: a read before that is one BatchGetItem, after it two requests."""

    def test_a_read_within_the_first_tenth_writes_nothing(self, journey, api, clock, dynamodb_calls):
        token = journey.active_account()
        clock.advance(seconds=180)  # 1620 s left: exactly nine tenths, not less
        dynamodb_calls.clear()
        assert api.get("/titulaire", headers=bearer(token)).status == 200
        assert dynamodb_calls == ["BatchGetItem"]
        assert session_record(token)["inactive_apres"] == to_epoch(START) + 1800

    def test_a_read_past_the_first_tenth_pushes_the_deadline_back(self, journey, api, clock, dynamodb_calls):
        token = journey.active_account()
        clock.advance(seconds=181)  # 1619 s left
        dynamodb_calls.clear()
        assert api.get("/titulaire", headers=bearer(token)).status == 200
        assert dynamodb_calls == ["BatchGetItem", "UpdateItem"]
        assert session_record(token)["inactive_apres"] == to_epoch(clock()) + 1800
        dynamodb_calls.clear()
        assert api.get("/titulaire", headers=bearer(token)).status == 200
        assert dynamodb_calls == ["BatchGetItem"]  # fresh again

    def test_the_idle_end_comes_early_by_a_tenth_at_most_never_late(self, journey, api, clock):
        token = journey.active_account()
        clock.advance(seconds=180)
        assert api.get("/titulaire", headers=bearer(token)).status == 200  # left the deadline where it was
        clock.advance(seconds=1619)  # 1619 s after that call: still on
        assert api.get("/titulaire/informations", headers=bearer(token)).status == 200
        clock.advance(seconds=1799)  # pushed back by that call, which found 1 s left
        assert api.get("/titulaire", headers=bearer(token)).status == 200
        clock.advance(seconds=1800)
        assert api.get("/titulaire", headers=bearer(token)).status == 401

    def test_logout_ends_a_session_whose_deadline_is_fresh(self, journey, api, dynamodb_calls):
        token = journey.active_account()
        assert api.get("/titulaire", headers=bearer(token)).status == 200
        assert api.delete("/sessions/courante", headers=bearer(token)).status == 204
        dynamodb_calls.clear()
        assert api.get("/titulaire", headers=bearer(token)).status == 401
        assert dynamodb_calls == ["BatchGetItem"]  # the session's absence is read with the data

    def test_the_absolute_end_is_exact_to_the_second(self, journey, api, clock):
        token = journey.active_account()
        for _ in range(28):  # a call every 25 minutes: 11 h 40 in all
            clock.advance(minutes=25)
            assert api.get("/titulaire", headers=bearer(token)).status == 200
        clock.advance(minutes=19, seconds=59)  # 1 s before 12 h
        assert api.get("/titulaire", headers=bearer(token)).status == 200
        clock.advance(seconds=1)
        assert api.get("/titulaire", headers=bearer(token)).status == 401

    def test_the_token_hides_its_nir_and_a_changed_one_is_refused(self, journey, api):
        token = journey.active_account()
        assert NIR not in token
        account_id, secret, sealed = token.split(".")
        forged = f"{account_id}.{secret}.{'A' if sealed[0] != 'A' else 'B'}{sealed[1:]}"
        assert api.get("/titulaire", headers=bearer(forged)).status == 401
        assert api.get("/titulaire", headers=bearer(token)).status == 200


def session_record(token: str) -> dict:
    return record(keys.session_key(tokens.digest(token)))


class TestLockout:
    def test_five_wrong_passwords_in_a_row_lock_every_login_for_fifteen_minutes(self, active, journey, clock):
        for _ in range(4):
            assert journey.log_in(NIR, "Mauvais123").status == 401
        locked = journey.log_in(NIR, "Mauvais123")
        assert locked.status == 429 and locked.body["code"] == "compte_verrouille"
        assert locked.headers["retry-after"] == "900"
        clock.advance(minutes=10)
        right_password = journey.log_in(NIR)
        assert right_password.status == 429 and right_password.headers["retry-after"] == "300"
        clock.advance(minutes=5)
        assert journey.log_in(NIR).status == 201

    def test_a_success_resets_the_count(self, active, journey):
        for _ in range(4):
            journey.log_in(NIR, "Mauvais123")
        assert journey.log_in(NIR).status == 201
        for _ in range(4):
            assert journey.log_in(NIR, "Mauvais123").status == 401

    def test_failures_far_apart_are_not_in_a_row(self, active, journey, clock):
        for _ in range(4):
            journey.log_in(NIR, "Mauvais123")
        clock.advance(minutes=16)
        assert journey.log_in(NIR, "Mauvais123").status == 401

    def test_an_unknown_nir_locks_the_same_way_so_a_lockout_tells_nothing(self, active, journey):
        unknown = [journey.log_in(OTHER_NIR) for _ in range(5)]
        known = [journey.log_in(NIR, "Mauvais123") for _ in range(5)]
        assert [a.status for a in unknown] == [a.status for a in known] == [401] * 4 + [429]
        assert unknown[-1].body == known[-1].body

    def test_a_failure_costs_one_write_for_a_known_or_an_unknown_nir(self, active, journey, dynamodb_calls):
        dynamodb_calls.clear()
        journey.log_in(NIR, "Mauvais123")
        known = list(dynamodb_calls)
        dynamodb_calls.clear()
        journey.log_in(OTHER_NIR, "Mauvais123")
        assert known == dynamodb_calls == ["BatchGetItem", "TransactWriteItems"]


@pytest.fixture
def verifications(monkeypatch):
    """The argon2id password verifications the application makes: the hash each was against."""
    import argon2

    verified = []
    original = argon2.PasswordHasher.verify

    def counted(self, hash, password):
        verified.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counted)
    return verified


def argon2_parameters(hash: str) -> str:
    """A hash's algorithm and cost, without its salt and digest: what a verification's time depends on."""
    return hash.rsplit("$", 2)[0]


@pytest.mark.production_argon2
class TestEveryFailedLoginCostsTheSame:
    """What makes an unknown NIR take as long as a wrong password: the same requests and one argon2id
    verification each, at the same cost (tools/bench/bench_timing.py measures the durations)."""

    @pytest.mark.parametrize("nir", [NIR, OTHER_NIR, "123"], ids=["wrong-password", "unknown-nir", "malformed-nir"])
    def test_one_argon2id_verification_at_the_cost_of_a_real_hash(self, active, journey, verifications, nir):
        del verifications[:]
        assert journey.log_in(nir, "Mauvais123").status == 401
        (verified,) = verifications
        assert argon2_parameters(verified) == "$argon2id$v=19$m=19456,t=2,p=1"

    def test_an_unknown_nir_makes_the_requests_and_the_verification_of_a_wrong_password(
        self, active, journey, dynamodb_calls, verifications
    ):
        costs = {}
        for kind, nir in {"wrong password": NIR, "unknown NIR": OTHER_NIR}.items():
            del dynamodb_calls[:], verifications[:]
            assert journey.log_in(nir, "Mauvais123").status == 401
            costs[kind] = (list(dynamodb_calls), [argon2_parameters(hash) for hash in verifications])
        assert costs["wrong password"] == costs["unknown NIR"]
        assert costs["unknown NIR"] == (["BatchGetItem", "TransactWriteItems"], ["$argon2id$v=19$m=19456,t=2,p=1"])
