"""Registration ("S'inscrire"): CGU, draft, security check, identity, password, activation."""

from chalice.app import Response

from .. import captcha_media, dependencies
from ..clock import to_iso
from ..domain import activation, captchas, cgu, identity, passwords, registration
from ..domain.franceconnect import refusals as franceconnect_refusals
from ..settings import get_settings
from . import answers, bodies, forms
from .answers import Answer
from .blueprint import ApiBlueprint
from .problems import HttpRefusal, json_response, refusals

blueprint = ApiBlueprint(__name__)

AUDIO_TYPE = "audio/wav"
DRAFT_GONE = refusals(registration.DRAFT_NOT_FOUND)
# What the identity form refuses, field by field.
IDENTITY_FIELD_REFUSALS = (
    identity.NIR_INVALID,
    identity.NIR_KEY_INVALID,
    identity.EMAIL_INVALID,
    forms.EMAIL_CONFIRMATION_DIFFERENT,
    identity.FIXED_PHONE_INVALID,
    identity.MOBILE_PHONE_INVALID,
    identity.CIVILITE_INVALID,
    identity.NAME_LENGTH,
    identity.NAME_CHARACTERS,
)
NOT_AUDIO = HttpRefusal(
    406, "format_non_disponible", "La version sonore est disponible au format audio/wav (en-tête Accept)."
)
CAPTCHA_GONE = HttpRefusal(404, captchas.EXPIRED.code, captchas.EXPIRED.message)


@blueprint.route(
    "/cgu", methods=["GET"], summary="Les Conditions Générales d'Utilisation en vigueur", answers={200: answers.Cgu}
)
def read_cgu() -> Answer:
    return answers.Cgu.model_validate(cgu.current(get_settings().cgu_version))


@blueprint.route(
    "/inscriptions",
    methods=["POST"],
    summary="Étape 1 : valider les CGU, ce qui ouvre une inscription",
    body=forms.CguAcceptance,
    answers={201: answers.RegistrationStep},
    refusals=refusals(registration.CGU_REFUSED, registration.CGU_OUTDATED),
)
def start_registration(form: forms.CguAcceptance) -> Response:
    settings = get_settings()
    draft = registration.start(
        dependencies.clock(),
        ttl_seconds=settings.registration_ttl_seconds,
        current_cgu_version=settings.cgu_version,
        accepted=form.cgu_acceptees,
        version=form.cgu_version,
        sealer=dependencies.sealer(),
    )
    return json_response(_step(draft), status=201, headers={"Location": f"/inscriptions/{draft.id}"})


@blueprint.route(
    "/inscriptions/{draft_id}",
    methods=["GET"],
    summary="« Retour » : l'inscription en cours, le NIR masqué",
    answers={200: answers.RegistrationDraft},
    refusals=DRAFT_GONE,
)
def read_registration(draft_id: str) -> Answer:
    draft = registration.find(dependencies.store(), dependencies.clock(), draft_id, dependencies.sealer())
    return answers.RegistrationDraft.of(draft)


@blueprint.route(
    "/inscriptions/{draft_id}",
    methods=["DELETE"],
    summary="« Annuler » : l'inscription en cours et ce qu'elle contient sont effacés",
    answers={204: None},
    refusals=DRAFT_GONE,
)
def cancel_registration(draft_id: str) -> Response:
    registration.cancel(dependencies.store(), dependencies.clock(), draft_id, dependencies.sealer())
    return Response(body="", status_code=204)


@blueprint.route(
    "/inscriptions/{draft_id}/identite",
    methods=["PUT"],
    summary="Étape 2 : l'identité et le contrôle de sécurité (à nouveau possible tant que le mot de passe manque)",
    body=forms.IdentityForm,
    parse_body=False,
    answers={200: answers.RegistrationStep},
    refusals=refusals(
        *registration.CAPTCHA_REFUSED,
        *IDENTITY_FIELD_REFUSALS,
        registration.DRAFT_NOT_FOUND,
        registration.WRONG_STEP,
        *registration.TAKEN,
    ),
)
def submit_identity(draft_id: str) -> Answer:
    data = bodies.json_object(blueprint.current_request)
    form, errors = bodies.check(forms.IdentityForm, data)
    store, clock = dependencies.store(), dependencies.clock()
    if form is None:
        # Every invalid field in one answer, the security check included: it is spent either way.
        captcha_error = captchas.spend(
            store, clock, data.get("captcha_id"), data.get("captcha_reponse"), dependencies.sealer()
        )
        raise bodies.invalid(errors + ([captcha_error] if captcha_error else []))
    person = registration.Identity(
        **form.model_dump(exclude={"courriel_confirmation", "captcha_id", "captcha_reponse"})
    )
    draft = registration.submit_identity(
        store, clock, draft_id, person, form.captcha_id, form.captcha_reponse, dependencies.sealer()
    )
    return _step(draft)


