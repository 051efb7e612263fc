"""The holder space ("Espace Titulaire"), behind a session."""

from .. import dependencies
from ..domain import holder
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)


@blueprint.route("/titulaire", methods=["GET"], authenticated=True)
def synthesis(session):
    return json_response(holder.synthesis(dependencies.store(), session.account_id))
