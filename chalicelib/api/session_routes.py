"""Log in ("Je m'identifie") and log out ("Déconnexion")."""

from chalice import Response

from .. import dependencies
from ..clock import to_iso
from ..domain import sessions
from ..settings import get_settings
from . import bodies, forms
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)


@blueprint.route("/sessions", methods=["POST"])
def log_in():
    form = bodies.parse(forms.LoginForm, blueprint.current_request)
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
    )
    return json_response(
        {
            "jeton": session.token,
            "expire_le": to_iso(session.expires_at),
            "expire_sans_activite_le": to_iso(session.idle_expires_at),
        },
        status=201,
    )


@blueprint.route("/sessions/courante", methods=["DELETE"], authenticated=True)
def log_out(session):
    sessions.log_out(dependencies.store(), dependencies.clock(), session)
    return Response(body="", status_code=204)
