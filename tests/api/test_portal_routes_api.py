"""GET /mots-de-passe/regles: the password rules in force, for the portal's live checklist.

Self-contained on purpose (the tests folder is being reorganised): only the `api` fixture of
tests/conftest.py is used."""

import unicodedata

import pytest

from chalicelib.domain import passwords

# Passwords around every bound of both profiles, with accents, other scripts and spaces.
PASSWORDS = [
    "",
    "a",
    "abcd",
    "Abcde12",
    "Abcde123",
    "abcde123",
    "ABCDE123",
    "Formation2015!",
    "formation2015!",
    "FORMATION!!!",
    "Éloïse123",
    "éloïse123!",
    "Ωmega 123 x",
    "Ab1!Ab1!Ab1!",
    "Ab1!Ab1!Ab1",
    "aaaaaaaaaaaa",
    "Aa1!" * 32,
    "Aa1!" * 32 + "x",
    "Cafe\u0301 1234 Z",  # "Café" decomposed: NFC makes it shorter by one character
    "١٢٣Abcde!",  # Arabic-Indic digits are not among the 3 digits asked
]


def count(measure: str, password: str) -> int:
    """What the portal's page counts (web/public/js/password-rules.js), in Python."""
    password = unicodedata.normalize("NFC", password)
    if measure == "lettres":
        return sum(c.isalpha() for c in password)
    if measure == "majuscules":
        return sum(c.isupper() for c in password)
    if measure == "chiffres":
        return sum(c in "0123456789" for c in password)
    if measure == "categories":
        return sum(
            [
                any(c.isupper() for c in password),
                any(c.islower() for c in password),
                any(c in "0123456789" for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
    if measure == "longueur":
        return len(password)
    raise AssertionError(f"unknown measure {measure}")


def unmet(rules: list[dict], password: str) -> set[str]:
    return {
        rule["code"]
        for rule in rules
        if (rule["min"] is not None and count(rule["mesure"], password) < rule["min"])
        or (rule["max"] is not None and count(rule["mesure"], password) > rule["max"])
    }


def test_the_default_profile_is_listed_in_the_tutorial_s_order(api):
    answer = api.get("/mots-de-passe/regles")
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.body["politique"] == "cpf-2015"
    rules = answer.body["regles"]
    codes = [rule["code"] for rule in rules]
    assert codes == ["mdp_lettres", "mdp_majuscule", "mdp_chiffres", "mdp_categories", "mdp_longueur"]
    assert rules[0] == {
        "code": "mdp_lettres",
        "message": "5 lettres minimum",
        "mesure": "lettres",
        "min": 5,
        "max": None,
    }


def test_the_profile_follows_the_server_setting(api, monkeypatch):
    monkeypatch.setenv("PASSWORD_POLICY", "cnil-2022")
    answer = api.get("/mots-de-passe/regles")
    assert answer.status == 200, answer.body
    assert answer.body["politique"] == "cnil-2022"
    assert {rule["code"]: (rule["min"], rule["max"]) for rule in answer.body["regles"]} == {
        "mdp_longueur": (12, 128),
        "mdp_categories": (4, None),
    }


def test_it_needs_no_session_and_takes_no_body(api):
    answer = api.get("/mots-de-passe/regles", headers={"Authorization": "Bearer nimportequoi"})
    assert answer.status == 200, answer.body
    refused = api.post("/mots-de-passe/regles", {})
    assert refused.status == 405, refused.body


@pytest.mark.parametrize("policy", ["cpf-2015", "cnil-2022"])
@pytest.mark.parametrize("password", PASSWORDS)
def test_the_listed_rules_flag_exactly_what_the_server_refuses(policy, password):
    """The checklist a page ticks from the listed rules cannot drift from the server's own check."""
    normalized = passwords.normalize(password)
    refused = {error.code for error in passwords.check_new_password(policy, normalized, normalized)}
    assert unmet(passwords.policy_rules(policy), password) == refused
