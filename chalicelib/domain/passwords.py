"""Password rules and password hashing.

Two rule profiles: `cpf-2015`, the portal's historical rule ("au minimum 5 lettres dont une
majuscule et 3 chiffres", three of four character categories), and `cnil-2022` (12 characters,
all four categories). Hashes are argon2id with at least OWASP's minimum parameters; argon2 is
imported on first use, by the routes that hash or verify.
"""

import unicodedata
from functools import lru_cache
from typing import Any

from .errors import FieldError, FieldRule, InvalidInput, Refusal

MAX_LENGTH = 128
CNIL_MIN_LENGTH = 12

# OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 passes, 1 lane.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

# The rules, each with its code: every unmet one is its own entry, in the field it was broken in.
LETTERS = FieldRule("mdp_lettres", "Le mot de passe doit comporter au moins 5 lettres.")
UPPERCASE = FieldRule("mdp_majuscule", "Le mot de passe doit comporter au moins une majuscule.")
DIGITS = FieldRule("mdp_chiffres", "Le mot de passe doit comporter au moins 3 chiffres.")
CATEGORIES = FieldRule("mdp_categories")  # each profile says which
LENGTH = FieldRule("mdp_longueur")  # each profile says how long
CONFIRMATION_DIFFERENT = FieldRule(
    "mdp_confirmation_differente", "La confirmation ne correspond pas au mot de passe saisi."
)
RULES = (LETTERS, UPPERCASE, DIGITS, CATEGORIES, LENGTH, CONFIRMATION_DIFFERENT)

PASSWORD_FIELD = "mot_de_passe"
CONFIRMATION_FIELD = "mot_de_passe_confirmation"


def normalize(password: str) -> str:
    """NFC, so that "é" typed on two keyboards is the same password; never trimmed."""
    return unicodedata.normalize("NFC", password)


def _categories(password: str) -> dict[str, bool]:
    return {
        "majuscules": any(c.isupper() for c in password),
        "minuscules": any(c.islower() for c in password),
        "chiffres": any(c in "0123456789" for c in password),
        "speciaux": any(not c.isalnum() for c in password),
    }


def _cpf_2015_errors(password: str, field: str) -> list[FieldError]:
    errors = []
    if sum(c.isalpha() for c in password) < 5:
        errors.append(LETTERS.on(field))
    if not any(c.isupper() for c in password):
        errors.append(UPPERCASE.on(field))
    if sum(c in "0123456789" for c in password) < 3:
        errors.append(DIGITS.on(field))
    if sum(_categories(password).values()) < 3:
        errors.append(
            CATEGORIES.on(
                field,
                "Le mot de passe doit mêler au moins 3 catégories de caractères parmi : majuscules, "
                "minuscules, chiffres, caractères spéciaux.",
            )
        )
    if len(password) > MAX_LENGTH:
        errors.append(LENGTH.on(field, f"Le mot de passe doit comporter au plus {MAX_LENGTH} caractères."))
    return errors


def _cnil_2022_errors(password: str, field: str) -> list[FieldError]:
    errors = []
    if not CNIL_MIN_LENGTH <= len(password) <= MAX_LENGTH:
        errors.append(
            LENGTH.on(
                field,
                f"Le mot de passe doit comporter de {CNIL_MIN_LENGTH} à {MAX_LENGTH} caractères.",
            )
        )
    if not all(_categories(password).values()):
        errors.append(
            CATEGORIES.on(
                field,
                "Le mot de passe doit comporter des majuscules, des minuscules, des chiffres et des "
                "caractères spéciaux.",
            )
        )
    return errors


_PROFILES = {"cpf-2015": _cpf_2015_errors, "cnil-2022": _cnil_2022_errors}


REFUSED = Refusal(InvalidInput, "mot_de_passe_invalide", "Le mot de passe ne respecte pas les règles indiquées.")


def refused(errors: list[FieldError]) -> InvalidInput:
    """A new password that breaks the rule: every rule it breaks, each in its field."""
    return REFUSED(erreurs=errors)


def check_new_password(
    policy: str,
    password: str,
    confirmation: str,
    field: str = PASSWORD_FIELD,
    confirmation_field: str = CONFIRMATION_FIELD,
) -> list[FieldError]:
    """Every unmet rule, each its own entry, so the portal can tick them off one by one."""
    errors = _PROFILES[policy](password, field)
    if password != confirmation:
        errors.append(CONFIRMATION_DIFFERENT.on(confirmation_field))
    return errors


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    hashed: str = _hasher().hash(password)
    return hashed


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("pas un vrai mot de passe, pour égaliser les temps de réponse")


def spend_verification_time(password: str) -> None:
    """Verify against a throw-away hash, so that an unknown login costs what a wrong password costs."""
    verify_password(_dummy_hash(), password)


def policy_rules(policy: str) -> list[dict[str, object]]:
    """The rules of a profile as the portal lists them, so that its page ticks each one while the
    person types, for whichever profile the server runs (the page cannot know PASSWORD_POLICY).

    Each rule names what to count in the NFC-normalised password (`mesure`: lettres, majuscules,
    chiffres, categories among the four of _categories, longueur in code points) and its bounds
    (`min`, `max`, null when open), and carries the code check_new_password reports when it is
    unmet: tests/api/test_portal_routes_api.py checks both agree on many passwords."""
    profiles: dict[str, list[tuple[str, str, str, int | None, int | None]]] = {
        "cpf-2015": [
            ("mdp_lettres", "5 lettres minimum", "lettres", 5, None),
            ("mdp_majuscule", "dont 1 majuscule minimum", "majuscules", 1, None),
            ("mdp_chiffres", "3 chiffres minimum", "chiffres", 3, None),
            (
                "mdp_categories",
                "3 catégories de caractères minimum parmi : majuscules, minuscules, chiffres, caractères spéciaux",
                "categories",
                3,
                None,
            ),
            ("mdp_longueur", f"{MAX_LENGTH} caractères maximum", "longueur", None, MAX_LENGTH),
        ],
        "cnil-2022": [
            (
                "mdp_longueur",
                f"{CNIL_MIN_LENGTH} caractères minimum ({MAX_LENGTH} au plus)",
                "longueur",
                CNIL_MIN_LENGTH,
                MAX_LENGTH,
            ),
            (
                "mdp_categories",
                "des majuscules, des minuscules, des chiffres et des caractères spéciaux",
                "categories",
                4,
                None,
            ),
        ],
    }
    listed = profiles[policy]
    return [
        {"code": code, "message": message, "mesure": measure, "min": low, "max": high}
        for code, message, measure, low, high in listed
    ]
