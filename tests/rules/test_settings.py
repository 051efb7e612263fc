"""Section 4 of the contract: every setting has a default and can be set from the environment."""

import pytest

from chalicelib.settings import ConfigurationError, load_settings


def test_the_defaults_are_the_contract_s():
    settings = load_settings({})
    assert settings.table_name == "mon-compte-formation"
    assert settings.aws_region == "eu-west-3"
    assert settings.aws_endpoint_url is None
    assert settings.sender_email == "ne-pas-repondre@moncompteformation.gouv.fr"
    assert settings.public_base_url == "http://127.0.0.1:8000"
    assert settings.contact_url == "http://127.0.0.1:8000/contact"
    assert (settings.registration_ttl_seconds, settings.activation_ttl_seconds, settings.captcha_ttl_seconds) == (
        3600,
        1296000,
        600,
    )
    assert (settings.session_idle_seconds, settings.session_max_seconds) == (1800, 43200)
    assert settings.password_policy == "cpf-2015"
    assert settings.password_reset_ttl_seconds == 3600
    assert (settings.lockout_threshold, settings.lockout_seconds) == (5, 900)
    assert settings.captcha_fixed_answer is None
    assert settings.sealing_keyring_secret == "mon-compte-formation/cles-de-scellement"
    assert settings.sealing_keys_cache_seconds == 300


def test_the_contact_url_follows_the_public_base_url_unless_set():
    assert load_settings({"PUBLIC_BASE_URL": "https://cpf.example"}).contact_url == "https://cpf.example/contact"
    assert load_settings({"CONTACT_URL": "https://aide.example"}).contact_url == "https://aide.example"


def test_numbers_come_from_the_environment_as_text():
    assert load_settings({"SESSION_IDLE_SECONDS": "60"}).session_idle_seconds == 60


@pytest.mark.parametrize(
    "environment",
    [{"SESSION_IDLE_SECONDS": "trente"}, {"PASSWORD_POLICY": "laxiste"}, {"LOCKOUT_THRESHOLD": "0"}],
)
def test_a_wrong_value_is_a_clear_configuration_error(environment):
    with pytest.raises(ConfigurationError, match=next(iter(environment))):
        load_settings(environment)


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:5000", "http://localhost:4566", "http://[::1]:5000", "http://127.8.9.10:5000"]
)
def test_a_fixed_captcha_answer_is_allowed_against_a_loopback_emulator(endpoint):
    settings = load_settings({"CAPTCHA_FIXED_ANSWER": "AE23HJ", "AWS_ENDPOINT_URL": endpoint})
    assert settings.captcha_fixed_answer == "AE23HJ"


@pytest.mark.parametrize(
    "endpoint",
    [None, "https://dynamodb.eu-west-3.amazonaws.com", "http://10.0.0.5:5000", "http://127.0.0.1.evil.example"],
)
def test_a_fixed_captcha_answer_is_refused_anywhere_else(endpoint):
    environment = {"CAPTCHA_FIXED_ANSWER": "AE23HJ"}
    if endpoint:
        environment["AWS_ENDPOINT_URL"] = endpoint
    with pytest.raises(ConfigurationError, match="CAPTCHA_FIXED_ANSWER"):
        load_settings(environment)


