"""Settings: every value has a default here and can be set from the environment.

They are read when asked for, never at import: the Chalice test client sets a stage's
environment variables only for the duration of a call, and Lambda may reuse a process.
"""

import ipaddress
import os
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
# The local OpenID provider's clients (tools/local/oidc/): their secrets are no secret, and are
# accepted only against an issuer on a loopback address.
LOCAL_FRANCECONNECT_SECRET = "secret-local-franceconnect-mon-compte-formation-0001"
LOCAL_PROCONNECT_SECRET = "secret-local-proconnect-mon-compte-formation-0001"


class ConfigurationError(RuntimeError):
    """The environment describes a configuration the application refuses to run with."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    table_name: str = Field("mon-compte-formation", alias="TABLE_NAME", min_length=3)
    aws_region: str = Field("eu-west-3", alias="AWS_REGION")
    aws_endpoint_url: str | None = Field(None, alias="AWS_ENDPOINT_URL")
    sender_email: str = Field("ne-pas-repondre@moncompteformation.gouv.fr", alias="SENDER_EMAIL")
    # Every email is sent with it: its Bounce and Complaint events reach the feedback function (§10).
    ses_configuration_set: str = Field(
        "mon-compte-formation", alias="SES_CONFIGURATION_SET", pattern=r"^[A-Za-z0-9_-]{1,64}$"
    )
    # The SNS topic the configuration set publishes to, which app.py's feedback function subscribes to.
    email_feedback_topic: str = Field(
        "mon-compte-formation-retours-courriel", alias="EMAIL_FEEDBACK_TOPIC", pattern=r"^[A-Za-z0-9_-]{1,256}$"
    )
    public_base_url: str = Field(DEFAULT_PUBLIC_BASE_URL, alias="PUBLIC_BASE_URL")
    contact_url_override: str | None = Field(None, alias="CONTACT_URL")
    # Sealed in draft ids, whose 86 characters leave it 21 bytes (chalicelib/domain/registration.py).
    cgu_version: str = Field("2026-11-01", alias="CGU_VERSION", pattern=r"^[ -~]{1,21}$")
    registration_ttl_seconds: int = Field(3600, alias="REGISTRATION_TTL_SECONDS", gt=0)
    activation_ttl_seconds: int = Field(1_296_000, alias="ACTIVATION_TTL_SECONDS", gt=0)
    captcha_ttl_seconds: int = Field(600, alias="CAPTCHA_TTL_SECONDS", gt=0)
    session_idle_seconds: int = Field(1800, alias="SESSION_IDLE_SECONDS", gt=0)
    session_max_seconds: int = Field(43200, alias="SESSION_MAX_SECONDS", gt=0)
    password_policy: Literal["cpf-2015", "cnil-2022"] = Field("cpf-2015", alias="PASSWORD_POLICY")
    password_reset_ttl_seconds: int = Field(3600, alias="PASSWORD_RESET_TTL_SECONDS", gt=0)
    lockout_threshold: int = Field(5, alias="LOCKOUT_THRESHOLD", gt=0)
    lockout_seconds: int = Field(900, alias="LOCKOUT_SECONDS", gt=0)
    email_change_ttl_seconds: int = Field(3600, alias="EMAIL_CHANGE_TTL_SECONDS", gt=0)
    delegation_invitation_ttl_seconds: int = Field(1_296_000, alias="DELEGATION_INVITATION_TTL_SECONDS", gt=0)
    declarations_bucket: str = Field(
        "mon-compte-formation-declarations", alias="DECLARATIONS_BUCKET", pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
    )
    credit_queue: str = Field("mon-compte-formation-credits", alias="CREDIT_QUEUE", pattern=r"^[A-Za-z0-9_-]{1,80}$")
    credit_chunk_lines: int = Field(500, alias="CREDIT_CHUNK_LINES", gt=0, le=100_000)
    captcha_fixed_answer: str | None = Field(None, alias="CAPTCHA_FIXED_ANSWER", min_length=1, max_length=16)
    # The AWS clients' timeouts and attempts (contract §12). Unset, each client keeps its own
    # (chalicelib/dependencies.py: DynamoDB 0.5 s, 1.5 s, 3 attempts; SES 1 s, 3 s, 2 attempts); set,
    # the value applies to every client, e.g. a local stack on a loaded machine.
    aws_connect_timeout_seconds: float | None = Field(None, alias="AWS_CONNECT_TIMEOUT_SECONDS", gt=0, le=60)
    aws_read_timeout_seconds: float | None = Field(None, alias="AWS_READ_TIMEOUT_SECONDS", gt=0, le=300)
    aws_max_attempts: int | None = Field(None, alias="AWS_MAX_ATTEMPTS", ge=1, le=10)
    # The Secrets Manager secret (its name or ARN) that holds the keyring of chalicelib/sealing.py,
    # and how long an instance keeps it before reading it again.
    sealing_keyring_secret: str = Field(
        "mon-compte-formation/cles-de-scellement", alias="SEALING_KEYRING_SECRET", min_length=1, max_length=2048
    )
    sealing_keys_cache_seconds: int = Field(300, alias="SEALING_KEYS_CACHE_SECONDS", ge=1, le=3600)
    # The OpenID providers (contract §14, §16): each issuer exactly as its discovery names it, this
    # service's client id there, and its secret: on AWS a Secrets Manager secret (`*_SECRET_NAME`, its
    # name or ARN, read at run time like the sealing keyring); in the environment only against a
    # loopback issuer (the local provider's, whose default is the local client's).
    franceconnect_issuer: str = Field(
        "http://127.0.0.1:9000/franceconnect", alias="FRANCECONNECT_ISSUER", pattern=r"^https?://[^\s?#]+[^/\s?#]$"
    )
    franceconnect_client_id: str = Field(
        "mon-compte-formation", alias="FRANCECONNECT_CLIENT_ID", min_length=1, max_length=256
    )
    franceconnect_client_secret: str | None = Field(None, alias="FRANCECONNECT_CLIENT_SECRET", min_length=1, repr=False)
    franceconnect_client_secret_name: str | None = Field(
        None, alias="FRANCECONNECT_CLIENT_SECRET_NAME", min_length=1, max_length=2048
    )
    proconnect_issuer: str = Field(
        "http://127.0.0.1:9000/proconnect", alias="PROCONNECT_ISSUER", pattern=r"^https?://[^\s?#]+[^/\s?#]$"
    )
    proconnect_client_id: str = Field(
        "mon-compte-formation-pro", alias="PROCONNECT_CLIENT_ID", min_length=1, max_length=256
    )
    proconnect_client_secret: str | None = Field(None, alias="PROCONNECT_CLIENT_SECRET", min_length=1, repr=False)
    proconnect_client_secret_name: str | None = Field(
        None, alias="PROCONNECT_CLIENT_SECRET_NAME", min_length=1, max_length=2048
    )

    @property
    def contact_url(self) -> str:
        return self.contact_url_override or f"{self.public_base_url.rstrip('/')}/contact"

    @model_validator(mode="after")
    def _provider_secrets_from_secrets_manager_off_loopback(self) -> "Settings":
        # A client secret in a function's environment would be read by whoever reads its
        # configuration: off a local provider it comes from Secrets Manager, and the issuer is https.
        providers = (
            ("FRANCECONNECT", self.franceconnect_issuer, self.franceconnect_client_secret),
            ("PROCONNECT", self.proconnect_issuer, self.proconnect_client_secret),
        )
        names = (self.franceconnect_client_secret_name, self.proconnect_client_secret_name)
        for (name, issuer, secret), secret_name in zip(providers, names, strict=True):
            if points_at_loopback(issuer):
                continue
            if not issuer.startswith("https://"):
                raise ValueError(f"{name}_ISSUER must be an https URL unless it is a loopback address")
            if secret is not None:
                raise ValueError(
                    f"{name}_CLIENT_SECRET is only allowed against a loopback issuer: use {name}_CLIENT_SECRET_NAME"
                )
            if secret_name is None:
                raise ValueError(f"{name}_CLIENT_SECRET_NAME must name the client secret in Secrets Manager")
        return self

    @model_validator(mode="after")
    def _fixed_captcha_only_on_a_local_emulator(self) -> "Settings":
        # A captcha everybody can answer is a test convenience; on real AWS it would let bots in.
        if self.captcha_fixed_answer and not points_at_loopback(self.aws_endpoint_url):
            raise ValueError("CAPTCHA_FIXED_ANSWER is only allowed when AWS_ENDPOINT_URL points at a loopback address")
        if self.captcha_fixed_answer:
            from .domain.captchas import ALPHABET, normalize_answer

            # The image must draw it and the audio version speak it, like any other answer.
            if not set(normalize_answer(self.captcha_fixed_answer)) <= set(ALPHABET):
                raise ValueError(f"CAPTCHA_FIXED_ANSWER may only use the captcha's characters: {ALPHABET}")
        return self


ENVIRONMENT_NAMES = tuple(field.alias for field in Settings.model_fields.values() if field.alias)


def points_at_loopback(url: str | None) -> bool:
    if not url:
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_settings(environ: Mapping[str, str]) -> Settings:
    values = {name: environ[name] for name in ENVIRONMENT_NAMES if environ.get(name, "") != ""}
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors())
        raise ConfigurationError(f"Invalid configuration: {problems}") from None


_cache: tuple[tuple[str | None, ...], Settings] | None = None


def get_settings() -> Settings:
    """The settings for the current environment, rebuilt only when a variable has changed."""
    global _cache
    key = tuple(os.environ.get(name) for name in ENVIRONMENT_NAMES)
    if _cache is None or _cache[0] != key:
        _cache = (key, load_settings(os.environ))
    return _cache[1]


def refuse_unsafe_environment() -> None:
    """Called once at start-up so that a dangerous configuration stops the process early."""
    get_settings()
