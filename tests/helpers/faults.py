"""Faults of AWS, injected into the application's own clients through botocore's events (the emulator
is left as it is): DynamoDB refusing its n-th request, or a write that lands while its reply is lost
(the SDK then sends it again, as it would after a timeout), and SES refusing to send.

Counting is per request the application makes (one botocore call: its retries are not counted)."""

from dataclasses import dataclass, field

from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib import dependencies

THROTTLED = "ThrottlingException"
UNAVAILABLE = "ServiceUnavailable"


@dataclass
class DynamoDBFaults:
    """Installed on the application's DynamoDB client; `reset()` before each attempt of a scenario."""

    calls: list[str] = field(default_factory=list)
    fail_at: int | None = None  # 1-based index of the request that fails
    failure: str = THROTTLED  # an AWS error code, or "connection" for a network failure
    lose_reply_at: int | None = None  # 1-based index of the request whose first reply is lost
    lost: list[str] = field(default_factory=list)

    def install(self) -> "DynamoDBFaults":
        events = dependencies.aws_client("dynamodb").meta.events
        events.register_first("before-call.dynamodb", self._before_call)
        events.register_first("needs-retry.dynamodb", self._needs_retry)
        return self

    def reset(self, *, fail_at: int | None = None, failure: str = THROTTLED, lose_reply_at: int | None = None):
        self.calls, self.lost = [], []
        self.fail_at, self.failure, self.lose_reply_at = fail_at, failure, lose_reply_at

    def _before_call(self, model, **_):
        self.calls.append(model.name)
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            if self.failure == "connection":
                raise EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-3.amazonaws.com")
            raise ClientError({"Error": {"Code": self.failure, "Message": "injected"}}, model.name)

    def _needs_retry(self, attempts, response=None, caught_exception=None, operation=None, **_):
        """The write went through (its response is here); lose that reply once: botocore sends the
        very same request again, as after a read timeout."""
        if (
            self.lose_reply_at is not None
            and len(self.calls) == self.lose_reply_at
            and attempts == 1
            and response is not None
            and caught_exception is None
        ):
            self.lost.append(operation.name)
            return 0  # retry at once
        return None


class SesFailure:
    """SES refuses every email while installed."""

    def install(self) -> "SesFailure":
        events = dependencies.aws_client("ses").meta.events
        events.register_first("before-call.ses.SendEmail", self._refuse)
        self.active = True
        return self

    def _refuse(self, model, **_):
        if self.active:
            raise ClientError({"Error": {"Code": "Throttling", "Message": "injected"}}, model.name)


class SesRefusal:
    """SES refuses the emails `refuses(params)` picks (the SendEmail parameters), accepts the others."""

    def __init__(self, refuses):
        self.refuses, self.refused = refuses, 0

    def install(self) -> "SesRefusal":
        events = dependencies.aws_client("ses").meta.events
        events.register_first("provide-client-params.ses.SendEmail", self._pick)
        events.register_first("before-call.ses.SendEmail", self._refuse)
        self._picked = False
        return self

    def _pick(self, params, **_):
        self._picked = bool(self.refuses(params))

    def _refuse(self, model, **_):
        if self._picked:
            self.refused += 1
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": "injected"}}, model.name)
