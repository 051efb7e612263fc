"""`make rotate-keys` on a running local stack (contract §13): a draft, a captcha, a session and an
activation link made before the rotation still work after it, while what is sealed afterwards takes
the new key. The stack keeps its
keyring one second (SEALING_KEYS_CACHE_SECONDS), so that it sees the rotation within the test."""

import json
import time

import boto3
import pytest

from chalicelib.sealing import CURRENT, parse_keyring
from tests.helpers.http import CAPTCHA, Http, link_code, local_stack, logged_in, make_on, register_over_http
from tests.helpers.people import PASSWORD, identity, make_nir

EMAIL = "rotation.des.cles@example.fr"
CACHE_SECONDS = 1


@pytest.fixture(scope="module")
def stack():
    with local_stack(SEALING_KEYS_CACHE_SECONDS=str(CACHE_SECONDS)) as started:
        yield started


def test_a_draft_and_a_captcha_sealed_before_make_rotate_keys_work_after_it(stack):
    http = Http(stack)
    version = http.get("/cgu").body["version"]
    draft_id = http.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version}).body["id"]
    captcha_id = http.post("/captchas").body["id"]

    rotated = make_on(stack, "rotate-keys")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "rotate-keys:" in rotated.stdout, rotated.stdout
    time.sleep(CACHE_SECONDS + 0.2)  # the stack's keyring is read again on its next sealing

    later = http.post("/captchas").body["id"]
    assert later[:4] != captcha_id[:4], "a captcha made after the rotation is sealed with the new key"
    person = {
        **identity(nir=make_nir("1840575987654"), courriel=EMAIL),
        "captcha_id": captcha_id,
        "captcha_reponse": CAPTCHA,
    }
    identified = http.put(f"/inscriptions/{draft_id}/identite", person)
    assert identified.status == 200, identified
    registered = http.put(
        f"/inscriptions/{draft_id}/mot-de-passe", {"mot_de_passe": PASSWORD, "mot_de_passe_confirmation": PASSWORD}
    )
    assert registered.status == 201, registered
    assert http.post("/activations", {"code": link_code(stack, EMAIL, "activation")}).status == 200


def test_a_session_and_an_activation_link_from_before_make_rotate_keys_work_after_it(stack):
    """Neither is sealed (a session token names random ids, a link's code is a bare secret): a
    rotation cannot touch them, and this shows it on the running stack."""
    holder = logged_in(stack, make_nir("2850675987654"), "avant.rotation@example.fr", civilite="MME")
    pending = Http(stack)
    assert register_over_http(pending, "lien.avant.rotation@example.fr", nir=make_nir("1860775987654")).status == 201
    code = link_code(stack, "lien.avant.rotation@example.fr", "activation")

    rotated = make_on(stack, "rotate-keys")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    time.sleep(CACHE_SECONDS + 0.2)

    assert holder.get("/titulaire").status == 200
    assert pending.post("/activations", {"code": code}).status == 200


def test_rotating_again_keeps_the_current_and_the_previous_key_only(stack):
    client = boto3.client(
        "secretsmanager",
        endpoint_url=stack.endpoint_url,
        region_name=stack.env["AWS_REGION"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    name = "mon-compte-formation/cles-de-scellement"  # the setting's default
    before = parse_keyring(client.get_secret_value(SecretId=name)["SecretString"])
    rotated = make_on(stack, "rotate-keys")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    after = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    assert set(after) == {CURRENT, after[CURRENT], before.current} and after[CURRENT] != before.current
