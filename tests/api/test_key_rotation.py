"""The sealing keyring through the API (contract §13): read from Secrets Manager (moto's), cached
SEALING_KEYS_CACHE_SECONDS, read again once for a key id it lacks; a rotation voids no captcha or
draft sealed before it; a value sealed for one purpose is refused for another; Secrets Manager out
of reach is a 503 like DynamoDB's."""

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib import dependencies
from chalicelib.domain import captchas
from chalicelib.sealing import REREAD_SECONDS, Sealer, parse_keyring
from chalicelib.settings import get_settings
from tests.helpers.api import error_fields
from tests.helpers.people import identity
from tools.local import rotate_keys


class Monotonic:
    """The application's monotonic clock, moved by the test."""

    def __init__(self):
        self.now = 1000.0
        dependencies.use_monotonic(lambda: self.now)


@pytest.fixture
def monotonic():
    return Monotonic()


@pytest.fixture
def keyring_reads(aws):
    """The GetSecretValue requests the application makes."""
    reads = []
    events = dependencies.aws_client("secretsmanager").meta.events
    events.register("before-call.secretsmanager.GetSecretValue", lambda **_: reads.append(1))
    return reads


def rotate() -> str:
    """`make rotate-keys` on moto; the new current key's id."""
    return rotate_keys.rotate(boto3.client("secretsmanager"), get_settings().sealing_keyring_secret)


def current_key_id() -> str:
    text = boto3.client("secretsmanager").get_secret_value(SecretId=get_settings().sealing_keyring_secret)
    return parse_keyring(text["SecretString"]).current


def identity_step(api, draft_id, captcha_id, answer):
    return api.put(
        f"/inscriptions/{draft_id}/identite", {**identity(), "captcha_id": captcha_id, "captcha_reponse": answer}
    )


def test_a_draft_and_a_captcha_sealed_before_a_rotation_still_work_after_it(api, journey, captcha_answer, monotonic):
    first_key = current_key_id()
    draft_id = journey.start()
    captcha_id, answer = journey.captcha()
    assert draft_id.startswith(first_key) and captcha_id.startswith(first_key)
    new_key = rotate()
    monotonic.now += get_settings().sealing_keys_cache_seconds  # the cached keyring has expired
    newer_id, _ = journey.captcha()
    assert newer_id.startswith(new_key) and new_key != first_key
    assert api.get(f"/inscriptions/{draft_id}").status == 200
    assert identity_step(api, draft_id, captcha_id, answer).status == 200
    assert journey.password(draft_id).status == 201


def test_a_captcha_spent_before_a_rotation_stays_spent_after_it(api, journey, captcha_answer, monotonic):
    draft_id = journey.start()
    captcha_id, answer = journey.captcha()
    assert identity_step(api, draft_id, captcha_id, "FFFFFF" if answer != "FFFFFF" else "EEEEEE").status == 400
    rotate()
    monotonic.now += get_settings().sealing_keys_cache_seconds
    refused = identity_step(api, draft_id, captcha_id, answer)
    assert refused.status == 400 and error_fields(refused) == {"captcha_reponse": "captcha_expire"}


def test_a_value_sealed_for_one_purpose_is_refused_for_another(api, journey):
    draft_id = journey.start()
    captcha_id, answer = journey.captcha()
    assert api.get(f"/inscriptions/{captcha_id}").status == 404
    assert api.delete(f"/inscriptions/{captcha_id}").status == 404
    audio = api.get(f"/captchas/{draft_id}/audio", headers={"Accept": "audio/wav"})
    assert audio.status == 404 and audio.body["code"] == "captcha_expire"
    refused = identity_step(api, draft_id, draft_id, answer)
    assert refused.status == 400 and error_fields(refused) == {"captcha_reponse": "captcha_expire"}


