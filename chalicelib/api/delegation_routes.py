""" "Mes délégations" (the holder's side), the acceptance, and the delegate's reads and dossiers
under /titulaire/comptes-delegues: thin routes over chalicelib/domain/delegations.py.

A delegate never changes the DIF, validates, closes, nor touches informations or password: no such
route exists under `comptes-delegues`."""

from chalice.app import Response

from .. import dependencies
from ..domain import delegations, dossiers, identity, recovery, sensitive_acts, sessions
from ..domain.delegations import rules
from ..domain.sessions import Session, Ticket
from ..settings import get_settings
from . import answers, bodies, forms
from .answers import Answer
from .blueprint import ApiBlueprint
from .problems import json_response, refusals

blueprint = ApiBlueprint(__name__)


def _query_parameter(name: str) -> str | None:
    return bodies.query_parameter(blueprint.current_request, name)


DELEGATED = "/titulaire/comptes-delegues/{delegation_id}"
DELEGATION_GONE = refusals(rules.NOT_FOUND)


# The holder's side -------------------------------------------------------------------------------------


@blueprint.route(
    "/titulaire/delegations",
    methods=["POST"],
    summary="Déléguer l'accès à son compte (consultation ou gestion), avec son mot de passe : une invitation part "
    "par courriel, un avis au titulaire",
    body=forms.DelegationForm,
    answers={201: answers.DelegationGranted},
    refusals=refusals(
        rules.TO_ONESELF,
        rules.BAD_END,
        identity.EMAIL_INVALID,
        forms.DATE_INVALID,
        rules.IDENTITY_NOT_VERIFIED,
        sensitive_acts.WRONG_PASSWORD,
        sessions.LOCKED,
        rules.EXISTING,
        rules.TOO_MANY,
        rules.BUSY,
        recovery.TOO_MANY_EMAILS,
    ),
    authenticated="ticket",  # the session read with the password's records
)
def grant(ticket: Ticket, form: forms.DelegationForm) -> Response:
    settings = get_settings()
    granted = delegations.grant(
        dependencies.store(),
        dependencies.mailer(),
        dependencies.clock(),
        ticket,
        courriel=form.courriel,
        portee=form.portee,
        fin=form.end_date(),
        password=form.mot_de_passe,
        invitation_ttl_seconds=settings.delegation_invitation_ttl_seconds,
        idle_seconds=settings.session_idle_seconds,
        lockout_threshold=settings.lockout_threshold,
        lockout_seconds=settings.lockout_seconds,
    )
    answer = answers.DelegationGranted.of_granted(granted)
    return json_response(answer, status=201, headers={"Location": f"/titulaire/delegations/{answer.id}"})


@blueprint.route(
    "/titulaire/delegations",
    methods=["GET"],
    summary="Mes délégations données, de la plus récente à la plus ancienne",
    answers={200: answers.Delegations},
    authenticated="session",
)
def list_granted(session: Session) -> Answer:
    found = delegations.list_granted(dependencies.store(), dependencies.clock(), session)
    return answers.Delegations(delegations=[answers.Delegation.of(seen) for seen in found])


@blueprint.route(
    "/titulaire/delegations/{delegation_id}",
    methods=["DELETE"],
    summary="Mettre fin à une délégation : le délégataire perd l'accès aussitôt",
    answers={204: None},
    refusals=DELEGATION_GONE,
    authenticated="session",
)
def revoke(session: Session, delegation_id: str) -> Response:
    delegations.revoke(dependencies.store(), dependencies.clock(), session, delegation_id)
    return Response(body="", status_code=204)


# The invited person's side ------------------------------------------------------------------------------


@blueprint.route(
    "/delegations/acceptation",
    methods=["POST"],
    summary="Accepter une délégation avec le code de l'invitation, depuis son propre compte",
    body=forms.CodeForm,
    answers={200: answers.DelegationAccepted},
    refusals=refusals(rules.TO_ONESELF, rules.OTHER_RECIPIENT, rules.CODE_UNKNOWN, rules.BUSY, rules.CODE_EXPIRED),
    authenticated="session",
)
def accept(session: Session, form: forms.CodeForm) -> Answer:
    return answers.DelegationAccepted.of(
        delegations.accept(dependencies.store(), dependencies.clock(), session, form.code)
    )


