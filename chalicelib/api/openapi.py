"""The machine-readable contract: `GET /openapi.json`, an OpenAPI 3.1 description generated from the
app's own route table and, for each route, what its decorator declares (the pydantic form it takes,
the Answer models it gives, the problem codes it may answer). Nothing here is written by hand but
the words: a route cannot exist without being described, nor be described otherwise than it is.
"""

import re
from functools import lru_cache
from typing import Any, Literal, TypeGuard

from chalice.app import Chalice, Response
from pydantic import BaseModel

from ..domain import sessions
from . import bodies
from .answers import Answer
from .blueprint import ApiBlueprint, Operation, operation_of
from .problems import FRAMEWORK_PROBLEMS, PROBLEM_TYPE, SERVICE_UNAVAILABLE, TITLES, refusals

VERSION = "1.0.0"
REFERENCE = "#/components/schemas/{model}"
Json = dict[str, Any]  # a part of the description
Codes = dict[int, tuple[str, ...]]

# Problems every route may answer, besides its own.
BODY_PROBLEMS: Codes = {
    400: (
        bodies.NOT_JSON.code,
        bodies.FIELDS_INVALID.code,
        "champ_inconnu",
        "champ_requis",
        "type_invalide",
        "longueur_invalide",
        "valeur_invalide",
        "valeur_hors_limites",
        "format_invalide",
    ),
    413: (bodies.TOO_LARGE.code,),
    415: (FRAMEWORK_PROBLEMS[415][0],),
}
SESSION_PROBLEMS: Codes = refusals(sessions.INVALID_SESSION)
AWS_PROBLEMS: Codes = {503: (SERVICE_UNAVAILABLE[0],)}
# Routes that answer without AWS.
WITHOUT_AWS = {("GET", "/cgu"), ("GET", "/openapi.json"), ("GET", "/mots-de-passe/regles")}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Document de problème (RFC 9457) : toute erreur de l'API.",
    "required": ["status", "title", "detail", "code"],
    "properties": {
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "detail": {"type": "string", "description": "Phrase en français à montrer à la personne."},
        "code": {"type": "string", "description": "Code stable de l'erreur, en snake_case."},
        "erreurs": {
            "type": "array",
            "description": "Chaque champ invalide, tous à la fois.",
            "items": {
                "type": "object",
                "required": ["champ", "code", "message"],
                "properties": {"champ": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}

blueprint = ApiBlueprint(__name__)


@blueprint.route(
    "/openapi.json",
    methods=["GET"],
    summary="Cette description de l'API, au format OpenAPI 3.1",
    answers={200: "application/json"},
)
def openapi_document() -> Response:
    from .problems import json_response

    return json_response(describe(blueprint.app))


@lru_cache(maxsize=4)
def describe(app: Chalice) -> Json:
    """The OpenAPI document of `app`: the same for the life of the process, so built once."""
    operations = [
        (path, method, operation_of(entry.view_function), _operation_id(entry.view_function))
        for path, methods in sorted(app.routes.items())
        for method, entry in sorted(methods.items())
    ]
    schemas = _schemas([op for _, _, op, _ in operations])
    paths: Json = {}
    for path, method, operation, name in operations:
        paths.setdefault(path, {})[method.lower()] = _operation(path, method, operation, name)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mon Compte Formation : API de l'espace titulaire",
            "version": VERSION,
            "description": (
                "L'API du compte personnel de formation (CPF) côté titulaire : inscription, activation, "
                "connexion, espace titulaire, délégations, heures CPF. Tout est en JSON UTF-8 ; toute erreur "
                "est un document de problème (RFC 9457) avec un `code` stable et un `detail` en français."
            ),
            "contact": {"name": "Mon Compte Formation", "url": "https://www.moncompteformation.gouv.fr/contact"},
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {**schemas, "Probleme": PROBLEM_SCHEMA},
            "securitySchemes": {
                "jeton": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Le jeton rendu par POST /sessions, dans Authorization: Bearer <jeton>.",
                }
            },
        },
    }


