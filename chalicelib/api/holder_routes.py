"""The holder space ("Espace Titulaire"), behind a session: thin routes over the domain."""

from chalice.app import Response

from .. import dependencies
from ..domain import dossiers, holder, hours, identity, passwords, sessions
from ..domain.sessions import Session, Ticket
from ..settings import get_settings
from . import answers, bodies, forms
from .answers import Answer
from .blueprint import ApiBlueprint
from .problems import json_response, refusals

blueprint = ApiBlueprint(__name__)


def _query_parameter(name: str) -> str | None:
    return bodies.query_parameter(blueprint.current_request, name)


DOSSIER_GONE = refusals(dossiers.NOT_FOUND)
# What the form of "Mes informations personnelles" refuses, field by field.
FIELD_REFUSALS = (
    bodies.FIELDS_INVALID,
    identity.CIVILITE_INVALID,
    identity.NAME_LENGTH,
    identity.NAME_CHARACTERS,
    identity.FIXED_PHONE_INVALID,
    identity.MOBILE_PHONE_INVALID,
)


@blueprint.route(
    "/titulaire",
    methods=["GET"],
    summary="Synthèse de votre compte : heures disponibles et dossiers",
    answers={200: answers.Synthesis},
    authenticated="ticket",  # the session read with the account and the hours: 1 request
)
def synthesis(ticket: Ticket) -> Answer:
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    return answers.Synthesis.of(holder.synthesis(store, clock, ticket, idle_seconds=idle))


# "Mes informations personnelles" ----------------------------------------------------------------


@blueprint.route(
    "/titulaire/informations",
    methods=["GET"],
    summary="Mes informations personnelles (le NIR masqué)",
    answers={200: answers.Informations},
    authenticated="ticket",  # the session read with the account: 1 request
)
def read_informations(ticket: Ticket) -> Answer:
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    return answers.Informations.of(holder.informations(store, clock, ticket, idle_seconds=idle))


@blueprint.route(
    "/titulaire/informations",
    methods=["PATCH"],
    summary="Modifier civilité, prénom et téléphones (null ou vide efface un champ facultatif)",
    body=forms.InformationsForm,
    parse_body=False,
    answers={200: answers.InformationsChanged},
    refusals=refusals(holder.NOTHING_TO_CHANGE, forms.UNCHANGEABLE, *FIELD_REFUSALS, holder.EMAIL_NOT_HERE),
    authenticated="session",
)
def change_informations(session: Session) -> Answer:
    form, errors = bodies.check(forms.InformationsForm, bodies.json_object(blueprint.current_request))
    if any(error.code == holder.EMAIL_NOT_HERE.code for error in errors):
        raise holder.EMAIL_NOT_HERE(erreurs=errors)
    if form is None:
        raise bodies.invalid(errors)
    changed = holder.change_informations(dependencies.store(), dependencies.clock(), session.account_id, form.changes())
    return answers.InformationsChanged(detail=holder.UPDATED, modifications=changed)


# "Modifier mon mot de passe" ----------------------------------------------------------------------


@blueprint.route(
    "/titulaire/mot-de-passe",
    methods=["PUT"],
    summary="Modifier mon mot de passe ; les autres sessions sont fermées, un avis part au titulaire",
    body=forms.PasswordChangeForm,
    answers={200: answers.PasswordChanged},
    refusals=refusals(holder.WRONG_CURRENT_PASSWORD, passwords.REFUSED, *passwords.RULES, sessions.LOCKED),
    authenticated="session",
)
def change_password(session: Session, form: forms.PasswordChangeForm) -> Answer:
    settings = get_settings()
    ended = holder.change_password(
        dependencies.store(),
        dependencies.mailer(),
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
    authenticated="session",
)
def read_hours(session: Session) -> Answer:
    return answers.HoursStatement.of(hours.statement(dependencies.store(), session.rights_id))


@blueprint.route(
    "/titulaire/heures/dif",
    methods=["PUT"],
    summary="Saisir le solde d'heures DIF (0 à 120, arrondi à l'heure), tant qu'aucun dossier n'est validé",
    body=forms.DifForm,
    answers={200: answers.DifEntered},
    refusals=refusals(hours.DIF_LOCKED),
    authenticated="session",
)
def set_dif(session: Session, form: forms.DifForm) -> Answer:
    store, clock = dependencies.store(), dependencies.clock()
    entered = hours.set_dif(store, clock, session.account_id, form.solde_dif, session.rights_id)
    return answers.DifEntered(solde_dif=entered, detail=hours.UPDATED)


