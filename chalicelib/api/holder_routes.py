"""The holder space ("Espace Titulaire"), behind a session: thin routes over the domain."""

from .. import dependencies
from ..domain import dossiers, holder, hours, passwords
from ..domain.errors import Conflict
from ..settings import get_settings
from . import answers, bodies, forms
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)

DOSSIER_GONE = {404: ("dossier_introuvable",)}
FIELD_REFUSALS = (
    "champs_invalides",
    "civilite_invalide",
    "nom_longueur",
    "nom_caracteres",
    "telephone_fixe_invalide",
    "telephone_portable_invalide",
)


def _query_parameter(name: str) -> str | None:
    return (blueprint.current_request.query_params or {}).get(name)


@blueprint.route(
    "/titulaire",
    methods=["GET"],
    summary="Synthèse de votre compte : heures disponibles et dossiers",
    answers={200: answers.Synthesis},
    authenticated="ticket",  # the session read with the account and the hours: 1 request
)
def synthesis(ticket):
    idle = get_settings().session_idle_seconds
    return answers.Synthesis(**holder.synthesis(dependencies.store(), dependencies.clock(), ticket, idle_seconds=idle))


# "Mes informations personnelles" ----------------------------------------------------------------


@blueprint.route(
    "/titulaire/informations",
    methods=["GET"],
    summary="Mes informations personnelles (le NIR masqué)",
    answers={200: answers.Informations},
    authenticated="ticket",  # the session read with the account: 1 request
)
def read_informations(ticket):
    idle = get_settings().session_idle_seconds
    return answers.Informations(
        **holder.informations(dependencies.store(), dependencies.clock(), ticket, idle_seconds=idle)
    )


@blueprint.route(
    "/titulaire/informations",
    methods=["PATCH"],
    summary="Modifier civilité, prénom et téléphones (null ou vide efface un champ facultatif)",
    body=forms.InformationsForm,
    parse_body=False,
    answers={200: answers.InformationsChanged},
    refusals={
        400: ("aucune_modification", "champ_non_modifiable", *FIELD_REFUSALS),
        409: ("courriel_non_modifiable",),
    },
    authenticated=True,
)
def change_informations(session):
    form, errors = bodies.check(forms.InformationsForm, bodies.json_object(blueprint.current_request))
    if any(error.code == holder.EMAIL_NOT_HERE.code for error in errors):
        raise Conflict(holder.EMAIL_NOT_HERE.code, holder.EMAIL_NOT_HERE.detail, errors)
    if errors:
        raise bodies.invalid(errors)
    changed = holder.change_informations(dependencies.store(), dependencies.clock(), session.account_id, form.changes())
    return answers.InformationsChanged(detail=holder.UPDATED, modifications=changed)


# "Modifier mon mot de passe" ----------------------------------------------------------------------


@blueprint.route(
    "/titulaire/mot-de-passe",
    methods=["PUT"],
    summary="Modifier mon mot de passe ; les autres sessions sont fermées",
    body=forms.PasswordChangeForm,
    answers={200: answers.PasswordChanged},
    refusals={
        400: ("mot_de_passe_actuel_incorrect", "mot_de_passe_invalide", *passwords.RULE_CODES),
        429: ("compte_verrouille",),
    },
    authenticated=True,
)
def change_password(session, form: forms.PasswordChangeForm):
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
    return answers.PasswordChanged(detail="Votre mot de passe a bien été modifié.", sessions_fermees=ended)


# "Mon compte d'heures" ----------------------------------------------------------------------------


@blueprint.route(
    "/titulaire/heures",
    methods=["GET"],
    summary="Mon compte d'heures : soldes DIF et CPF, heures réservées, mouvements",
    answers={200: answers.HoursStatement},
    authenticated=True,
)
def read_hours(session):
    return answers.HoursStatement(**hours.statement(dependencies.store(), session.account_id, session.nir))


@blueprint.route(
    "/titulaire/heures/dif",
    methods=["PUT"],
    summary="Saisir le solde d'heures DIF (0 à 120, arrondi à l'heure), tant qu'aucun dossier n'est validé",
    body=forms.DifForm,
    answers={200: answers.DifEntered},
    refusals={409: ("dif_verrouille",)},
    authenticated=True,
)
def set_dif(session, form: forms.DifForm):
    entered = hours.set_dif(dependencies.store(), dependencies.clock(), session.account_id, form.solde_dif, session.nir)
    return answers.DifEntered(solde_dif=entered, detail=hours.UPDATED)


