"""FranceConnect (contract §14): verify one's identity, log in, register; and the return.

Each start answers the URL of FranceConnect's page; the provider sends the browser back to the
portal's `/franceconnect/retour?code=&state=`, which posts both here. A person who cancels on
FranceConnect comes back with `error=access_denied` and no code: the return page says so and posts
nothing (docs/decisions.md)."""

from .. import dependencies
from ..clock import to_iso
from ..domain import registration, sessions
from ..domain.franceconnect import paths
from ..domain.franceconnect import refusals as fc
from ..settings import get_settings
from . import answers, forms
from .answers import Answer
from .blueprint import ApiBlueprint, current_session
from .problems import refusals

blueprint = ApiBlueprint(__name__)

STARTED: dict[int, type[Answer] | str | None] = {201: answers.FranceConnectStart}


@blueprint.route(
    "/titulaire/identite/franceconnect",
    methods=["POST"],
    summary="« Vérifier mon identité » avec FranceConnect : l'adresse de FranceConnect",
    body=forms.EmptyForm,
    optional_body=True,
    answers=STARTED,
    refusals=refusals(fc.PROVIDER_DOWN),
    authenticated="session",
)
def start_verification(session: sessions.Session, form: forms.EmptyForm) -> Answer:
    url = paths.start_verification(dependencies.franceconnect(), dependencies.sealer(), dependencies.clock(), session)
    return answers.FranceConnectStart(url=url)


@blueprint.route(
    "/sessions/franceconnect",
    methods=["POST"],
    summary="« S'identifier avec FranceConnect » : l'adresse de FranceConnect",
    body=forms.EmptyForm,
    optional_body=True,
    answers=STARTED,
    refusals=refusals(fc.PROVIDER_DOWN),
)
def start_login(form: forms.EmptyForm) -> Answer:
    url = paths.start_login(dependencies.franceconnect(), dependencies.sealer(), dependencies.clock())
    return answers.FranceConnectStart(url=url)


@blueprint.route(
    "/inscriptions/{draft_id}/franceconnect",
    methods=["POST"],
    summary="S'inscrire avec FranceConnect (à l'étape de l'identité) : l'adresse de FranceConnect",
    body=forms.EmptyForm,
    optional_body=True,
    answers=STARTED,
    refusals=refusals(registration.DRAFT_NOT_FOUND, registration.WRONG_STEP, fc.PROVIDER_DOWN),
)
def start_registration(draft_id: str, form: forms.EmptyForm) -> Answer:
    url = paths.start_registration(
        dependencies.store(), dependencies.franceconnect(), dependencies.sealer(), dependencies.clock(), draft_id
    )
    return answers.FranceConnectStart(url=url)


@blueprint.route(
    "/franceconnect/retour",
    methods=["POST"],
    summary="Le retour de FranceConnect (le code et l'état reçus) ; pour une vérification, avec le jeton du titulaire",
    body=forms.FranceConnectReturnForm,
    answers={200: answers.FranceConnectReturn},
    refusals=refusals(
        fc.INVALID_STATE,
        sessions.INVALID_SESSION,
        sessions.NOT_ACTIVATED,
        fc.UNKNOWN_ACCOUNT,
        registration.DRAFT_NOT_FOUND,
        fc.IDENTITY_MISMATCH,
        fc.SUB_TAKEN,
        fc.ALREADY_VERIFIED,
        registration.WRONG_STEP,
        sessions.BUSY,
        fc.PROVIDER_DOWN,
    ),
)
def complete(form: forms.FranceConnectReturnForm) -> Answer:
    settings = get_settings()
    request = blueprint.current_request
    path, outcome = paths.complete(
        dependencies.store(),
        dependencies.franceconnect(),
        dependencies.sealer(),
        dependencies.clock(),
        code=form.code,
        state_value=form.state,
        issuer=form.iss,
        authenticate=lambda: current_session(request),
        session_limits=(settings.session_idle_seconds, settings.session_max_seconds),
    )
    if isinstance(outcome, paths.Verified):
        fields: dict[str, object] = {"identite_verifiee": True, "verifiee_le": outcome.verified_at}
    elif isinstance(outcome, sessions.NewSession):
        fields = {
            "jeton": outcome.token,
            "expire_le": to_iso(outcome.expires_at),
            "expire_sans_activite_le": to_iso(outcome.idle_expires_at),
        }
    else:
        fields = {"id": outcome.id, "etape": outcome.step}
    return answers.FranceConnectReturn.model_validate({"parcours": str(path), **fields})
