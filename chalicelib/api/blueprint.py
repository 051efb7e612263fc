"""The API's blueprint: every route declares what it takes and answers (the OpenAPI description is
generated from that), answers domain refusals with problem documents, and routes marked
`authenticated` get the caller's session, checked in the request path (no authorizer Lambda, no
authorizer cache: logging out takes effect at once)."""

import functools
import logging
from dataclasses import dataclass, field

from chalice import Blueprint, Response
from pydantic import BaseModel

from .. import dependencies
from ..domain import sessions
from ..domain.errors import DomainError
from ..settings import get_settings
from . import bodies
from .answers import Answer
from .problems import HttpProblem, aws_outage_code, from_exception, json_response, service_unavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Operation:
    """What a route takes and answers, for the OpenAPI description.

    `answers` maps each success status to its Answer model, to a media type (a binary answer), or to
    None (no content). `refusals` maps statuses to the problem codes the route itself may answer;
    the codes every route shares (a bad body, a lost session, an unavailable service) are added by
    the description."""

    summary: str
    answers: dict[int, type[Answer] | str | None]
    body: type[BaseModel] | None = None
    optional_body: bool = False
    refusals: dict[int, tuple[str, ...]] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    authenticated: bool | str = False  # True, or "ticket" when the view proves the session with its own read


def bearer_token(request) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def current_session(request) -> sessions.Session:
    return sessions.authenticate(
        dependencies.store(),
        dependencies.clock(),
        bearer_token(request),
        idle_seconds=get_settings().session_idle_seconds,
        key=get_settings().captcha_key(),
    )


class ApiBlueprint(Blueprint):
    @property
    def app(self):
        """The app this blueprint is registered on (for the routes that describe the API itself)."""
        return self._current_app

    def route(
        self,
        path: str,
        *,
        methods: list[str],
        summary: str,
        answers: dict[int, type[Answer] | str | None],
        body: type[BaseModel] | None = None,
        parse_body: bool = True,
        optional_body: bool = False,
        refusals: dict[int, tuple[str, ...]] | None = None,
        query: dict[str, str] | None = None,
        authenticated: bool | str = False,
        **kwargs,
    ):
        """Register a route. With `body`, the request's JSON is checked against that form and the
        view gets it as `form` (unless `parse_body` is False: the view then reads the body itself).
        A view may return an Answer (sent with the route's one success status) or a Response."""
        kwargs.setdefault("content_types", ["application/json"])
        register = super().route(path, methods=methods, **kwargs)
        operation = Operation(summary, answers, body, optional_body, refusals or {}, query or {}, authenticated)
        (success_status, *_) = answers

        def decorator(view):
            @functools.wraps(view)
            def handler(**path_parameters):
                try:
                    # Who asks comes first: a stranger learns nothing, not even what a body should be.
                    # A "ticket" route reads the session with its own items and proves it itself.
                    if authenticated == "ticket":
                        session = [sessions.ticket(bearer_token(self.current_request), get_settings().captcha_key())]
                    else:
                        session = [current_session(self.current_request)] if authenticated else []
                    arguments = dict(path_parameters)
                    if body is not None and parse_body:
                        arguments["form"] = bodies.parse(body, self.current_request, optional=optional_body)
                    return _response(view(*session, **arguments), success_status)
                except (DomainError, HttpProblem) as refusal:
                    return from_exception(refusal)
                except Exception as error:
                    code = aws_outage_code(error)
                    if code is None:
                        raise
                    _log_outage(self.current_request, code, self._current_app.lambda_context)
                    return service_unavailable()

            handler.operation = operation
            register(handler)
            return view

        return decorator


def _response(result, status: int) -> Response:
    return json_response(result, status) if isinstance(result, Answer) else result


def _log_outage(request, aws_code: str, lambda_context) -> None:
    """The route, the AWS error code and the request id (API Gateway's, else the Lambda's): never a
    body, a header or a path value (they may hold a NIR or a token)."""
    context = request.context or {}
    request_id = context.get("requestId") or getattr(lambda_context, "aws_request_id", None) or "?"
    log.warning(
        "service_indisponible on %s %s: AWS %s (request %s)",
        request.method,
        context.get("resourcePath", "?"),
        aws_code,
        request_id,
    )
