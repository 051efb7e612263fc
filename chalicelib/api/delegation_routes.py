""" "Mes délégations" (the holder's side), the acceptance, and the delegate's reads and dossiers
under /titulaire/comptes-delegues: thin routes over chalicelib/domain/delegations.py.

A delegate never changes the DIF, validates, closes, nor touches informations or password: no such
route exists under `comptes-delegues`."""

from chalice import Response

from .. import dependencies
from ..domain import delegations, dossiers
from ..settings import get_settings
from . import bodies, forms
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)

DELEGATED = "/titulaire/comptes-delegues/{delegation_id}"


def _query_parameter(name: str) -> str | None:
    return (blueprint.current_request.query_params or {}).get(name)


# The holder's side -------------------------------------------------------------------------------------


@blueprint.route("/titulaire/delegations", methods=["POST"], authenticated=True)
def grant(session):
    form = bodies.parse(forms.DelegationForm, blueprint.current_request)
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
    body = {**granted.delegation, "courriel_envoye": granted.email_sent, "detail": granted.detail}
    return json_response(body, status=201, headers={"Location": f"/titulaire/delegations/{body['id']}"})


@blueprint.route("/titulaire/delegations", methods=["GET"], authenticated=True)
def list_granted(session):
    found = delegations.list_granted(dependencies.store(), dependencies.clock(), session)
    return json_response({"delegations": found})


@blueprint.route("/titulaire/delegations/{delegation_id}", methods=["DELETE"], authenticated=True)
def revoke(session, delegation_id):
    delegations.revoke(dependencies.store(), dependencies.clock(), session, delegation_id)
    return Response(body="", status_code=204)


# The invited person's side ------------------------------------------------------------------------------


@blueprint.route("/delegations/acceptation", methods=["POST"], authenticated=True)
def accept(session):
    form = bodies.parse(forms.CodeForm, blueprint.current_request)
    return json_response(delegations.accept(dependencies.store(), dependencies.clock(), session, form.code))


# The delegate's side -----------------------------------------------------------------------------------


@blueprint.route("/titulaire/comptes-delegues", methods=["GET"], authenticated=True)
def list_delegated(session):
    found = delegations.list_delegated(dependencies.store(), dependencies.clock(), session)
    return json_response({"comptes": found})


@blueprint.route(DELEGATED, methods=["GET"], authenticated=True)
def delegated_synthesis(session, delegation_id):
    store, clock = dependencies.store(), dependencies.clock()
    return json_response(delegations.delegated_synthesis(store, clock, session, delegation_id))


@blueprint.route(f"{DELEGATED}/heures", methods=["GET"], authenticated=True)
def delegated_hours(session, delegation_id):
    store, clock = dependencies.store(), dependencies.clock()
    return json_response(delegations.delegated_hours(store, clock, session, delegation_id))


@blueprint.route(f"{DELEGATED}/dossiers", methods=["GET"], authenticated=True)
def delegated_dossiers(session, delegation_id):
    store, clock = dependencies.store(), dependencies.clock()
    found = delegations.delegated_dossiers(store, clock, session, delegation_id, _query_parameter("etat"))
    return json_response({"dossiers": found})


@blueprint.route(f"{DELEGATED}/dossiers/{{dossier_id}}", methods=["GET"], authenticated=True)
def delegated_dossier(session, delegation_id, dossier_id):
    store, clock = dependencies.store(), dependencies.clock()
    return json_response(delegations.delegated_dossier(store, clock, session, delegation_id, dossier_id))


@blueprint.route(f"{DELEGATED}/dossiers", methods=["POST"], authenticated=True)
def create_dossier(session, delegation_id):
    form = bodies.parse(forms.DelegateDossierForm, blueprint.current_request)
    dossier = delegations.create_dossier(
        dependencies.store(),
        dependencies.clock(),
        session,
        delegation_id,
        dossiers.NewDossier(**form.model_dump()),
    )
    location = f"/titulaire/comptes-delegues/{delegation_id}/dossiers/{dossier['id']}"
    return json_response(dossier, status=201, headers={"Location": location})
