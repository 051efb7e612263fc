"""RFC 9457 problem documents: every error the API gives, with a stable `code` and a French `detail`."""

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalice.app import Response

from ..domain import errors

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
JSON_TYPE = "application/json; charset=utf-8"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    406: "Format de réponse non disponible",
    409: "Conflit",
    410: "Ressource expirée",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    429: "Trop de tentatives",
    500: "Erreur interne",
    502: "Service indisponible",
    503: "Service indisponible",
    504: "Service indisponible",
}

# Every kind of DomainError, by the status it answers.
STATUS_OF = {
    errors.InvalidInput: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Expired: 410,
    errors.TooManyAttempts: 429,
    errors.ProviderDown: 502,
}

# What the API says when Chalice itself refuses a request, before any view runs.
FRAMEWORK_PROBLEMS = {
    400: ("requete_invalide", "La requête n'est pas valide."),
    403: ("ressource_introuvable", "Cette adresse ne correspond à aucun service."),
    404: ("ressource_introuvable", "Cette adresse ne correspond à aucun service."),
    405: ("methode_non_autorisee", "Cette méthode n'est pas acceptée à cette adresse."),
    413: ("corps_trop_volumineux", "Le corps de la requête dépasse la taille autorisée."),
    415: ("type_contenu_non_pris_en_charge", "Le corps de la requête doit être envoyé en JSON (application/json)."),
    500: ("erreur_interne", "Une erreur inattendue est survenue. Merci de réessayer dans quelques instants."),
}


# When AWS itself fails (throttled, unavailable, timed out, a transaction cancelled by a concurrent
# one), the request did nothing durable (a transaction or nothing) and may simply be sent again.
SERVICE_UNAVAILABLE = (
    "service_indisponible",
    "Le service est momentanément indisponible : merci de réessayer dans quelques instants.",
)
RETRY_AFTER_SECONDS = 2
# AWS error codes that mean a bug of ours, not an outage: those stay 500s, to be fixed.
_OUR_BUGS = frozenset({"ValidationException", "SerializationException"})


def aws_outage_code(error: BaseException) -> str | None:
    """The AWS error code when `error` is AWS failing (or a write meeting an unexpected conflict),
    None when it is anything else. botocore is looked up, never imported: if it is not loaded, no
    AWS call was made."""
    import sys

    if isinstance(error, errors.WriteConflict):
        return "WriteConflict"
    botocore = sys.modules.get("botocore.exceptions")
    if botocore is None:
        return None
    if isinstance(error, botocore.ClientError):
        code = error.response.get("Error", {}).get("Code", "ClientError")
        return None if code in _OUR_BUGS else code
    if isinstance(error, botocore.BotoCoreError):
        return type(error).__name__
    return None


def service_unavailable() -> Response:
    return problem(503, *SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class HttpProblem(Exception):
    """A refusal that belongs to HTTP rather than to the domain (body too large, wrong Accept...)."""

    def __init__(self, status: int, code: str, detail: str, erreurs: Sequence[errors.FieldError] = ()) -> None:
        super().__init__(code)
        self.status, self.code, self.detail, self.erreurs = status, code, detail, list(erreurs)


@dataclass(frozen=True)
class HttpRefusal:
    """An HTTP refusal, declared once like the domain's: each call makes a fresh HttpProblem."""

    status: int
    code: str
    detail: str

    def __call__(self) -> HttpProblem:
        return HttpProblem(self.status, self.code, self.detail)


# What a route declares it may refuse: a domain refusal (its kind says its status), an HTTP one, or
# a rule of a field its form checks (400).
Declared = errors.Refusal[Any] | HttpRefusal | errors.FieldRule


def refusals(*declared: Declared) -> dict[int, tuple[str, ...]]:
    """The codes a route may answer, by status, in the order given (for the OpenAPI description)."""
    by_status: dict[int, tuple[str, ...]] = {}
    for refusal in declared:
        status, code = _status_and_code(refusal)
        if code not in by_status.get(status, ()):
            by_status[status] = (*by_status.get(status, ()), code)
    return by_status


def _status_and_code(refusal: Declared) -> tuple[int, str]:
    if isinstance(refusal, errors.FieldRule):
        return 400, refusal.code
    if isinstance(refusal, HttpRefusal):
        return refusal.status, refusal.code
    return status_of(refusal.kind), refusal.code


def status_of(kind: type[errors.DomainError]) -> int:
    return next(status for cls, status in STATUS_OF.items() if issubclass(kind, cls))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer: an Answer model (its fields as set) or a plain dict."""
    text = (
        body.model_dump_json(exclude_unset=True)
        if hasattr(body, "model_dump_json")
        else json.dumps(body, ensure_ascii=False)
    )
    return Response(
        body=text,
        status_code=status,
        headers={"Content-Type": JSON_TYPE, **(headers or {})},
    )


def problem(
    status: int,
    code: str,
    detail: str,
    erreurs: Sequence[errors.FieldError] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    title = TITLES.get(status, "Erreur")
    document: dict[str, object] = {"status": status, "title": title, "detail": detail, "code": code}
    if erreurs:
        document["erreurs"] = [{"champ": e.champ, "code": e.code, "message": e.message} for e in erreurs]
    return Response(
        body=json.dumps(document, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": PROBLEM_TYPE, **(headers or {})},
    )


def from_exception(error: errors.DomainError | HttpProblem) -> Response:
    if isinstance(error, HttpProblem):
        return problem(error.status, error.code, error.detail, error.erreurs)
    return problem(status_of(type(error)), error.code, error.detail, error.erreurs, error.headers)


def problem_documents(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Middleware: whatever happens, the client gets a problem document, never a stack trace."""
    try:
        response = get_response(event)
    except Exception:
        log.exception("erreur_non_geree")  # its type and code lines only (chalicelib/logs.py), never its text
        response = problem(500, *FRAMEWORK_PROBLEMS[500])
    if response.status_code >= 400 and _content_type(response) != PROBLEM_TYPE:
        status = response.status_code
        code, detail = FRAMEWORK_PROBLEMS.get(status, FRAMEWORK_PROBLEMS[500 if status >= 500 else 400])
        response = problem(status, code, detail, headers=_kept_headers(response))
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _content_type(response: Response) -> str:
    for name, value in response.headers.items():
        if name.lower() == "content-type":
            return str(value)
    return ""


def _kept_headers(response: Response) -> dict[str, str]:
    return {name: str(value) for name, value in response.headers.items() if name.lower() in ("allow", "retry-after")}