# The delegate's side -----------------------------------------------------------------------------------


@blueprint.route(
    "/titulaire/comptes-delegues",
    methods=["GET"],
    summary="Les comptes qui me sont délégués (délégations actives)",
    answers={200: answers.DelegatedAccounts},
    authenticated="session",
)
def list_delegated(session: Session) -> Answer:
    found = delegations.list_delegated(dependencies.store(), dependencies.clock(), session)
    return answers.DelegatedAccounts(comptes=[answers.DelegatedAccount.of(pointer) for pointer in found])


@blueprint.route(
    DELEGATED,
    methods=["GET"],
    summary="La synthèse d'un compte délégué (sans les dossiers confidentiels)",
    answers={200: answers.Synthesis},
    refusals=DELEGATION_GONE,
    authenticated="ticket",  # the session read with the delegation
)
def delegated_synthesis(ticket: Ticket, delegation_id: str) -> Answer:
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    return answers.Synthesis.of(delegations.delegated_synthesis(store, clock, ticket, delegation_id, idle_seconds=idle))


@blueprint.route(
    f"{DELEGATED}/heures",
    methods=["GET"],
    summary="Le compte d'heures d'un compte délégué",
    answers={200: answers.HoursStatement},
    refusals=DELEGATION_GONE,
    authenticated="ticket",  # the session read with the delegation
)
def delegated_hours(ticket: Ticket, delegation_id: str) -> Answer:
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    statement = delegations.delegated_hours(store, clock, ticket, delegation_id, idle_seconds=idle)
    return answers.HoursStatement.of(statement)


@blueprint.route(
    f"{DELEGATED}/dossiers",
    methods=["GET"],
    summary="Les dossiers de formation d'un compte délégué, hors dossiers confidentiels",
    answers={200: answers.Dossiers},
    refusals=refusals(rules.NOT_FOUND, dossiers.BAD_STATE_FILTER),
    query={"etat": "« en_cours » ou « clos »."},
    authenticated="ticket",  # the session read with the delegation
)
def delegated_dossiers(ticket: Ticket, delegation_id: str) -> Answer:
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    state = _query_parameter("etat")
    found = delegations.delegated_dossiers(store, clock, ticket, delegation_id, state, idle_seconds=idle)
    return answers.Dossiers.of(found)


@blueprint.route(
    f"{DELEGATED}/dossiers/{{dossier_id}}",
    methods=["GET"],
    summary="Un dossier de formation d'un compte délégué (un dossier confidentiel n'existe pas ici)",
    answers={200: answers.Dossier},
    refusals=refusals(rules.NOT_FOUND, dossiers.NOT_FOUND),
    authenticated="ticket",  # the session read with the delegation
)
def delegated_dossier(ticket: Ticket, delegation_id: str, dossier_id: str) -> Answer:
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    found = delegations.delegated_dossier(store, clock, ticket, delegation_id, dossier_id, idle_seconds=idle)
    return answers.Dossier.of(found)


@blueprint.route(
    f"{DELEGATED}/dossiers",
    methods=["POST"],
    summary="Préparer un dossier de formation pour le titulaire (portée « gestion ») ; lui seul le valide",
    body=forms.DelegateDossierForm,
    answers={201: answers.Dossier},
    refusals=refusals(
        rules.NOT_FOUND,
        rules.CONFIDENTIAL_REFUSED,
        forms.CHARACTERS_INVALID,
        forms.DATE_INVALID,
        rules.SCOPE_TOO_NARROW,
        dossiers.DIF_NOT_ENTERED,
    ),
    authenticated="ticket",  # the session read with the delegation
)
def create_dossier(ticket: Ticket, delegation_id: str, form: forms.DelegateDossierForm) -> Response:
    dossier = delegations.create_dossier(
        dependencies.store(),
        dependencies.clock(),
        ticket,
        delegation_id,
        form.new_dossier(),
        idle_seconds=get_settings().session_idle_seconds,
    )
    location = f"/titulaire/comptes-delegues/{delegation_id}/dossiers/{dossier.id}"
    return json_response(answers.Dossier.of(dossier), status=201, headers={"Location": location})
