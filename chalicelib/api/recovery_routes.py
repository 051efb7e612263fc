"""Recovery: "Mot de passe oublié" and "Je n'ai pas reçu le courriel".

Both answer the same whatever they are given, and in the same time: a matching account costs
more requests and an email, so every answer waits until RESPONSE_FLOOR_SECONDS have passed.
"""

from contextlib import contextmanager

from .. import dependencies
from ..domain import recovery
from ..settings import get_settings
from . import bodies, forms
from .blueprint import ApiBlueprint
from .problems import json_response

blueprint = ApiBlueprint(__name__)

# Above what the slowest path takes (three DynamoDB requests and an SES call, ~0.2 s on AWS).
RESPONSE_FLOOR_SECONDS = 0.5


@contextmanager
def answering_in_constant_time():
    started = dependencies.monotonic()
    yield
    remaining = RESPONSE_FLOOR_SECONDS - (dependencies.monotonic() - started)
    if remaining > 0:
        dependencies.sleep(remaining)


@blueprint.route("/activations/renvoi", methods=["POST"])
def resend_activation():
    form = bodies.parse(forms.RecoveryForm, blueprint.current_request)
    with answering_in_constant_time():
        recovery.resend_activation(
            dependencies.store(), dependencies.mailer(), dependencies.clock(), nir=form.nir, courriel=form.courriel
        )
    return json_response({"detail": recovery.ACCEPTED}, status=202)


@blueprint.route("/mots-de-passe/oubli", methods=["POST"])
def forgotten_password():
    form = bodies.parse(forms.RecoveryForm, blueprint.current_request)
    with answering_in_constant_time():
        recovery.request_reset(
            dependencies.store(),
            dependencies.mailer(),
            dependencies.clock(),
            nir=form.nir,
            courriel=form.courriel,
            ttl_seconds=get_settings().password_reset_ttl_seconds,
        )
    return json_response({"detail": recovery.ACCEPTED}, status=202)


@blueprint.route("/mots-de-passe/reinitialisation", methods=["POST"])
def reset_password():
    form = bodies.parse(forms.PasswordResetForm, blueprint.current_request)
    recovery.reset_password(
        dependencies.store(),
        dependencies.clock(),
        code=form.code,
        password=form.mot_de_passe,
        confirmation=form.mot_de_passe_confirmation,
        policy=get_settings().password_policy,
    )
    return json_response({"detail": recovery.RESET_DONE})