def _schemas(operations: list[Operation]) -> Json:
    models: set[type[BaseModel]] = {op.body for op in operations if op.body is not None}
    models |= {answer for op in operations for answer in op.answers.values() if _is_model(answer)}
    from pydantic.json_schema import models_json_schema

    mode: dict[bool, Literal["validation", "serialization"]] = {False: "validation", True: "serialization"}
    pairs = [(model, mode[issubclass(model, Answer)]) for model in models]
    _, top = models_json_schema(sorted(pairs, key=lambda pair: pair[0].__name__), ref_template=REFERENCE)
    definitions: Json = top.get("$defs", {})
    return definitions


def _operation(path: str, method: str, operation: Operation, name: str) -> Json:
    described: Json = {
        "operationId": name,
        "summary": operation.summary,
        "parameters": _parameters(path, operation),
        "responses": {**_answers(operation), **_problems(path, method, operation)},
    }
    if operation.body is not None:
        described["requestBody"] = {
            "required": not operation.optional_body,
            "content": {"application/json": {"schema": {"$ref": REFERENCE.format(model=operation.body.__name__)}}},
        }
    if operation.authenticated != "none":
        described["security"] = [{"jeton": []}]
    if not described["parameters"]:
        del described["parameters"]
    return described


def _parameters(path: str, operation: Operation) -> list[Json]:
    in_path = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", path)
    ]
    in_query = [
        {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": "string"}}
        for name, description in operation.query.items()
    ]
    return in_path + in_query


def _answers(operation: Operation) -> Json:
    responses: Json = {}
    for status, answer in operation.answers.items():
        if answer is None:
            responses[str(status)] = {"description": "Fait ; pas de contenu."}
        elif _is_model(answer):
            schema: Json = {"$ref": REFERENCE.format(model=answer.__name__)}
            responses[str(status)] = {
                "description": answer.__doc__.strip().splitlines()[0] if answer.__doc__ else "Réussite.",
                "content": {"application/json": {"schema": schema}},
            }
        elif isinstance(answer, str):  # a media type: audio, or a document of its own kind
            schema = {"type": "object"} if answer.endswith("json") else {"type": "string", "format": "binary"}
            responses[str(status)] = {"description": "Réussite.", "content": {answer: {"schema": schema}}}
    return responses


def _problems(path: str, method: str, operation: Operation) -> Json:
    codes: dict[int, list[str]] = {}
    shared: list[Codes] = [operation.refusals]
    if operation.body is not None:
        shared.append(BODY_PROBLEMS)
    if operation.authenticated != "none":
        shared.append(SESSION_PROBLEMS)
    if (method, path) not in WITHOUT_AWS:
        shared.append(AWS_PROBLEMS)
    for problems in shared:
        for status, status_codes in problems.items():
            codes.setdefault(status, [])
            codes[status] += [code for code in status_codes if code not in codes[status]]
    return {
        str(status): {
            "description": f"{TITLES.get(status, 'Erreur')} : " + ", ".join(status_codes),
            "headers": _problem_headers(status),
            "content": {PROBLEM_TYPE: {"schema": {"$ref": REFERENCE.format(model="Probleme"), **_codes(status_codes)}}},
        }
        for status, status_codes in sorted(codes.items())
    }


def _codes(status_codes: list[str]) -> Json:
    """The route's codes, beside the reference to Probleme (OpenAPI 3.1 allows it): JSON Schema
    validators apply both, and code generators, which read a reference alone, make one Probleme class
    for every error. `status` is not narrowed, nor is anything merged with allOf: generators that merge
    (openapi-python-client) cannot merge an integer with a constant and dropped every error answer."""
    return {"properties": {"code": {"enum": status_codes}}}


def _problem_headers(status: int) -> Json:
    if status in (429, 503):
        return {"Retry-After": {"description": "Secondes avant de réessayer.", "schema": {"type": "integer"}}}
    if status == 401:
        return {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return {}


def _operation_id(view: Any) -> str:
    """Unique and fit for generated code: the route module's name, then the view's (holder_create_dossier)."""
    module = view.__module__.rsplit(".", 1)[-1].removesuffix("_routes")
    return f"{module}_{view.__name__}"


def _is_model(answer: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(answer, type) and issubclass(answer, BaseModel)
