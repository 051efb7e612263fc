""" "Mes délégations" (the holder's side), the acceptance, and the delegate's reads and dossiers
under /titulaire/comptes-delegues: thin routes over chalicelib/domain/delegations.py.

A delegate never changes the DIF, validates, closes, nor touches informations or password: no such
route exists under `comptes-delegues`."""

from chalice import Response

from .. import dependencies
from ..domain import delegations, dossiers
from ..settings import get_settings
from . import answers, forms
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)

DELEGATED = "/titulaire/comptes-delegues/{delegation_id}"
DELEGATION_GONE = {404: ("delegation_introuvable",)}


def _query_parameter(name: str) -> str | None:
    return (blueprint.current_request.query_params or {}).get(name)


# The holder's side -------------------------------------------------------------------------------------


@blueprint.route(
    "/titulaire/delegations",
    methods=["POST"],
    summary="Déléguer l'accès à son compte (consultation ou gestion) : une invitation part par courriel",
    body=forms.DelegationForm,
    answers={201: answers.DelegationGranted},
    refusals={
        400: ("delegation_a_soi_meme", "fin_hors_limites", "courriel_invalide", "date_invalide"),
        409: ("delegation_existante", "delegations_trop_nombreuses", "demande_concurrente"),
        429: ("envois_trop_nombreux",),
    },
    authenticated=True,
)
def grant(session, form: forms.DelegationForm):
    granted = delegations.grant(
        dependencies.store(),
        dependencies.mailer(),
        dependencies.clock(),
        session,
        courriel=form.courriel,
        portee=form.portee,
        fin=form.end_date(),
        invitation_ttl_seconds=get_settings().delegation_invitation_ttl_seconds,
    )
    answer = answers.DelegationGranted(**granted.delegation, courriel_envoye=granted.email_sent, detail=granted.detail)
    return json_response(answer, status=201, headers={"Location": f"/titulaire/delegations/{answer.id}"})


@blueprint.route(
    "/titulaire/delegations",
    methods=["GET"],
    summary="Mes délégations données, de la plus récente à la plus ancienne",
    answers={200: answers.Delegations},
    authenticated=True,
)
def list_granted(session):
    found = delegations.list_granted(dependencies.store(), dependencies.clock(), session)
    return answers.Delegations(delegations=[answers.Delegation(**delegation) for delegation in found])


@blueprint.route(
    "/titulaire/delegations/{delegation_id}",
    methods=["DELETE"],
    summary="Mettre fin à une délégation : le délégataire perd l'accès aussitôt",
    answers={204: None},
    refusals=DELEGATION_GONE,
    authenticated=True,
)
def revoke(session, delegation_id):
    delegations.revoke(dependencies.store(), dependencies.clock(), session, delegation_id)
    return Response(body="", status_code=204)


# The invited person's side ------------------------------------------------------------------------------


@blueprint.route(
    "/delegations/acceptation",
    methods=["POST"],
    summary="Accepter une délégation avec le code de l'invitation, depuis son propre compte",
    body=forms.CodeForm,
    answers={200: answers.DelegationAccepted},
    refusals={
        400: ("delegation_a_soi_meme",),
        403: ("delegation_autre_destinataire",),
        404: ("code_invalide",),
        409: ("demande_concurrente",),
        410: ("code_expire",),
    },
    authenticated=True,
)
def accept(session, form: forms.CodeForm):
    return answers.DelegationAccepted(
        **delegations.accept(dependencies.store(), dependencies.clock(), session, form.code)
    )


# The delegate's side -----------------------------------------------------------------------------------


@blueprint.route(
    "/titulaire/comptes-delegues",
    methods=["GET"],
    summary="Les comptes qui me sont délégués (délégations actives)",
    answers={200: answers.DelegatedAccounts},
    authenticated=True,
)
def list_delegated(session):
    found = delegations.list_delegated(dependencies.store(), dependencies.clock(), session)
    return answers.DelegatedAccounts(comptes=[answers.DelegatedAccount(**account) for account in found])


@blueprint.route(
    DELEGATED,
    methods=["GET"],
    summary="La synthèse d'un compte délégué (sans les dossiers confidentiels)",
    answers={200: answers.Synthesis},
    refusals=DELEGATION_GONE,
    authenticated="ticket",  # the session read with the delegation
)
def delegated_synthesis(ticket, delegation_id):
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    return answers.Synthesis(
        **delegations.delegated_synthesis(store, clock, ticket, delegation_id, idle_seconds=idle)
    )


@blueprint.route(
    f"{DELEGATED}/heures",
    methods=["GET"],
    summary="Le compte d'heures d'un compte délégué",
    answers={200: answers.HoursStatement},
    refusals=DELEGATION_GONE,
    authenticated="ticket",  # the session read with the delegation
)
def delegated_hours(ticket, delegation_id):
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    return answers.HoursStatement(
        **delegations.delegated_hours(store, clock, ticket, delegation_id, idle_seconds=idle)
    )


@blueprint.route(
    f"{DELEGATED}/dossiers",
    methods=["GET"],
    summary="Les dossiers de formation d'un compte délégué, hors dossiers confidentiels",
    answers={200: answers.Dossiers},
    refusals={**DELEGATION_GONE, 400: ("etat_invalide",)},
    query={"etat": "« en_cours » ou « clos »."},
    authenticated="ticket",  # the session read with the delegation
)
def delegated_dossiers(ticket, delegation_id):
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    state = _query_parameter("etat")
    found = delegations.delegated_dossiers(store, clock, ticket, delegation_id, state, idle_seconds=idle)
    return answers.Dossiers(dossiers=[answers.Dossier(**dossier) for dossier in found])


@blueprint.route(
    f"{DELEGATED}/dossiers/{{dossier_id}}",
    methods=["GET"],
    summary="Un dossier de formation d'un compte délégué (un dossier confidentiel n'existe pas ici)",
    answers={200: answers.Dossier},
    refusals={404: ("delegation_introuvable", "dossier_introuvable")},
    authenticated="ticket",  # the session read with the delegation
)
def delegated_dossier(ticket, delegation_id, dossier_id):
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    return answers.Dossier(
        **delegations.delegated_dossier(store, clock, ticket, delegation_id, dossier_id, idle_seconds=idle)
    )


@blueprint.route(
    f"{DELEGATED}/dossiers",
    methods=["POST"],
    summary="Préparer un dossier de formation pour le titulaire (portée « gestion ») ; lui seul le valide",
    body=forms.DelegateDossierForm,
    answers={201: answers.Dossier},
    refusals={
        **DELEGATION_GONE,
        400: ("confidentiel_non_autorise", "caracteres_invalides", "date_invalide"),
        403: ("portee_insuffisante",),
        409: ("dif_non_renseigne",),
    },
    authenticated="ticket",  # the session read with the delegation
)
def create_dossier(ticket, delegation_id, form: forms.DelegateDossierForm):
    dossier = delegations.create_dossier(
        dependencies.store(),
        dependencies.clock(),
        ticket,
        delegation_id,
        dossiers.NewDossier(**form.model_dump()),
        idle_seconds=get_settings().session_idle_seconds,
    )
    location = f"/titulaire/comptes-delegues/{delegation_id}/dossiers/{dossier['id']}"
    return json_response(answers.Dossier(**dossier), status=201, headers={"Location": location})
