"""Log lines: one JSON object per line, the shape of Lambda's JSON log format, here and on AWS.

On Lambda (the function's LoggingConfig says LogFormat JSON, see tools/deploy/deploy_template.py) the
runtime's own formatter writes each record as `{"timestamp", "level", "message", "logger",
"requestId", ...}` plus the record's extra attributes. Locally (`make run`, the tests, the tools)
`configure()` installs `JsonLines`, which writes the same keys. Either way every record carries the
request's `function`, `route` and `apiRequestId` (and locally `requestId`, the Lambda request id),
bound once per invocation by chalicelib/observability.py through `bind()`.

What a log line may hold: codes, counts, routes, ids of our own, AWS error codes, exception types.
Never a body, a header, a path value, an exception's text (it may quote a key or an address), a
NIR, an address, a password, a token or a code: callers pass only such fields, and `JsonLines`
drops the exception's message and keeps its type and the code lines of its traceback.
"""

import json
import logging
import os
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The attributes every record gets from the invocation (the names of Lambda's JSON format, camelCase).
_invocation: ContextVar[dict[str, str]] = ContextVar("invocation", default={})  # noqa: B039 (never mutated)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "aws_request_id"}
_configured = False


def bind(*, function: str, route: str | None, api_request_id: str | None, lambda_request_id: str | None) -> None:
    """What every log line of this invocation says about it (None: not known, left out)."""
    fields = {"function": function, "route": route, "apiRequestId": api_request_id, "aws_request_id": lambda_request_id}
    _invocation.set({key: value for key, value in fields.items() if value})


def invocation() -> dict[str, str]:
    return _invocation.get()


def _with_invocation(factory: Any) -> Any:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = factory(*args, **kwargs)
        if record.exc_info:
            _keep_only_the_exception_s_type_and_lines(record)
        for key, value in _invocation.get().items():
            if not hasattr(record, key):  # Lambda's own aws_request_id, when set, wins
                setattr(record, key, value)
        return record

    return make_record


def _keep_only_the_exception_s_type_and_lines(record: logging.LogRecord) -> None:
    """Any logger's exception (Chalice's own "Caught exception" included) becomes its type and the
    code lines of its traceback: its text, which may quote a value, never reaches a formatter
    (Lambda's would write it as errorMessage)."""
    kind, _, trace = record.exc_info or (None, None, None)
    record.errorType = kind.__name__ if kind else None
    record.stackTrace = traceback.format_tb(trace) if trace else None
    record.exc_info = None
    record.exc_text = None


class JsonLines(logging.Formatter):
    """Lambda's JSON log shape, for the places Lambda's runtime does not format (local runs)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", None),
        }
        line.update((key, value) for key, value in vars(record).items() if key not in _STANDARD and key not in line)
        return json.dumps({key: value for key, value in line.items() if value is not None}, ensure_ascii=False)


class _StandardOutput(logging.Handler):
    """Writes to whatever sys.stdout is at the time (test runners swap it), one line a record."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


class _WithoutArguments(logging.Filter):
    """The framework's messages quote the request's path ("Caught exception for path %s"), which
    may hold a draft's id: the line keeps the message's words, and its `route` says where."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg, record.args = str(record.msg).replace("%s", "…"), ()
        return True


def adopt(framework_log: logging.Logger) -> None:
    """Chalice's own logger (`app.log`, made with `configure_logs=False`) writes through ours."""
    framework_log.addFilter(_WithoutArguments())
    framework_log.propagate = True


def configure() -> None:
    """Once per process: every record gets the invocation's fields, the app's INFO and above are
    written, and off Lambda's JSON format the root logger writes JSON lines on standard output
    (`chalice local` then keeps this handler rather than adding its plain-text one)."""
    global _configured
    if _configured:
        return
    _configured = True
    logging.setLogRecordFactory(_with_invocation(logging.getLogRecordFactory()))
    logging.getLogger("chalicelib").setLevel(logging.INFO)
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":
        return  # the runtime's handler already writes JSON, the invocation's fields included
    handler = _StandardOutput()
    handler.setFormatter(JsonLines())
    logging.getLogger().addHandler(handler)
