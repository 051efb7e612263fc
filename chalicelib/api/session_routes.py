"""Log in ("Je m'identifie") and log out ("Déconnexion")."""

from chalice.app import Response

from .. import dependencies
from ..clock import to_iso
from ..domain import sessions
from ..settings import get_settings
from . import answers, forms
from .answers import Answer
from .blueprint import ApiBlueprint
from .problems import refusals

blueprint = ApiBlueprint(__name__)


@blueprint.route(
    "/sessions",
    methods=["POST"],
    summary="« Je m'identifie » : se connecter avec son numéro de sécurité sociale et son mot de passe",
    body=forms.LoginForm,
    answers={201: answers.NewSession},
    refusals=refusals(sessions.BAD_CREDENTIALS, sessions.NOT_ACTIVATED, sessions.LOCKED),
)
def log_in(form: forms.LoginForm) -> Answer:
    settings = get_settings()
    session = sessions.log_in(
        dependencies.store(),
        dependencies.clock(),
        nir=form.nir,
        password=form.mot_de_passe,
        idle_seconds=settings.session_idle_seconds,
        max_seconds=settings.session_max_seconds,
        lockout_threshold=settings.lockout_threshold,
        lockout_seconds=settings.lockout_seconds,
        key=settings.session_and_activation_key(),
    )
    return answers.NewSession(
        jeton=session.token,
        expire_le=to_iso(session.expires_at),
        expire_sans_activite_le=to_iso(session.idle_expires_at),
    )


@blueprint.route(
    "/sessions/courante",
    methods=["DELETE"],
    summary="« Déconnexion » : le jeton cesse aussitôt de fonctionner",
    answers={204: None},
    authenticated=True,
)
def log_out(session: sessions.Session) -> Response:
    sessions.log_out(dependencies.store(), dependencies.clock(), session)
    return Response(body="", status_code=204)
