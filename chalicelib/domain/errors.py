"""What can go wrong, in the domain's words. The HTTP layer maps each kind to a status code.

A refusal is declared once, as a `Refusal` spec beside the rule it enforces, and each raise calls it
for a fresh exception (`raise DRAFT_NOT_FOUND()`): a module-level exception raised again and again
would keep every raising frame, and its locals (passwords, tokens), in its traceback."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

RETRY_AFTER = "Retry-After"  # the header that says how long a refusal lasts


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


@dataclass(frozen=True)
class FieldRule:
    """A rule one field's value must meet, declared beside the check that enforces it: its stable
    code, and the sentence said beside the field (empty when each case says its own). Calling it
    gives a fresh InvalidValue; `on` names the field it was broken in. The routes declare the rules
    their forms check (400), for the API's description."""

    code: str
    message: str = ""

    def __call__(self, message: str | None = None) -> InvalidValue:
        return InvalidValue(self.code, self._sentence(message))

    def on(self, champ: str, message: str | None = None) -> FieldError:
        return FieldError(champ, self.code, self._sentence(message))

    def _sentence(self, message: str | None) -> str:
        sentence = message or self.message
        if not sentence:
            raise TypeError(f"the rule {self.code} says its sentence case by case: give it one")
        return sentence


class DomainError(Exception):
    """A refusal with a stable code and a French sentence that the portal can show as it is, and the
    headers its answer carries (a delay to wait, how to authenticate). Made by a `Refusal` spec."""

    def __init__(
        self,
        code: str,
        detail: str,
        erreurs: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.erreurs = list(erreurs)
        self.headers = dict(headers or {})


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


class ProviderDown(DomainError):
    """An identity provider (FranceConnect) failed or refused what it sent back (502)."""


class TooManyAttempts(DomainError):
    """Refused for a while (429); its answer says how long (Retry-After)."""

    @property
    def retry_after_seconds(self) -> int:
        return int(self.headers[RETRY_AFTER])


@dataclass(frozen=True)
class Refusal[K: DomainError]:
    """One refusal, declared once: its kind (which says its status), its stable code, its French
    sentence, the field errors and headers it always carries. Calling it makes a new exception
    (`raise DRAFT_NOT_FOUND()`); a refusal whose sentence depends on the case is called with it
    (`LOCKED(detail, retry_after_seconds=...)`), and one whose fields do with them (`erreurs=`, added
    to its own). The routes declare the specs they may answer, for the API's description."""

    kind: type[K]
    code: str
    detail: str = ""  # empty when every case says its own
    erreurs: tuple[FieldError, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of_field(cls, kind: type[K], error: FieldError) -> "Refusal[K]":
        """The refusal of one field's value: its code and sentence are the field error's."""
        return cls(kind, error.code, error.message, (error,))

    def __call__(
        self,
        detail: str | None = None,
        *,
        erreurs: Sequence[FieldError] = (),
        retry_after_seconds: int | None = None,
    ) -> K:
        sentence = detail or self.detail
        if not sentence:
            raise TypeError(f"the refusal {self.code} says its sentence case by case: call it with one")
        headers = dict(self.headers)
        if retry_after_seconds is not None:
            headers[RETRY_AFTER] = str(retry_after_seconds)
        return self.kind(self.code, sentence, (*self.erreurs, *erreurs), headers)


class Part(StrEnum):
    """The parts of a transaction the store may name in a WriteConflict, each a record (or a check)
    whose condition failed. The store names its actions with them; the domain reads them back."""

    ACCOUNT = "compte"
    ACTIVATION = "activation"
    CAPTCHA = "captcha"
    CHUNK = "morceau"
    COPY = "copie"
    DELEGATION = "delegation"
    DOSSIER = "dossier"
    DRAFT = "inscription"
    EMAIL = "courriel"  # the reservation of an email address
    EMAIL_CHANGE = "changement"
    EVENT = "evenement"
    FILE = "fichier"
    FRANCECONNECT = "franceconnect"  # the reservation of a FranceConnect identity (its `sub`)
    HOLDER_EVENT = "evenement_titulaire"
    DELEGATE_EVENT = "evenement_delegataire"
    ATTEMPTS = "tentatives"
    INVITATION = "invitation"
    MOVEMENT = "mouvement"
    NIR = "nir"
    OLD_ACCOUNT = "ancien_compte"  # the unverified account a verified registration closes (its NIR taken over)
    OIDC_STATE = "etat"  # an OpenID `state`'s "spent" mark  # a NIR's credentials, which reserve it
    OLD_EMAIL = "ancien_courriel"  # the reservation of the address an email change leaves
    OLD_LINK = "ancien_lien"  # the link a newer one replaces
    POINTER = "pointeur"
    REGISTRATION_EVENT = "evenement_inscription"
    RESET = "reinitialisation"
    RIGHTS = "droits"
    RIGHTS_ID = "droits_id"  # a NIR's item, naming the random id of its rights (its first login or crediting)
    SESSION = "session"
    TRANSACTION = "transaction"  # the whole of it, when the store cannot tell which record
    YEAR = "annee"


class ProviderFailed(Exception):
    """An OpenID provider was unreachable, answered an error or sent a token that fails a check;
    raised by chalicelib/oidc.py, handled by the domain. The message names what failed (for the
    logs), never a token, a code or a claim's value."""


class DeliveryFailed(Exception):
    """The mailer could not hand a message over; raised by the mailer, handled by the domain."""


class WriteConflict(Exception):
    """A conditional write found things changed. `failed` names the parts whose condition failed;
    `current` holds, for those the store method says it reads back, the record it found (None when
    the record does not exist)."""

    def __init__(self, failed: set[Part], current: Mapping[Part, object] | None = None):
        super().__init__(", ".join(sorted(failed)))
        self.failed = failed
        self.current = dict(current or {})

    def found[R](self, part: Part, kind: type[R]) -> R | None:
        """The record of `part` as the refused write found it, None when absent (or not read back)."""
        record = self.current.get(part)
        return record if isinstance(record, kind) else None


class UnknownPosition(Exception):
    """A paging cursor that names no position the store handed out (forged, truncated or stale)."""
