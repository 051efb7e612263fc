"""The API's blueprint: every route answers domain refusals with problem documents, and routes
marked `authenticated` get the caller's session, checked in the request path (no authorizer
Lambda, no authorizer cache: logging out takes effect at once)."""

import functools
import logging

from chalice import Blueprint

from .. import dependencies
from ..domain import sessions
from ..domain.errors import DomainError
from ..settings import get_settings
from .problems import HttpProblem, aws_outage_code, from_exception, service_unavailable

log = logging.getLogger(__name__)


def bearer_token(request) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def current_session(request) -> sessions.Session:
    return sessions.authenticate(
        dependencies.store(),
        dependencies.clock(),
        bearer_token(request),
        idle_seconds=get_settings().session_idle_seconds,
    )


class ApiBlueprint(Blueprint):
    def route(self, path: str, authenticated: bool = False, **kwargs):
        kwargs.setdefault("content_types", ["application/json"])
        register = super().route(path, **kwargs)

        def decorator(view):
            @functools.wraps(view)
            def handler(**path_parameters):
                try:
                    if authenticated:
                        return view(current_session(self.current_request), **path_parameters)
                    return view(**path_parameters)
                except (DomainError, HttpProblem) as refusal:
                    return from_exception(refusal)
                except Exception as error:
                    code = aws_outage_code(error)
                    if code is None:
                        raise
                    _log_outage(self.current_request, code)
                    return service_unavailable()

            register(handler)
            return view

        return decorator


def _log_outage(request, aws_code: str) -> None:
    """The route, the AWS error code and the request id: never a body, a header or a path value
    (they may hold a NIR or a token)."""
    context = request.context or {}
    log.warning(
        "service_indisponible on %s %s: AWS %s (request %s)",
        request.method,
        context.get("resourcePath", "?"),
        aws_code,
        context.get("requestId", "?"),
    )
