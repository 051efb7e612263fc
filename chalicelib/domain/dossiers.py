""" "Mes dossiers de formation": en_cours_elaboration → valide (hours reserved) → clos (hours debited).

Dossiers live in their account's partition, so another holder's
dossier is simply not found. Each transition is one transaction whose conditions carry the rules
(the dossier's status, the free hours), so that racing requests give one success and a clear 409.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from ..clock import Clock, to_iso
from . import history, hours, sessions, tokens
from .errors import Conflict, InvalidInput, NotFound, Part, Refusal, WriteConflict
from .records.hours import Dossier, DossierCreation, DossierTransition, Movement
from .records.sessions import SessionRecord, SessionTouch
from .states import DossierStatus


class DossierStore(hours.AccountReader, sessions.SessionStore, Protocol):
    def create_dossier(self, creation: DossierCreation) -> None: ...

    def get_dossier(self, account_id: str, dossier_id: str) -> Dossier | None: ...

    def list_dossiers(self, account_id: str, statuses: tuple[str, ...] | None = None) -> list[Dossier]: ...

    def get_session_and_dossier(
        self, session_digest: str, account_id: str, dossier_id: str | None
    ) -> tuple[SessionRecord | None, Dossier | None]: ...

    def validate_dossier(self, validation: DossierTransition) -> None: ...

    def close_dossier(self, closure: DossierTransition) -> None: ...


DRAFT, VALIDATED, CLOSED = DossierStatus.DRAFT, DossierStatus.VALIDATED, DossierStatus.CLOSED

# The list filter `etat`: a dossier is "en cours" until it is closed.
STATES = {"en_cours": (DRAFT, VALIDATED), "clos": (CLOSED,)}

NOT_FOUND = Refusal(NotFound, "dossier_introuvable", "Ce dossier de formation est introuvable.")
DIF_NOT_ENTERED = Refusal(
    Conflict,
    "dif_non_renseigne",
    "Le solde DIF doit obligatoirement être saisi (même s'il est à 0) avant de créer un premier dossier de formation.",
)
NOT_ENOUGH_HOURS = Refusal(
    Conflict,
    "heures_insuffisantes",
    "Les heures disponibles sur votre compte (DIF puis CPF) ne suffisent pas pour valider ce dossier.",
)
BAD_STATE_FILTER = Refusal(InvalidInput, "etat_invalide", "Le filtre « etat » doit valoir « en_cours » ou « clos ».")


BAD_STATE = Refusal(Conflict, "etat_dossier_invalide")


def _bad_state(expected: str) -> Conflict:
    return BAD_STATE(f"Ce dossier de formation n'est pas {expected} : cette action n'est pas possible.")


@dataclass(frozen=True)
class NewDossier:
    title: str
    provider: str
    hours: int
    cpf_code: str | None = None
    start_date: str | None = None
    confidential: bool = False


def new_draft(new: NewDossier, now: datetime, delegation_id: str | None = None) -> Dossier:
    """A dossier en cours d'élaboration (prepared by a delegate through `delegation_id`)."""
    return Dossier(
        id=tokens.new_id(),
        title=new.title,
        provider=new.provider,
        hours=new.hours,
        status=DRAFT,
        created_at=to_iso(now),
        cpf_code=new.cpf_code,
        start_date=new.start_date,
        confidential=new.confidential,
        by_delegation=delegation_id,
    )


def described(dossier: Dossier) -> str:
    """How history and movements name a dossier: a confidential one's title is not repeated there."""
    if dossier.confidential:
        return f"dossier confidentiel ({dossier.hours} h)"
    return f"« {dossier.title} » ({dossier.hours} h)"


def create(store: DossierStore, clock: Clock, account_id: str, new: NewDossier, rights_id: str) -> Dossier:
    now = clock()
    dossier = new_draft(new, now)
    event = history.event(history.DOSSIER_CREE, now, dossier=described(dossier))
    try:
        store.create_dossier(DossierCreation(account_id, rights_id, dossier, event, now))
    except WriteConflict:
        raise DIF_NOT_ENTERED() from None
    return dossier


def find(store: DossierStore, account_id: str, dossier_id: str) -> Dossier:
    if not tokens.is_well_formed_id(dossier_id):
        raise NOT_FOUND()  # junk never reaches the table
    dossier = store.get_dossier(account_id, dossier_id)
    if dossier is None:
        raise NOT_FOUND()
    return dossier