def test_a_tampered_draft_or_captcha_id_names_nothing(api, journey):
    draft_id = journey.start()
    captcha_id, answer = journey.captcha()
    tampered_draft = draft_id[:30] + ("A" if draft_id[30] != "A" else "B") + draft_id[31:]
    tampered_captcha = captcha_id[:30] + ("A" if captcha_id[30] != "A" else "B") + captcha_id[31:]
    assert api.get(f"/inscriptions/{tampered_draft}").status == 404
    assert api.get(f"/captchas/{tampered_captcha}/audio", headers={"Accept": "audio/wav"}).status == 404
    refused = identity_step(api, draft_id, tampered_captcha, answer)
    assert refused.status == 400 and error_fields(refused) == {"captcha_reponse": "captcha_expire"}


def test_the_keyring_is_read_once_per_sealing_keys_cache_seconds(api, keyring_reads, monotonic, monkeypatch):
    monkeypatch.setenv("SEALING_KEYS_CACHE_SECONDS", "60")
    for _ in range(3):
        assert api.post("/captchas").status == 201
    monotonic.now += 59
    assert api.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": "2026-11-01"}).status == 201
    assert len(keyring_reads) == 1
    monotonic.now += 1
    assert api.post("/captchas").status == 201
    assert len(keyring_reads) == 2


def test_a_key_another_instance_rotated_to_is_read_again_once(api, journey, keyring_reads, monotonic, clock):
    journey.captcha()  # this instance's keyring is cached
    rotate()
    other_instance = Sealer(
        lambda: boto3.client("secretsmanager").get_secret_value(SecretId=get_settings().sealing_keyring_secret)[
            "SecretString"
        ],
        300,
        lambda: 0.0,
    )
    captcha = captchas.create(clock, 600, other_instance)
    monotonic.now += REREAD_SECONDS
    reads = len(keyring_reads)
    for _ in range(2):
        audio = api.get(f"/captchas/{captcha.id}/audio", headers={"Accept": "audio/wav"})
        assert audio.status == 200
    assert len(keyring_reads) == reads + 1


def test_an_unknown_key_id_is_refused_after_one_bounded_read_again(api, journey, keyring_reads, monotonic):
    captcha_id, _ = journey.captcha()
    forged = [key_id + captcha_id[4:] for key_id in ("AAAA", "BBBB")]
    monotonic.now += REREAD_SECONDS
    reads = len(keyring_reads)
    for each in forged:
        assert api.get(f"/captchas/{each}/audio", headers={"Accept": "audio/wav"}).status == 404
    assert len(keyring_reads) == reads + 1


@pytest.mark.parametrize("failure", ["connection", "InternalServiceError", "ResourceNotFoundException"])
def test_secrets_manager_out_of_reach_is_a_503_with_retry_after(api, aws, failure, caplog):
    def fail(model, **_):
        if failure == "connection":
            raise EndpointConnectionError(endpoint_url="https://secretsmanager.eu-west-3.amazonaws.com")
        raise ClientError({"Error": {"Code": failure, "Message": "injected"}}, model.name)

    dependencies.aws_client("secretsmanager").meta.events.register_first("before-call.secretsmanager", fail)
    with caplog.at_level("WARNING"):
        for answer in (
            api.post("/captchas"),
            api.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": "2026-11-01"}),
        ):
            assert answer.status == 503 and answer.body["code"] == "service_indisponible"
            assert answer.headers["retry-after"] and answer.body["detail"]
    assert "POST /captchas" in caplog.text


def test_the_bootstrap_s_keyring_is_made_once_and_kept_as_it_is(aws):
    client, name = boto3.client("secretsmanager"), get_settings().sealing_keyring_secret
    before = client.get_secret_value(SecretId=name)["SecretString"]
    assert rotate_keys.ensure_keyring(client, name) is False  # made by the fixture, as `make run` makes it
    assert client.get_secret_value(SecretId=name)["SecretString"] == before
    assert parse_keyring(before).current == rotate_keys.FIRST_KEY_ID
