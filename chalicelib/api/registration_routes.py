"""Registration ("S'inscrire"): CGU, draft, security check, identity, password, activation."""

from chalice import Response

from .. import dependencies
from ..clock import to_iso
from ..domain import activation, captchas, cgu, identity, registration
from ..settings import get_settings
from . import bodies, forms
from .blueprint import ApiBlueprint
from .problems import HttpProblem, json_response

blueprint = ApiBlueprint(__name__)

AUDIO_TYPE = "audio/wav"


@blueprint.route("/cgu", methods=["GET"])
def read_cgu():
    return json_response(cgu.current(get_settings().cgu_version))


@blueprint.route("/inscriptions", methods=["POST"])
def start_registration():
    form = bodies.parse(forms.CguAcceptance, blueprint.current_request)
    settings = get_settings()
    draft = registration.start(
        dependencies.store(),
        dependencies.clock(),
        ttl_seconds=settings.registration_ttl_seconds,
        current_cgu_version=settings.cgu_version,
        accepted=form.cgu_acceptees,
        version=form.cgu_version,
    )
    return json_response(_step(draft), status=201, headers={"Location": f"/inscriptions/{draft.id}"})


@blueprint.route("/inscriptions/{draft_id}", methods=["GET"])
def read_registration(draft_id):
    draft = registration.find(dependencies.store(), dependencies.clock(), draft_id)
    body = {**_step(draft), "cgu_version": draft.cgu_version}
    if draft.identity:
        person = draft.identity
        body.update(
            nir_masque=identity.mask_nir(person.nir),
            civilite=person.civilite,
            prenom=person.prenom,
            nom_naissance=person.nom_naissance,
            telephone_fixe=person.telephone_fixe,
            telephone_portable=person.telephone_portable,
            courriel=person.courriel,
        )
    return json_response(body)


@blueprint.route("/inscriptions/{draft_id}", methods=["DELETE"])
def cancel_registration(draft_id):
    registration.cancel(dependencies.store(), dependencies.clock(), draft_id)
    return Response(body="", status_code=204)


@blueprint.route("/inscriptions/{draft_id}/identite", methods=["PUT"])
def submit_identity(draft_id):
    data = bodies.json_object(blueprint.current_request)
    form, errors = bodies.check(forms.IdentityForm, data)
    store, clock = dependencies.store(), dependencies.clock()
    if errors:
        # Every invalid field in one answer, the security check included: it is spent either way.
        captcha_error = captchas.spend(store, clock, data.get("captcha_id"), data.get("captcha_reponse"))
        raise bodies.invalid(errors + ([captcha_error] if captcha_error else []))
    person = registration.Identity(
        **form.model_dump(exclude={"courriel_confirmation", "captcha_id", "captcha_reponse"})
    )
    draft = registration.submit_identity(store, clock, draft_id, person, form.captcha_id, form.captcha_reponse)
    return json_response(_step(draft))


@blueprint.route("/inscriptions/{draft_id}/mot-de-passe", methods=["PUT"])
def submit_password(draft_id):
    form = bodies.parse(forms.PasswordForm, blueprint.current_request)
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
    )
    detail = registration.REGISTERED
    if not pending.email_sent:
        detail += (
            ", mais le courriel d'activation n'a pas pu être envoyé pour le moment : vous pourrez demander "
            "un nouveau lien (« Je n'ai pas reçu le courriel »)."
        )
    return json_response(
        {
            "etape": registration.STEP_ACTIVATION,
            "detail": detail,
            "activation_expire_le": to_iso(pending.activation_expires_at),
            "courriel_envoye": pending.email_sent,
        },
        status=201,
    )


@blueprint.route("/captchas", methods=["POST"])
def create_captcha():
    bodies.parse(forms.EmptyForm, blueprint.current_request, optional=True)
    settings = get_settings()
    captcha = captchas.create(
        dependencies.store(), dependencies.clock(), settings.captcha_ttl_seconds, settings.captcha_fixed_answer
    )
    return json_response(
        {
            "id": captcha.id,
            "image": captchas.image_data_uri(captcha.answer),
            "audio": f"/captchas/{captcha.id}/audio",
            "expire_le": to_iso(captcha.expires_at),
        },
        status=201,
    )


@blueprint.route("/captchas/{captcha_id}/audio", methods=["GET"])
def captcha_audio(captcha_id):
    accept = blueprint.current_request.headers.get("accept") or ""
    if AUDIO_TYPE not in accept and "audio/*" not in accept:
        raise HttpProblem(
            406, "format_non_disponible", "La version sonore est disponible au format audio/wav (en-tête Accept)."
        )
    captcha = captchas.find_live(dependencies.store(), dependencies.clock(), captcha_id)
    if captcha is None:
        raise HttpProblem(404, captchas.EXPIRED.code, captchas.EXPIRED.message)
    return Response(body=captchas.audio_wav(captcha.answer), headers={"Content-Type": AUDIO_TYPE})


@blueprint.route("/activations", methods=["POST"])
def activate():
    form = bodies.parse(forms.ActivationForm, blueprint.current_request)
    activation.activate(dependencies.store(), dependencies.clock(), form.code)
    return json_response({"statut": "actif", "detail": activation.ACTIVATED})


def _step(draft: registration.Draft) -> dict:
    return {"id": draft.id, "etape": draft.etape, "expire_le": to_iso(draft.expires_at)}