# "Mes dossiers de formation" ----------------------------------------------------------------------


@blueprint.route(
    "/titulaire/dossiers",
    methods=["POST"],
    summary="Créer un dossier de formation (en cours d'élaboration)",
    body=forms.DossierForm,
    answers={201: answers.Dossier},
    refusals={400: ("champs_invalides", "caracteres_invalides", "date_invalide"), 409: ("dif_non_renseigne",)},
    authenticated=True,
)
def create_dossier(session, form: forms.DossierForm):
    dossier = dossiers.create(
        dependencies.store(),
        dependencies.clock(),
        session.account_id,
        dossiers.NewDossier(**form.model_dump()),
        session.nir,
    )
    return json_response(
        answers.Dossier(**dossier), status=201, headers={"Location": f"/titulaire/dossiers/{dossier['id']}"}
    )


@blueprint.route(
    "/titulaire/dossiers",
    methods=["GET"],
    summary="Mes dossiers de formation, du plus récent au plus ancien",
    answers={200: answers.Dossiers},
    refusals={400: ("etat_invalide",)},
    query={"etat": "« en_cours » (en cours d'élaboration ou validés) ou « clos »."},
    authenticated=True,
)
def list_dossiers(session):
    found = dossiers.list_all(dependencies.store(), session.account_id, _query_parameter("etat"))
    return answers.Dossiers(dossiers=[answers.Dossier(**dossier) for dossier in found])


@blueprint.route(
    "/titulaire/dossiers/{dossier_id}",
    methods=["GET"],
    summary="Un dossier de formation",
    answers={200: answers.Dossier},
    refusals=DOSSIER_GONE,
    authenticated="ticket",  # the session read with the dossier: 1 request
)
def read_dossier(ticket, dossier_id):
    idle = get_settings().session_idle_seconds
    return answers.Dossier(
        **dossiers.read(dependencies.store(), dependencies.clock(), ticket, dossier_id, idle_seconds=idle)
    )


@blueprint.route(
    "/titulaire/dossiers/{dossier_id}/validation",
    methods=["POST"],
    summary="Valider un dossier : ses heures sont réservées (DIF puis CPF) et le DIF n'est plus modifiable",
    body=forms.EmptyForm,
    optional_body=True,
    answers={200: answers.Dossier},
    refusals={**DOSSIER_GONE, 409: ("heures_insuffisantes", "etat_dossier_invalide")},
    authenticated="ticket",  # the session and the dossier read together: 2 requests in all
)
def validate_dossier(ticket, dossier_id, form: forms.EmptyForm):
    idle = get_settings().session_idle_seconds
    return answers.Dossier(
        **dossiers.validate(dependencies.store(), dependencies.clock(), ticket, dossier_id, idle_seconds=idle)
    )


@blueprint.route(
    "/titulaire/dossiers/{dossier_id}/cloture",
    methods=["POST"],
    summary="Clore un dossier validé : ses heures sont débitées et un mouvement est inscrit",
    body=forms.EmptyForm,
    optional_body=True,
    answers={200: answers.Dossier},
    refusals={**DOSSIER_GONE, 409: ("etat_dossier_invalide",)},
    authenticated="ticket",  # as validation: 2 requests in all
)
def close_dossier(ticket, dossier_id, form: forms.EmptyForm):
    idle = get_settings().session_idle_seconds
    return answers.Dossier(
        **dossiers.close(dependencies.store(), dependencies.clock(), ticket, dossier_id, idle_seconds=idle)
    )


# "Consulter mon historique" -----------------------------------------------------------------------


@blueprint.route(
    "/titulaire/historique",
    methods=["GET"],
    summary="Consulter mon historique : les événements du compte, du plus récent, 20 par page",
    answers={200: answers.HistoryPage},
    refusals={400: ("curseur_invalide",)},
    query={"curseur": "Le curseur_suivant de la page précédente."},
    authenticated=True,
)
def read_history(session):
    page = holder.history_page(dependencies.store(), session.account_id, _query_parameter("curseur"))
    return answers.HistoryPage(**page)
