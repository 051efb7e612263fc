"""The sealing keyring (chalicelib/sealing.py, docs/decisions.md): made when absent, and rotated.

`make rotate-keys` runs `python -m tools.local.rotate_keys`: a new current key, the current one kept as
the previous, any older one dropped. Values sealed with the previous key keep opening, so the rule
is one rotation at most per ROTATION_GAP (the longest sealed lifetime, a draft's hour, plus the
instances' cache of the keyring): a third key would void drafts and captchas still alive.

Like `make credit`, it uses AWS_ENDPOINT_URL when set, else the local stack's emulator on
127.0.0.1:${MOTO_PORT:-5000}: never real AWS by accident. On AWS, the template makes the secret
(tools/deploy/deploy_template.py) in this same format; pointed at it (AWS_ENDPOINT_URL and credentials of
the account), this tool rotates it. A tool: never shipped in the Lambda.
"""

import json
import secrets
import sys
from typing import Any

from chalicelib.sealing import CURRENT, KEY_ID_LENGTH, Keyring, parse_keyring

FIRST_KEY_ID = "cle1"  # the template's first key (GenerateStringKey)
SECRET_LENGTH = 64  # characters, as the template's GenerateSecretString makes them
ROTATION_GAP = "1 h 5 min"  # REGISTRATION_TTL_SECONDS + SEALING_KEYS_CACHE_SECONDS, with the defaults


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_LENGTH * 3 // 4)  # 64 characters, 384 random bits


def keyring_text(current: str, keys: dict[str, str]) -> str:
    return json.dumps({CURRENT: current, **keys})


def first_keyring_text() -> str:
    return keyring_text(FIRST_KEY_ID, {FIRST_KEY_ID: new_secret()})


def rotated_text(text: str) -> str:
    """The keyring `text` holds with a new current key, its current key kept as the previous one."""
    keyring = parse_keyring(text)
    new_id = _new_key_id(keyring)
    previous = keyring.keys[keyring.current].decode("utf-8")
    return keyring_text(new_id, {new_id: new_secret(), keyring.current: previous})


def _new_key_id(keyring: Keyring) -> str:
    while True:
        key_id = secrets.token_urlsafe(KEY_ID_LENGTH)[:KEY_ID_LENGTH]
        if key_id not in keyring.keys:
            return key_id


def ensure_keyring(client: Any, name: str) -> bool:
    """Create the keyring secret `name` unless it exists; whether it was created."""
    try:
        client.create_secret(
            Name=name,
            Description="Les clés qui scellent les captchas et les inscriptions de Mon Compte Formation",
            SecretString=first_keyring_text(),
        )
    except client.exceptions.ResourceExistsException:
        return False
    return True


def rotate(client: Any, name: str) -> str:
    """Rotate the keyring secret `name` (Secrets Manager keeps the old version as AWSPREVIOUS);
    the new current key's id."""
    text = client.get_secret_value(SecretId=name)["SecretString"]
    new_text = rotated_text(text)
    client.put_secret_value(SecretId=name, SecretString=new_text)
    return parse_keyring(new_text).current


def main() -> int:
    from chalicelib.dependencies import aws_client
    from chalicelib.settings import get_settings
    from tools.local.credit import local_environment

    local_environment()
    settings = get_settings()
    key_id = rotate(aws_client("secretsmanager", settings), settings.sealing_keyring_secret)
    where = settings.aws_endpoint_url or f"AWS {settings.aws_region}"
    print(
        f"rotate-keys: {settings.sealing_keyring_secret} on {where}: current key {key_id}, the previous one "
        f"kept, older ones dropped (rotate again in {ROTATION_GAP} at the soonest)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