# "Mes dossiers de formation" ----------------------------------------------------------------------


@blueprint.route(
    "/titulaire/dossiers",
    methods=["POST"],
    summary="Créer un dossier de formation (en cours d'élaboration)",
    body=forms.DossierForm,
    answers={201: answers.Dossier},
    refusals=refusals(bodies.FIELDS_INVALID, forms.CHARACTERS_INVALID, forms.DATE_INVALID, dossiers.DIF_NOT_ENTERED),
    authenticated="session",
)
def create_dossier(session: Session, form: forms.DossierForm) -> Response:
    dossier = dossiers.create(
        dependencies.store(),
        dependencies.clock(),
        session.account_id,
        form.new_dossier(),
        session.rights_id,
    )
    return json_response(
        answers.Dossier.of(dossier), status=201, headers={"Location": f"/titulaire/dossiers/{dossier.id}"}
    )


@blueprint.route(
    "/titulaire/dossiers",
    methods=["GET"],
    summary="Mes dossiers de formation, du plus récent au plus ancien",
    answers={200: answers.Dossiers},
    refusals=refusals(dossiers.BAD_STATE_FILTER),
    query={"etat": "« en_cours » (en cours d'élaboration ou validés) ou « clos »."},
    authenticated="session",
)
def list_dossiers(session: Session) -> Answer:
    found = dossiers.list_all(dependencies.store(), session.account_id, _query_parameter("etat"))
    return answers.Dossiers.of(found)


@blueprint.route(
    "/titulaire/dossiers/{dossier_id}",
    methods=["GET"],
    summary="Un dossier de formation",
    answers={200: answers.Dossier},
    refusals=DOSSIER_GONE,
    authenticated="ticket",  # the session read with the dossier: 1 request
)
def read_dossier(ticket: Ticket, dossier_id: str) -> Answer:
    store, clock, idle = dependencies.store(), dependencies.clock(), get_settings().session_idle_seconds
    return answers.Dossier.of(dossiers.read(store, clock, ticket, dossier_id, idle_seconds=idle))


@blueprint.route(
    "/titulaire/dossiers/{dossier_id}/validation",
    methods=["POST"],
    summary="Valider un dossier : ses heures sont réservées (DIF puis CPF) et le DIF n'est plus modifiable",
    body=forms.EmptyForm,
    optional_body=True,
    answers={200: answers.Dossier},
    refusals=refusals(dossiers.NOT_FOUND, dossiers.NOT_ENOUGH_HOURS, dossiers.BAD_STATE),
    authenticated="ticket",  # the session and the dossier read together: 2 requests in all
)
def validate_dossier(ticket: Ticket, dossier_id: str, form: forms.EmptyForm) -> Answer:
    idle = get_settings().session_idle_seconds
    return answers.Dossier.of(
        dossiers.validate(dependencies.store(), dependencies.clock(), ticket, dossier_id, idle_seconds=idle)
    )


@blueprint.route(
    "/titulaire/dossiers/{dossier_id}/cloture",
    methods=["POST"],
    summary="Clore un dossier validé : ses heures sont débitées et un mouvement est inscrit",
    body=forms.EmptyForm,
    optional_body=True,
    answers={200: answers.Dossier},
    refusals=refusals(dossiers.NOT_FOUND, dossiers.BAD_STATE),
    authenticated="ticket",  # as validation: 2 requests in all
)
def close_dossier(ticket: Ticket, dossier_id: str, form: forms.EmptyForm) -> Answer:
    idle = get_settings().session_idle_seconds
    return answers.Dossier.of(
        dossiers.close(dependencies.store(), dependencies.clock(), ticket, dossier_id, idle_seconds=idle)
    )


# "Consulter mon historique" -----------------------------------------------------------------------


@blueprint.route(
    "/titulaire/historique",
    methods=["GET"],
    summary="Consulter mon historique : les événements du compte, du plus récent, 20 par page",
    answers={200: answers.HistoryPage},
    refusals=refusals(holder.INVALID_CURSOR),
    query={"curseur": "Le curseur_suivant de la page précédente."},
    authenticated="session",
)
def read_history(session: Session) -> Answer:
    page = holder.history_page(dependencies.store(), session.account_id, _query_parameter("curseur"))
    return answers.HistoryPage.of(page)