def list_all(store: DossierStore, account_id: str, state: str | None = None) -> list[Dossier]:
    """Newest first."""
    if state is not None and state not in STATES:
        raise BAD_STATE_FILTER()
    dossiers = store.list_dossiers(account_id, STATES[state] if state else None)
    return sorted(dossiers, key=lambda d: (d.created_at, d.id), reverse=True)


def read(store: DossierStore, clock: Clock, ticket: sessions.Ticket, dossier_id: str, *, idle_seconds: int) -> Dossier:
    """A dossier of the caller's: the session and the dossier in one BatchGetItem (and the session's
    idle deadline pushed back when it has aged)."""
    well_formed = tokens.is_well_formed_id(dossier_id)  # junk never reaches the table
    record, found = store.get_session_and_dossier(ticket.digest, ticket.account_id, dossier_id if well_formed else None)
    sessions.admit_and_keep_alive(store, record, ticket, clock(), idle_seconds=idle_seconds)
    if found is None:
        raise NOT_FOUND()
    return found


def validate(
    store: DossierStore, clock: Clock, ticket: sessions.Ticket, dossier_id: str, *, idle_seconds: int
) -> Dossier:
    """Reserve the dossier's hours (DIF first, then CPF) and lock the DIF. Two requests, the session's
    included: the session and the dossier read together, then one write that also pushes the
    session's idle deadline back."""
    now = clock()
    session, dossier = _session_and_dossier(store, ticket, dossier_id, now)
    if dossier.status != DRAFT:
        raise _bad_state("en cours d'élaboration")
    moment = to_iso(now)
    event = history.event(history.DOSSIER_VALIDE, now, dossier=described(dossier))
    touch = _touch(session, now, idle_seconds)
    try:
        validation = DossierTransition(session.account_id, session.rights_id, dossier, moment, event, now, touch)
        store.validate_dossier(validation)
    except WriteConflict as conflict:
        if Part.SESSION in conflict.failed:
            raise sessions.INVALID_SESSION() from None  # logged out meanwhile
        if Part.DOSSIER in conflict.failed:
            raise _bad_state("en cours d'élaboration") from None  # validated meanwhile
        raise NOT_ENOUGH_HOURS() from None
    return replace(dossier, status=VALIDATED, validated_at=moment)


def close(store: DossierStore, clock: Clock, ticket: sessions.Ticket, dossier_id: str, *, idle_seconds: int) -> Dossier:
    """Debit the reserved hours (the CPF balance goes down by what the DIF did not cover: hours can
    then be earned again up to the ceiling) and record the movement. Two requests, as validation."""
    now = clock()
    session, dossier = _session_and_dossier(store, ticket, dossier_id, now)
    if dossier.status != VALIDATED:
        raise _bad_state("validé")
    moment = to_iso(now)
    # A confidential dossier's movement: a delegate reads its hours, not its label.
    movement = Movement(moment, -dossier.hours, f"Formation : {described(dossier)}", dossier.confidential)
    event = history.event(history.DOSSIER_CLOS, now, dossier=described(dossier))
    touch = _touch(session, now, idle_seconds)
    try:
        closure = DossierTransition(session.account_id, session.rights_id, dossier, moment, event, now, touch, movement)
        store.close_dossier(closure)
    except WriteConflict as conflict:
        if Part.SESSION in conflict.failed:
            raise sessions.INVALID_SESSION() from None
        raise _bad_state("validé") from None  # closed meanwhile
    return replace(dossier, status=CLOSED, closed_at=moment)


def _session_and_dossier(
    store: DossierStore, ticket: sessions.Ticket, dossier_id: str, now: datetime
) -> tuple[sessions.Session, Dossier]:
    """The caller's session (401 unless live) and the dossier (404 unless theirs), in one read."""
    well_formed = tokens.is_well_formed_id(dossier_id)  # junk never reaches the table
    record, found = store.get_session_and_dossier(ticket.digest, ticket.account_id, dossier_id if well_formed else None)
    session = sessions.admit(record, ticket, now)
    if found is None:
        raise NOT_FOUND()
    return session, found


def _touch(session: sessions.Session, now: datetime, idle_seconds: int) -> SessionTouch:
    return SessionTouch(session.digest, now + timedelta(seconds=idle_seconds))