def test_a_fixed_captcha_answer_must_be_one_the_audio_version_can_speak():
    with pytest.raises(ConfigurationError, match="captcha's characters"):
        load_settings({"CAPTCHA_FIXED_ANSWER": "AB12CD", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"})


def test_the_aws_clients_keep_today_s_timeouts_and_attempts_by_default():
    from chalicelib.dependencies import client_config

    settings = load_settings({})
    assert (settings.aws_connect_timeout_seconds, settings.aws_read_timeout_seconds, settings.aws_max_attempts) == (
        None,
        None,
        None,
    )
    assert client_config("dynamodb", settings) == {"connect_timeout": 0.5, "read_timeout": 1.5, "max_attempts": 3}
    assert client_config("ses", settings) == {"connect_timeout": 1, "read_timeout": 3, "max_attempts": 2}
    assert client_config("sqs", settings) == {"connect_timeout": 1, "read_timeout": 3, "max_attempts": 3}
    assert client_config("secretsmanager", settings) == {"connect_timeout": 0.5, "read_timeout": 1, "max_attempts": 2}


def test_an_aws_client_setting_applies_to_every_client_and_only_that_value():
    from chalicelib.dependencies import client_config

    settings = load_settings({"AWS_READ_TIMEOUT_SECONDS": "10", "AWS_MAX_ATTEMPTS": "5"})
    assert client_config("dynamodb", settings) == {"connect_timeout": 0.5, "read_timeout": 10, "max_attempts": 5}
    assert client_config("ses", settings) == {"connect_timeout": 1, "read_timeout": 10, "max_attempts": 5}
    settings = load_settings({"AWS_CONNECT_TIMEOUT_SECONDS": "0.25"})
    assert client_config("ses", settings)["connect_timeout"] == 0.25


@pytest.mark.parametrize(
    "environment",
    [
        {"AWS_CONNECT_TIMEOUT_SECONDS": "0"},
        {"AWS_CONNECT_TIMEOUT_SECONDS": "une seconde"},
        {"AWS_CONNECT_TIMEOUT_SECONDS": "61"},
        {"AWS_READ_TIMEOUT_SECONDS": "-1"},
        {"AWS_READ_TIMEOUT_SECONDS": "301"},
        {"AWS_MAX_ATTEMPTS": "0"},
        {"AWS_MAX_ATTEMPTS": "1.5"},
        {"AWS_MAX_ATTEMPTS": "11"},
    ],
)
def test_a_refused_aws_client_setting_is_named_with_its_bounds(environment):
    (name,) = environment
    with pytest.raises(ConfigurationError, match=rf"Invalid configuration: {name}: .*(greater|less|valid)"):
        load_settings(environment)


def test_the_sealing_keyring_is_named_and_cached_as_set():
    settings = load_settings({"SEALING_KEYRING_SECRET": "autre/trousseau", "SEALING_KEYS_CACHE_SECONDS": "60"})
    assert (settings.sealing_keyring_secret, settings.sealing_keys_cache_seconds) == ("autre/trousseau", 60)


@pytest.mark.parametrize(
    "environment",
    [
        {"SEALING_KEYS_CACHE_SECONDS": "0"},
        {"SEALING_KEYS_CACHE_SECONDS": "3601"},
        {"CGU_VERSION": "v" * 22},  # a draft id of 86 characters has room for 21 bytes
        {"CGU_VERSION": "2026-11-01 révisée"},  # one byte a character: ASCII
    ],
)
def test_sealing_settings_out_of_their_bounds_are_refused(environment):
    with pytest.raises(ConfigurationError, match=next(iter(environment))):
        load_settings(environment)


def test_no_setting_holds_a_sealing_key_any_more():
    from chalicelib.settings import ENVIRONMENT_NAMES

    assert "CAPTCHA_SECRET" not in ENVIRONMENT_NAMES
    assert not hasattr(load_settings({}), "captcha_key")


def test_the_openid_providers_default_to_the_local_provider_s_clients():
    settings = load_settings({})
    assert (settings.franceconnect_issuer, settings.franceconnect_client_id) == (
        "http://127.0.0.1:9000/franceconnect",
        "mon-compte-formation",
    )
    assert (settings.proconnect_issuer, settings.proconnect_client_id) == (
        "http://127.0.0.1:9000/proconnect",
        "mon-compte-formation-pro",
    )
    assert settings.franceconnect_client_secret is None and settings.franceconnect_client_secret_name is None


@pytest.mark.parametrize("provider", ["FRANCECONNECT", "PROCONNECT"])
def test_off_loopback_an_issuer_is_https_and_its_secret_comes_from_secrets_manager(provider):
    issuer = {f"{provider}_ISSUER": "https://fcp.integ01.dev-franceconnect.fr/api/v2"}
    named = {**issuer, f"{provider}_CLIENT_SECRET_NAME": "mon-compte-formation/franceconnect"}
    assert load_settings(named)
    with pytest.raises(ConfigurationError, match=f"{provider}_CLIENT_SECRET_NAME"):
        load_settings(issuer)
    with pytest.raises(ConfigurationError, match="only allowed against a loopback issuer"):
        load_settings({**named, f"{provider}_CLIENT_SECRET": "un-secret-dans-l-environnement"})
    with pytest.raises(ConfigurationError, match="https"):
        load_settings({**named, f"{provider}_ISSUER": "http://franceconnect.example.fr"})


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:9000/franceconnect/", "franceconnect", "http://a b/c"])
def test_an_issuer_is_a_url_without_a_trailing_slash(issuer):
    with pytest.raises(ConfigurationError, match="FRANCECONNECT_ISSUER"):
        load_settings({"FRANCECONNECT_ISSUER": issuer})
