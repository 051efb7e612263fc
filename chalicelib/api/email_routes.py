"""The confirmed email change: the request from the holder space, the confirmation from the link."""

from .. import dependencies
from ..domain import email_change
from ..settings import get_settings
from . import bodies, forms
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)


@blueprint.route("/titulaire/courriel", methods=["POST"], authenticated=True)
def request_change(session):
    form = bodies.parse(forms.EmailChangeForm, blueprint.current_request)
    settings = get_settings()
    requested = email_change.request_change(
        dependencies.store(),
        dependencies.mailer(),
        dependencies.clock(),
        session,
        courriel=form.courriel,
        password=form.mot_de_passe,
        ttl_seconds=settings.email_change_ttl_seconds,
        lockout_threshold=settings.lockout_threshold,
        lockout_seconds=settings.lockout_seconds,
    )
    return json_response({"detail": requested.detail, "courriel_envoye": requested.email_sent}, status=202)


@blueprint.route("/courriels/confirmation", methods=["POST"])
def confirm_change():
    """No session: the link may be opened on any device. The API never changes anything on a GET."""
    form = bodies.parse(forms.CodeForm, blueprint.current_request)
    courriel = email_change.confirm_change(dependencies.store(), dependencies.clock(), form.code)
    return json_response({"courriel": courriel, "detail": email_change.CHANGED})
