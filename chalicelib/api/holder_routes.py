"""The holder space ("Espace Titulaire"), behind a session: thin routes over the domain."""

from .. import dependencies
from ..domain import dossiers, holder, hours
from ..settings import get_settings
from . import bodies, forms
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)


def _query_parameter(name: str) -> str | None:
    return (blueprint.current_request.query_params or {}).get(name)


@blueprint.route("/titulaire", methods=["GET"], authenticated=True)
def synthesis(session):
    return json_response(holder.synthesis(dependencies.store(), session.account_id, session.nir))


# "Mes informations personnelles" ----------------------------------------------------------------


@blueprint.route("/titulaire/informations", methods=["GET"], authenticated=True)
def read_informations(session):
    return json_response(holder.informations(dependencies.store(), session.account_id))


@blueprint.route("/titulaire/informations", methods=["PATCH"], authenticated=True)
def change_informations(session):
    form = bodies.parse(forms.InformationsForm, blueprint.current_request)
    changed = holder.change_informations(dependencies.store(), dependencies.clock(), session.account_id, form.changes())
    return json_response({"detail": holder.UPDATED, "modifications": changed})


# "Modifier mon mot de passe" ----------------------------------------------------------------------


@blueprint.route("/titulaire/mot-de-passe", methods=["PUT"], authenticated=True)
def change_password(session):
    form = bodies.parse(forms.PasswordChangeForm, blueprint.current_request)
    settings = get_settings()
    ended = holder.change_password(
        dependencies.store(),
        dependencies.clock(),
        session,
        current=form.mot_de_passe_actuel,
        new=form.nouveau_mot_de_passe,
        confirmation=form.confirmation,
        policy=settings.password_policy,
        lockout_threshold=settings.lockout_threshold,
        lockout_seconds=settings.lockout_seconds,
    )
    return json_response({"detail": "Votre mot de passe a bien été modifié.", "sessions_fermees": ended})


# "Mon compte d'heures" ----------------------------------------------------------------------------


@blueprint.route("/titulaire/heures", methods=["GET"], authenticated=True)
def read_hours(session):
    return json_response(hours.statement(dependencies.store(), session.account_id, session.nir))


@blueprint.route("/titulaire/heures/dif", methods=["PUT"], authenticated=True)
def set_dif(session):
    form = bodies.parse(forms.DifForm, blueprint.current_request)
    entered = hours.set_dif(dependencies.store(), dependencies.clock(), session.account_id, form.solde_dif, session.nir)
    return json_response({"solde_dif": entered, "detail": hours.UPDATED})


# "Mes dossiers de formation" ----------------------------------------------------------------------


@blueprint.route("/titulaire/dossiers", methods=["POST"], authenticated=True)
def create_dossier(session):
    form = bodies.parse(forms.DossierForm, blueprint.current_request)
    dossier = dossiers.create(
        dependencies.store(),
        dependencies.clock(),
        session.account_id,
        dossiers.NewDossier(**form.model_dump()),
        session.nir,
    )
    return json_response(dossier, status=201, headers={"Location": f"/titulaire/dossiers/{dossier['id']}"})


@blueprint.route("/titulaire/dossiers", methods=["GET"], authenticated=True)
def list_dossiers(session):
    found = dossiers.list_all(dependencies.store(), session.account_id, _query_parameter("etat"))
    return json_response({"dossiers": found})


@blueprint.route("/titulaire/dossiers/{dossier_id}", methods=["GET"], authenticated=True)
def read_dossier(session, dossier_id):
    return json_response(dossiers.find(dependencies.store(), session.account_id, dossier_id))


@blueprint.route("/titulaire/dossiers/{dossier_id}/validation", methods=["POST"], authenticated=True)
def validate_dossier(session, dossier_id):
    bodies.parse(forms.EmptyForm, blueprint.current_request, optional=True)
    return json_response(
        dossiers.validate(dependencies.store(), dependencies.clock(), session.account_id, dossier_id, session.nir)
    )


@blueprint.route("/titulaire/dossiers/{dossier_id}/cloture", methods=["POST"], authenticated=True)
def close_dossier(session, dossier_id):
    bodies.parse(forms.EmptyForm, blueprint.current_request, optional=True)
    return json_response(
        dossiers.close(dependencies.store(), dependencies.clock(), session.account_id, dossier_id, session.nir)
    )


# "Consulter mon historique" -----------------------------------------------------------------------


@blueprint.route("/titulaire/historique", methods=["GET"], authenticated=True)
def read_history(session):
    return json_response(holder.history_page(dependencies.store(), session.account_id, _query_parameter("curseur")))
