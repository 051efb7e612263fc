"""The middleware that every invocation goes through (app.py registers it first, for every event
type): it binds the invocation's function, route and request ids for the log lines and metrics
(chalicelib/logs.py), and counts the API's business outcomes from the answer each route gave, so
that no route has to remember to count (chalicelib/metrics.py).

Counting from the answer's status is exact because each counted route has one success status and
distinct refusal statuses (contract §1-§2): a 201 on `POST /sessions` is a login accepted, its 401
and 403 are refusals (wrong identifiers; an account not activated), its 429 the lockout.
"""

from collections.abc import Callable
from typing import Any

from . import logs, metrics

# (method, route as Chalice names it, status) → the metric one such answer adds to.
ANSWER_METRICS: dict[tuple[str, str, int], str] = {
    ("POST", "/inscriptions", 201): metrics.REGISTRATIONS_STARTED,
    ("PUT", "/inscriptions/{draft_id}/mot-de-passe", 201): metrics.REGISTRATIONS_RECORDED,
    ("POST", "/activations", 200): metrics.ACTIVATIONS,
    ("POST", "/sessions", 201): metrics.LOGINS_ACCEPTED,
    ("POST", "/sessions", 401): metrics.LOGINS_REFUSED,
    ("POST", "/sessions", 403): metrics.LOGINS_REFUSED,
    ("POST", "/sessions", 429): metrics.LOGINS_LOCKED,
}


def observe(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware ("all"): an HTTP request or a Lambda event (S3, SQS, schedule)."""
    if hasattr(event, "method"):  # chalice.app.Request
        return _observe_request(event, get_response)
    context = getattr(event, "context", None)
    logs.bind(
        function=_function_name(context),
        route=None,
        api_request_id=None,
        lambda_request_id=getattr(context, "aws_request_id", None),
    )
    return get_response(event)


def _observe_request(request: Any, get_response: Callable[[Any], Any]) -> Any:
    context = request.context or {}
    route = context.get("resourcePath")
    lambda_context = getattr(request, "lambda_context", None)
    lambda_request_id = getattr(lambda_context, "aws_request_id", None)
    logs.bind(
        function=_function_name(lambda_context),
        route=f"{request.method} {route}" if route else None,
        # `chalice local` and the test client have no API Gateway: the Lambda request id stands in.
        api_request_id=context.get("requestId") or lambda_request_id,
        lambda_request_id=lambda_request_id,
    )
    response = get_response(request)
    metric = ANSWER_METRICS.get((request.method, route or "", response.status_code))
    if metric is not None:
        metrics.count(metric)
    return response


def _function_name(context: Any) -> str:
    return getattr(context, "function_name", None) or "api_handler"
