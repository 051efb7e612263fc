"""Wiring: the store, mailer, sealer and clock that the routes hand to the domain, built on first use.

AWS clients are made lazily (none at import: a cold start pays only for what its route uses) and
kept per region and endpoint, so a warm Lambda reuses its connections.
"""

import sys
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .clock import Clock, system_clock
from .settings import LOCAL_FRANCECONNECT_SECRET, Settings, get_settings

if TYPE_CHECKING:  # loaded on first use: a cold start pays only for what its route uses
    from .mailer import SesMailer
    from .oidc import Client
    from .sealing import Sealer
    from .store import Store

_clock: Clock = system_clock
_sleep: Callable[[float], None] = time.sleep
_monotonic: Callable[[], float] = time.monotonic


def clock() -> Clock:
    return _clock


def use_clock(new_clock: Clock) -> None:
    """Tests hand in a fixed clock; nothing else should call this."""
    global _clock
    _clock = new_clock


def sleep(seconds: float) -> None:
    _sleep(seconds)


def use_sleep(new_sleep: Callable[[float], None]) -> None:
    """Tests record the waits instead of waiting; nothing else should call this."""
    global _sleep
    _sleep = new_sleep


def monotonic() -> float:
    return _monotonic()


def use_monotonic(new_monotonic: Callable[[], float]) -> None:
    """Tests hand in a monotonic clock that moves as they say; nothing else should call this."""
    global _monotonic
    _monotonic = new_monotonic


# One SDK call, its retries included, must end well within the API's 10 s Lambda timeout, so that a
# failing AWS gets a clean 503 from us rather than a killed Lambda. DynamoDB answers in milliseconds:
# 3 attempts of (0.5 s to connect + 1.5 s to read) and standard mode's backoff (< 1 s, then < 2 s)
# last 9 s at worst. SES is slower to answer: 2 attempts of (1 s + 3 s) and one backoff, 9 s at worst.
# Secrets Manager is read before the route's first DynamoDB request (the sealing keyring, at most
# every few minutes): 2 attempts of (0.5 s + 1 s) and one backoff, 4 s at worst.
# These are the defaults; AWS_CONNECT_TIMEOUT_SECONDS, AWS_READ_TIMEOUT_SECONDS and AWS_MAX_ATTEMPTS,
# when set, replace the value for every client (one setting per value, not per service: the operator
# who widens them, for a loaded local stack say, means all of them).
CLIENT_SETTINGS: dict[str, dict[str, float]] = {
    "dynamodb": {"connect_timeout": 0.5, "read_timeout": 1.5, "max_attempts": 3},
    "ses": {"connect_timeout": 1, "read_timeout": 3, "max_attempts": 2},
    "secretsmanager": {"connect_timeout": 0.5, "read_timeout": 1, "max_attempts": 2},
    "default": {"connect_timeout": 1, "read_timeout": 3, "max_attempts": 3},
}


def client_config(service: str, settings: Settings) -> dict[str, Any]:
    """The timeouts and attempts of `service`'s client: its defaults, the settings given over them."""
    given: dict[str, float | None] = {
        "connect_timeout": settings.aws_connect_timeout_seconds,
        "read_timeout": settings.aws_read_timeout_seconds,
        "max_attempts": settings.aws_max_attempts,
    }
    defaults = CLIENT_SETTINGS.get(service, CLIENT_SETTINGS["default"])
    return {name: default if given[name] is None else given[name] for name, default in defaults.items()}


@lru_cache(maxsize=8)
def _client(
    service: str,
    region: str,
    endpoint_url: str | None,
    connect_timeout: float,
    read_timeout: float,
    max_attempts: int,
) -> Any:
    import boto3
    from botocore.config import Config

    retries = {"mode": "standard", "max_attempts": max_attempts}
    config = Config(connect_timeout=connect_timeout, read_timeout=read_timeout, retries=retries)
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url, config=config)


def aws_client(service: str, settings: Settings | None = None) -> Any:
    settings = settings or get_settings()
    return _client(service, settings.aws_region, settings.aws_endpoint_url, **client_config(service, settings))


def store() -> "Store":
    from .store import Store

    settings = get_settings()
    return Store(aws_client("dynamodb", settings), settings.table_name)


def mailer() -> "SesMailer":
    from .mailer import SesMailer

    settings = get_settings()
    return SesMailer(
        aws_client("ses", settings),
        settings.sender_email,
        settings.public_base_url,
        settings.contact_url,
        settings.ses_configuration_set,
    )


def sealer() -> "Sealer":
    """The sealer of the keyring secret the settings name, one per process: its keyring is cached
    `sealing_keys_cache_seconds` across requests (chalicelib/sealing.py)."""
    return _sealer(get_settings())


@lru_cache(maxsize=4)
def _sealer(settings: Settings) -> "Sealer":
    from .sealing import Sealer

    def read_keyring() -> str:
        secrets = aws_client("secretsmanager", settings)
        keyring: str = secrets.get_secret_value(SecretId=settings.sealing_keyring_secret)["SecretString"]
        return keyring

    return Sealer(read_keyring, settings.sealing_keys_cache_seconds, monotonic)


def franceconnect() -> "Client":
    """The OpenID client of FranceConnect for the settings in force; its discovery and keys are
    cached per process (chalicelib/oidc.py), its secret per process and secret name."""
    from .oidc import FRANCECONNECT_SCOPES, Client, Provider

    settings = get_settings()
    secret = settings.franceconnect_client_secret
    if settings.franceconnect_client_secret_name is not None:
        secret = _provider_secret(settings, settings.franceconnect_client_secret_name)
    elif secret is None:  # the settings allow it against a loopback issuer only
        secret = LOCAL_FRANCECONNECT_SECRET
    redirect_uri = f"{settings.public_base_url.rstrip('/')}/franceconnect/retour"
    issuer, client_id = settings.franceconnect_issuer, settings.franceconnect_client_id
    return Client(Provider(issuer, client_id, secret, redirect_uri, FRANCECONNECT_SCOPES))


@lru_cache(maxsize=4)
def _provider_secret(settings: Settings, secret_name: str) -> str:
    """A client secret from Secrets Manager, read once per process (a rotation of it redeploys)."""
    secret: str = aws_client("secretsmanager", settings).get_secret_value(SecretId=secret_name)["SecretString"]
    return secret


def reset() -> None:
    """Forget the AWS clients and the cached keyring (tests start each case on a fresh emulator)."""
    global _clock, _sleep, _monotonic
    _client.cache_clear()
    _sealer.cache_clear()
    _provider_secret.cache_clear()
    oidc = sys.modules.get(f"{__package__}.oidc")  # its discovery and keys, if it was ever loaded
    if oidc is not None:
        oidc.forget()
    _clock = system_clock
    _sleep = time.sleep
    _monotonic = time.monotonic
