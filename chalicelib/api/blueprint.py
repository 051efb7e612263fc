"""The API's blueprint: every route declares what it takes and answers (the OpenAPI description is
generated from that), answers domain refusals with problem documents, and routes marked
`authenticated` get the caller's session, checked in the request path (no authorizer Lambda, no
authorizer cache: logging out takes effect at once)."""

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice.app import Blueprint, Chalice, Request, Response
from pydantic import BaseModel

from .. import dependencies
from ..domain import sessions
from ..domain.errors import DomainError
from ..settings import get_settings
from . import bodies
from .answers import Answer
from .problems import HttpProblem, aws_outage_code, from_exception, json_response, service_unavailable

log = logging.getLogger(__name__)

# A route's view: it takes the session (or ticket), path parameters and the form, and answers.
View = Callable[..., Answer | Response]


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


def operation_of(handler: Callable[..., Any]) -> Operation:
    """What a registered route declared (its handler carries it)."""
    operation: Operation = getattr(handler, "operation")  # noqa: B009  (set by ApiBlueprint.route)
    return operation


def bearer_token(request: Request) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def current_session(request: Request) -> sessions.Session:
    return sessions.authenticate(
        dependencies.store(),
        dependencies.clock(),
        bearer_token(request),
        idle_seconds=get_settings().session_idle_seconds,
        key=get_settings().session_and_activation_key(),
    )


class ApiBlueprint(Blueprint):
    @property
    def app(self) -> Chalice:
        """The app this blueprint is registered on (for the routes that describe the API itself)."""
        if self._current_app is None:
            raise RuntimeError("the blueprint is not registered on an app")
        return self._current_app

    def route(  # type: ignore[override]  # the API's routes declare what they take and answer
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
        **kwargs: Any,
    ) -> Callable[[View], View]:
        """Register a route. With `body`, the request's JSON is checked against that form and the
        view gets it as `form` (unless `parse_body` is False: the view then reads the body itself).
        A view may return an Answer (sent with the route's one success status) or a Response."""
        kwargs.setdefault("content_types", ["application/json"])
        register = super().route(path, methods=methods, **kwargs)
        operation = Operation(summary, answers, body, optional_body, refusals or {}, query or {}, authenticated)

        def decorator(view: View) -> View:
            @functools.wraps(view)
            def handler(**path_parameters: str) -> Response:
                return self._answer(view, operation, parse_body, path_parameters)

            handler.operation = operation  # type: ignore[attr-defined]  # read by the OpenAPI description
            register(handler)
            return view

        return decorator

    def _answer(self, view: View, operation: Operation, parse_body: bool, path_parameters: dict[str, str]) -> Response:
        """Run a view: who asks comes first (a stranger learns nothing, not even what a body should
        be), then the body; a refusal becomes a problem document, AWS failing a 503."""
        request = self.current_request
        try:
            # A "ticket" route reads the session with its own items and proves it itself.
            session: list[sessions.Session | sessions.Ticket] = []
            if operation.authenticated == "ticket":
                session = [sessions.ticket(bearer_token(request), get_settings().session_and_activation_key())]
            elif operation.authenticated:
                session = [current_session(request)]
            arguments: dict[str, object] = dict(path_parameters)
            if operation.body is not None and parse_body:
                arguments["form"] = bodies.parse(operation.body, request, optional=operation.optional_body)
            (success_status, *_) = operation.answers
            return _response(view(*session, **arguments), success_status)
        except (DomainError, HttpProblem) as refusal:
            return from_exception(refusal)
        except Exception as error:
            code = aws_outage_code(error)
            if code is None:
                raise
            app = self._current_app
            _log_outage(request, code, app.lambda_context if app else None)
            return service_unavailable()


def _response(result: Answer | Response, status: int) -> Response:
    return json_response(result, status) if isinstance(result, Answer) else result


def _log_outage(request: Request, aws_code: str, lambda_context: Any) -> None:
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
