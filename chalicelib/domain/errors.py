"""What can go wrong, in the domain's words. The HTTP layer maps each kind to a status code."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    champ: str
    code: str
    message: str


class InvalidValue(ValueError):
    """One field's value breaks a rule; raised by the validators of identity and password fields."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class DomainError(Exception):
    """A refusal with a stable code and a French sentence that the portal can show as it is."""

    def __init__(self, code: str, detail: str, erreurs: list[FieldError] | tuple[FieldError, ...] = ()):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.erreurs = list(erreurs)


class InvalidInput(DomainError):
    """The request itself is wrong (400)."""


class Unauthenticated(DomainError):
    """Who is asking is unknown (401)."""


class Forbidden(DomainError):
    """Who is asking is known but may not do this yet (403)."""


class NotFound(DomainError):
    """Nothing by that name, or nothing the caller may see (404)."""


class Conflict(DomainError):
    """The request clashes with the state of things (409)."""


class Expired(DomainError):
    """It existed, but its time is over (410)."""


class TooManyAttempts(DomainError):
    """Refused for a while (429)."""

    def __init__(self, code: str, detail: str, retry_after_seconds: int):
        super().__init__(code, detail)
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class Refusal:
    """A kind of refusal whose sentence depends on the case (a delay, a state): its class, which says
    its status, and its stable code. The routes declare it; the domain makes each one with `code`."""

    kind: type[DomainError]
    code: str


class DeliveryFailed(Exception):
    """The mailer could not hand a message over; raised by the mailer, handled by the domain."""


class WriteConflict(Exception):
    """A conditional write found things changed. `failed` names the records whose condition failed;
    `current` holds, for those the store method says it reads back, the record it found (None when
    the record does not exist)."""

    def __init__(self, failed: set[str], current: dict[str, object] | None = None):
        super().__init__(", ".join(sorted(failed)))
        self.failed = failed
        self.current = current or {}

    def found[R](self, name: str, kind: type[R]) -> R | None:
        """The record named `name` as the refused write found it, None when absent (or not read back)."""
        record = self.current.get(name)
        return record if isinstance(record, kind) else None


class UnknownPosition(Exception):
    """A paging cursor that names no position the store handed out (forged, truncated or stale)."""
