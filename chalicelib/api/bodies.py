"""Request bodies: at most 16 KiB of JSON holding one object, checked against a pydantic form.

Every invalid field is reported at once, each with a stable code and a French message.
"""

import json
from functools import lru_cache
from typing import Any, NoReturn

from chalice.app import Request
from pydantic import BaseModel, ValidationError

from ..domain.errors import FieldError, InvalidInput, Refusal
from .problems import HttpRefusal

MAX_BODY_BYTES = 16 * 1024

NOT_AN_OBJECT = "Le corps de la requête doit être un objet JSON valide, encodé en UTF-8."
NOT_JSON = Refusal(InvalidInput, "json_invalide", NOT_AN_OBJECT)
EMPTY = "Le corps de la requête est vide : un objet JSON est attendu."
FIELDS_INVALID = Refusal(
    InvalidInput, "champs_invalides", "Certains champs ne sont pas valides : merci de les corriger."
)
TOO_LARGE = HttpRefusal(413, "corps_trop_volumineux", "Le corps de la requête ne doit pas dépasser 16 Kio.")

# Pydantic's error types, in the API's words. Our own rules raise errors whose type is already our code.
_GENERIC_ERRORS = {
    "extra_forbidden": ("champ_inconnu", "Ce champ n'est pas attendu."),
    "missing": ("champ_requis", "Ce champ est obligatoire."),
    "string_too_long": ("longueur_invalide", "Ce champ est trop long."),
    "string_too_short": ("longueur_invalide", "Ce champ est trop court."),
    "literal_error": ("valeur_invalide", "Cette valeur n'est pas acceptée."),
    "enum": ("valeur_invalide", "Cette valeur n'est pas acceptée."),
    "string_pattern_mismatch": ("format_invalide", "Ce champ n'a pas le format attendu."),
    "greater_than_equal": ("valeur_hors_limites", "Cette valeur est trop petite."),
    "less_than_equal": ("valeur_hors_limites", "Cette valeur est trop grande."),
}
_TYPE_ERROR = ("type_invalide", "Ce champ n'a pas le type attendu.")


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(name)  # NaN and Infinity are not JSON


def json_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    raw = request.raw_body or b""
    if isinstance(raw, str):  # Chalice gives bytes; its stub allows either
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BODY_BYTES:
        raise TOO_LARGE()
    if not raw.strip():
        if optional:
            return {}
        raise NOT_JSON(EMPTY)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise NOT_JSON() from None
    if not isinstance(data, dict):
        raise NOT_JSON()
    return data


def field_errors(error: ValidationError) -> list[FieldError]:
    """Every invalid field, each with a stable code: our own rules' codes as they are, pydantic's
    own error types mapped to the API's generic codes (never pydantic's names or messages)."""
    found = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "corps"
        kind = item["type"]
        if kind not in _pydantic_error_types():
            code, message = kind, item["msg"]  # raised by our rules: their code and French message
        elif kind in _GENERIC_ERRORS:
            code, message = _GENERIC_ERRORS[kind]
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            code, message = _TYPE_ERROR
        else:
            code, message = "valeur_invalide", "Cette valeur n'est pas acceptée."
        found.append(FieldError(field, code, message))
    return found


@lru_cache(maxsize=1)
def _pydantic_error_types() -> frozenset[str]:
    from typing import get_args

    from pydantic_core.core_schema import ErrorType

    return frozenset(get_args(ErrorType))


def check[F: BaseModel](form_class: type[F], data: dict[str, Any]) -> tuple[F | None, list[FieldError]]:
    """The form, or None with every reason it is not valid."""
    try:
        return form_class.model_validate(data), []
    except ValidationError as error:
        return None, field_errors(error)


def parse[F: BaseModel](form_class: type[F], request: Request, *, optional: bool = False) -> F:
    form, errors = check(form_class, json_object(request, optional=optional))
    if form is None:
        raise invalid(errors)
    return form


def invalid(errors: list[FieldError]) -> InvalidInput:
    if len(errors) == 1:
        return Refusal.of_field(InvalidInput, errors[0])()  # the one field's own code and sentence
    return FIELDS_INVALID(erreurs=errors)


def query_parameter(request: Request, name: str) -> str | None:
    parameters = request.query_params
    value = None if parameters is None else parameters.get(name)
    return None if value is None else str(value)