@blueprint.route(
    "/inscriptions/{draft_id}/mot-de-passe",
    methods=["PUT"],
    summary="Étape 3 : le mot de passe ; le compte est créé et le courriel d'activation envoyé (inscription "
    "vérifiée avec FranceConnect : le numéro d'un compte non vérifié est repris, ce compte fermé)",
    body=forms.PasswordForm,
    answers={201: answers.Registered},
    refusals=refusals(
        passwords.REFUSED,
        *passwords.RULES,
        registration.DRAFT_NOT_FOUND,
        registration.WRONG_STEP,
        *registration.TAKEN,
        franceconnect_refusals.IDENTITY_MISMATCH,
        franceconnect_refusals.SUB_TAKEN,
        registration.BUSY,
    ),
)
def submit_password(draft_id: str, form: forms.PasswordForm) -> Answer:
    settings = get_settings()
    pending = registration.submit_password(
        dependencies.store(),
        dependencies.mailer(),
        dependencies.clock(),
        draft_id=draft_id,
        password=form.mot_de_passe,
        confirmation=form.mot_de_passe_confirmation,
        policy=settings.password_policy,
        activation_ttl_seconds=settings.activation_ttl_seconds,
        sealer=dependencies.sealer(),
    )
    detail = registration.REGISTERED
    if not pending.email_sent:
        detail += (
            ", mais le courriel d'activation n'a pas pu être envoyé pour le moment : vous pourrez demander "
            "un nouveau lien (« Je n'ai pas reçu le courriel »)."
        )
    return answers.Registered.model_validate(
        {
            "etape": registration.STEP_ACTIVATION,
            "detail": detail,
            "activation_expire_le": to_iso(pending.activation_expires_at),
            "courriel_envoye": pending.email_sent,
        }
    )


@blueprint.route(
    "/captchas",
    methods=["POST"],
    summary="Contrôle de sécurité : de nouveaux caractères, en image (« renouveler les caractères »)",
    body=forms.EmptyForm,
    optional_body=True,
    answers={201: answers.Captcha},
)
def create_captcha(form: forms.EmptyForm) -> Answer:
    settings = get_settings()
    captcha = captchas.create(
        dependencies.clock(), settings.captcha_ttl_seconds, dependencies.sealer(), settings.captcha_fixed_answer
    )
    return answers.Captcha(
        id=captcha.id,
        image=captcha_media.image_data_uri(captcha.answer),
        audio=f"/captchas/{captcha.id}/audio",
        expire_le=to_iso(captcha.expires_at),
    )


@blueprint.route(
    "/captchas/{captcha_id}/audio",
    methods=["GET"],
    summary="La version sonore du contrôle de sécurité, en français (« écouter »)",
    answers={200: AUDIO_TYPE},
    refusals=refusals(CAPTCHA_GONE, NOT_AUDIO),
)
def captcha_audio(captcha_id: str) -> Response:
    accept = blueprint.current_request.headers.get("accept") or ""
    if AUDIO_TYPE not in accept and "audio/*" not in accept:
        raise NOT_AUDIO()
    captcha = captchas.find_live(dependencies.store(), dependencies.clock(), captcha_id, dependencies.sealer())
    if captcha is None:
        raise CAPTCHA_GONE()
    return Response(body=captcha_media.audio_wav(captcha.answer), headers={"Content-Type": AUDIO_TYPE})


@blueprint.route(
    "/activations",
    methods=["POST"],
    summary="Étape 4 : valider son inscription avec le code du lien reçu par courriel",
    body=forms.ActivationForm,
    answers={200: answers.Activated},
    refusals=refusals(activation.UNKNOWN, activation.ALREADY_USED, activation.EXPIRED),
)
def activate(form: forms.ActivationForm) -> Answer:
    activation.activate(dependencies.store(), dependencies.clock(), form.code)
    return answers.Activated(statut="actif", detail=activation.ACTIVATED)


def _step(draft: registration.Draft | registration.Step) -> answers.RegistrationStep:
    return answers.RegistrationStep.model_validate(
        {"id": draft.id, "etape": draft.step, "expire_le": to_iso(draft.expires_at)}
    )
