"""Refusals are made fresh (contract §13): each is declared once as a spec, and each raise calls it for
a new exception, so that no exception lives at module level gathering the frames that raised it."""

import importlib
import pkgutil

import pytest

import chalicelib
from chalicelib.api import problems
from chalicelib.domain import identity, passwords, registration, sessions
from chalicelib.domain.errors import (
    Conflict,
    FieldError,
    FieldRule,
    InvalidInput,
    InvalidValue,
    Refusal,
    TooManyAttempts,
)


def chalicelib_modules():
    for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        yield importlib.import_module(module.name)


def held_by(value, depth: int = 2):
    """The value and what a tuple, list, set or dict of module level holds, a few levels down."""
    yield value
    if depth and isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from held_by(item, depth - 1)
    if depth and isinstance(value, dict):
        for item in value.values():
            yield from held_by(item, depth - 1)


def test_no_module_of_chalicelib_holds_an_exception():
    kept = [
        f"{module.__name__}.{name}"
        for module in chalicelib_modules()
        for name, value in vars(module).items()
        if any(isinstance(held, BaseException) for held in held_by(value))
    ]
    assert kept == []


def test_each_call_of_a_refusal_is_a_new_exception_with_its_code_and_sentence():
    first, second = registration.DRAFT_NOT_FOUND(), registration.DRAFT_NOT_FOUND()
    assert first is not second and first.__traceback__ is None
    assert (first.code, first.detail) == ("inscription_introuvable", registration.DRAFT_NOT_FOUND.detail)
    assert problems.from_exception(first).status_code == 404


def test_a_refusal_whose_sentence_depends_on_the_case_is_given_it():
    locked = sessions.LOCKED("Trop de tentatives.", retry_after_seconds=120)
    assert isinstance(locked, TooManyAttempts) and locked.retry_after_seconds == 120
    assert problems.from_exception(locked).headers["Retry-After"] == "120"
    with pytest.raises(TypeError):
        sessions.LOCKED()  # no sentence of its own: a problem document always has its French detail


def test_an_invalid_session_says_how_to_authenticate():
    answer = problems.from_exception(sessions.INVALID_SESSION())
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "WWW-Authenticate" not in problems.from_exception(sessions.BAD_CREDENTIALS()).headers


def test_a_field_s_refusal_carries_its_field_and_adds_the_case_s():
    rule = FieldError("courriel", "courriel_deja_utilise", "Cette adresse est déjà utilisée.")
    taken = Refusal.of_field(Conflict, rule)
    other = FieldError("nir", "nir_deja_inscrit", "Ce NIR est déjà inscrit.")
    refusal = taken(erreurs=[other])
    assert (refusal.code, refusal.detail, refusal.erreurs) == (rule.code, rule.message, [rule, other])
    assert taken().erreurs == [rule]  # the spec itself is left as it was


def test_the_routes_declare_refusal_specs_by_their_status():
    declared = problems.refusals(registration.DRAFT_NOT_FOUND, sessions.LOCKED, Refusal(InvalidInput, "x", "."))
    assert declared == {404: ("inscription_introuvable",), 429: ("compte_verrouille",), 400: ("x",)}


def test_a_field_rule_is_declared_beside_its_check_and_broken_afresh():
    with pytest.raises(InvalidValue) as refused:
        identity.normalize_nir("2 84 05 75 123 456 00")
    assert refused.value.code == identity.NIR_KEY_INVALID.code
    assert identity.NIR_KEY_INVALID() is not identity.NIR_KEY_INVALID()
    assert passwords.LETTERS.on("mot_de_passe") == FieldError("mot_de_passe", "mdp_lettres", passwords.LETTERS.message)
    with pytest.raises(TypeError):
        FieldRule("nir_invalide")()  # no sentence of its own: each case says what is wrong
    assert problems.refusals(identity.EMAIL_INVALID, *passwords.RULES)[400][:2] == ("courriel_invalide", "mdp_lettres")
