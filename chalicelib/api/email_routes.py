"""The confirmed email change: the request from the holder space, the confirmation from the link."""

from .. import dependencies
from ..domain import email_change
from ..settings import get_settings
from . import answers, forms
from .blueprint import ApiBlueprint

blueprint = ApiBlueprint(__name__)


@blueprint.route(
    "/titulaire/courriel",
    methods=["POST"],
    summary="Changer d'adresse courriel : un lien de confirmation part vers la nouvelle, un avis vers l'ancienne",
    body=forms.EmailChangeForm,
    answers={202: answers.EmailChangeRequested},
    refusals={
        400: ("courriel_inchange", "courriel_invalide", "courriel_confirmation_differente"),
        403: ("mot_de_passe_incorrect",),
        409: ("courriel_deja_utilise", "demande_concurrente"),
        429: ("compte_verrouille", "envois_trop_nombreux"),
    },
    authenticated=True,
)
def request_change(session, form: forms.EmailChangeForm):
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
    return answers.EmailChangeRequested(detail=requested.detail, courriel_envoye=requested.email_sent)


@blueprint.route(
    "/courriels/confirmation",
    methods=["POST"],
    summary="Confirmer la nouvelle adresse avec le code du lien reçu (sans session : le lien s'ouvre partout)",
    body=forms.CodeForm,
    answers={200: answers.EmailChanged},
    refusals={404: ("code_invalide",), 409: ("courriel_deja_utilise",), 410: ("code_expire",)},
)
def confirm_change(form: forms.CodeForm):
    """The API never changes anything on a GET: the portal's page posts the code."""
    courriel = email_change.confirm_change(dependencies.store(), dependencies.clock(), form.code)
    return answers.EmailChanged(courriel=courriel, detail=email_change.CHANGED)
