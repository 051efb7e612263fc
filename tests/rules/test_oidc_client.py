"""The OpenID client's pure parts (chalicelib/oidc.py); its talk with a provider is tested through
the API against a real one (tests/api/test_franceconnect.py)."""

from chalicelib import oidc


def test_the_pkce_challenge_is_rfc_7636_s256():
    # RFC 7636, appendix B
    assert (
        oidc.code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_the_scopes_are_the_contract_s():
    assert oidc.FRANCECONNECT_SCOPES == (
        "openid",
        "given_name",
        "family_name",
        "birthdate",
        "gender",
        "birthplace",
        "birthcountry",
    )
    assert oidc.PROCONNECT_SCOPES == ("openid", "email", "given_name", "usual_name", "siret")


def test_a_provider_s_secret_is_never_in_its_repr():
    provider = oidc.Provider("http://127.0.0.1:9000/franceconnect", "id", "tres-secret", "http://x/retour", ())
    assert "tres-secret" not in repr(provider)
