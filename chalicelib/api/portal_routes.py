"""What the portal's static pages need from the server and cannot know themselves: the password
rules in force (PASSWORD_POLICY is a server setting), so that a page ticks each rule as it is met."""

from ..domain import passwords
from ..settings import get_settings
from . import answers
from .answers import Answer
from .blueprint import ApiBlueprint

blueprint = ApiBlueprint(__name__)


@blueprint.route(
    "/mots-de-passe/regles",
    methods=["GET"],
    summary="Les règles du mot de passe en vigueur, à cocher au fil de la saisie",
    answers={200: answers.PasswordRules},
)
def password_rules() -> Answer:
    policy = get_settings().password_policy
    return answers.PasswordRules.model_validate({"politique": policy, "regles": passwords.policy_rules(policy)})
