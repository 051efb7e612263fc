"""The confirmed email change: the request from the holder space, the confirmation from the link."""

from .. import dependencies
from ..domain import email_change, identity, recovery, sessions
from ..domain.sessions import Session
from ..settings import get_settings
from . import answers, forms
from .answers import Answer
from .blueprint import ApiBlueprint
from .problems import refusals

blueprint = ApiBlueprint(__name__)


@blueprint.route(
    "/titulaire/courriel",
    methods=["POST"],
    summary="Changer d'adresse courriel : un lien de confirmation part vers la nouvelle, un avis vers l'ancienne",
    body=forms.EmailChangeForm,
    answers={202: answers.EmailChangeRequested},
    refusals=refusals(
        email_change.UNCHANGED,
        identity.EMAIL_INVALID,
        forms.EMAIL_CONFIRMATION_DIFFERENT,
        email_change.WRONG_PASSWORD,
        email_change.TAKEN,
        email_change.BUSY,
        sessions.LOCKED,
        recovery.TOO_MANY_EMAILS,
    ),
    authenticated="session",
)
def request_change(session: Session, form: forms.EmailChangeForm) -> Answer:
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
    refusals=refusals(email_change.CODE_UNKNOWN, email_change.TAKEN, email_change.CODE_EXPIRED),
)
def confirm_change(form: forms.CodeForm) -> Answer:
    """The API never changes anything on a GET: the portal's page posts the code."""
    courriel = email_change.confirm_change(dependencies.store(), dependencies.clock(), form.code)
    return answers.EmailChanged(courriel=courriel, detail=email_change.CHANGED)
