"""Recovery: "Mot de passe oublié" and "Je n'ai pas reçu le courriel".

Both answer the same whatever they are given, and in the same time: a matching account costs
more requests and an email, so every answer waits until RESPONSE_FLOOR_SECONDS have passed.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from .. import dependencies
from ..domain import passwords, recovery
from ..settings import get_settings
from . import answers, forms
from .answers import Answer
from .blueprint import ApiBlueprint
from .problems import refusals

blueprint = ApiBlueprint(__name__)

# Above what the slowest path takes (three DynamoDB requests and an SES call, ~0.2 s on AWS).
RESPONSE_FLOOR_SECONDS = 0.5


@contextmanager
def answering_in_constant_time() -> Iterator[None]:
    started = dependencies.monotonic()
    yield
    remaining = RESPONSE_FLOOR_SECONDS - (dependencies.monotonic() - started)
    if remaining > 0:
        dependencies.sleep(remaining)


PASSWORD_REFUSALS = (passwords.REFUSED, *passwords.RULES)


@blueprint.route(
    "/activations/renvoi",
    methods=["POST"],
    summary="« Je n'ai pas reçu le courriel » : un nouveau lien d'activation, s'il y a lieu (réponse toujours la même)",
    body=forms.RecoveryForm,
    answers={202: answers.Detail},
)
def resend_activation(form: forms.RecoveryForm) -> Answer:
    with answering_in_constant_time():
        recovery.resend_activation(
            dependencies.store(),
            dependencies.mailer(),
            dependencies.clock(),
            nir=form.nir,
            courriel=form.courriel,
        )
    return answers.Detail(detail=recovery.ACCEPTED)


@blueprint.route(
    "/mots-de-passe/oubli",
    methods=["POST"],
    summary="« Mot de passe oublié » : un lien de réinitialisation, s'il y a lieu (réponse toujours la même)",
    body=forms.RecoveryForm,
    answers={202: answers.Detail},
)
def forgotten_password(form: forms.RecoveryForm) -> Answer:
    with answering_in_constant_time():
        recovery.request_reset(
            dependencies.store(),
            dependencies.mailer(),
            dependencies.clock(),
            nir=form.nir,
            courriel=form.courriel,
            ttl_seconds=get_settings().password_reset_ttl_seconds,
        )
    return answers.Detail(detail=recovery.ACCEPTED)


@blueprint.route(
    "/mots-de-passe/reinitialisation",
    methods=["POST"],
    summary="Choisir un nouveau mot de passe avec le code du lien reçu ; toutes les sessions sont fermées, "
    "et toutes les délégations avec « fin_des_delegations »",
    body=forms.PasswordResetForm,
    answers={200: answers.Detail},
    refusals=refusals(*PASSWORD_REFUSALS, recovery.CODE_UNKNOWN, recovery.CODE_EXPIRED, recovery.BUSY),
)
def reset_password(form: forms.PasswordResetForm) -> Answer:
    recovery.reset_password(
        dependencies.store(),
        dependencies.mailer(),
        dependencies.clock(),
        code=form.code,
        password=form.mot_de_passe,
        confirmation=form.mot_de_passe_confirmation,
        policy=get_settings().password_policy,
        end_delegations=form.fin_des_delegations,
    )
    return answers.Detail(detail=recovery.RESET_DONE)
