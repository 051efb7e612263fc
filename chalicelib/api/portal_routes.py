"""What the portal's static pages need from the server and cannot know themselves: the password
rules in force (PASSWORD_POLICY is a server setting), so that a page ticks each rule as it is met."""

from ..domain import passwords
from ..settings import get_settings
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)


@blueprint.route("/mots-de-passe/regles", methods=["GET"])
def password_rules():
    policy = get_settings().password_policy
    return json_response({"politique": policy, "regles": passwords.policy_rules(policy)})
