"""The request bodies the API accepts, as pydantic forms: unknown fields refused, no type coercion.

The identity rules themselves live in the domain; the forms call them so that pydantic reports
every invalid field in one pass.
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, NoReturn

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ..domain import identity
from ..domain.dossiers import NewDossier
from ..domain.errors import FieldRule, InvalidValue


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _rule(normalize: Callable[[str], str]) -> AfterValidator:
    def apply(value: str) -> str:
        try:
            return normalize(value)
        except InvalidValue as error:
            raise PydanticCustomError(error.code, error.message) from None

    return AfterValidator(apply)


def _broken(rule: FieldRule) -> PydanticCustomError:
    """A form's own rule broken, as pydantic reports it (a new error each time)."""
    return PydanticCustomError(rule.code, rule.message)


def _blank_is_absent(value: object) -> object:
    """An optional field left empty in the form is the same as a field not sent."""
    return None if isinstance(value, str) and not value.strip() else value


def _may_be_left_out(schema: dict[str, Any]) -> None:
    """A field that may be left out but, when sent, must be a value: its description has no default null."""
    schema.pop("default", None)


def _text(max_length: int) -> Any:
    return Field(max_length=max_length)


Nir = Annotated[str, _text(40), _rule(identity.normalize_nir)]
Civilite = Annotated[str, _text(10), _rule(identity.normalize_civilite)]
Name = Annotated[str, _text(200), _rule(identity.normalize_name)]
Email = Annotated[str, _text(320), _rule(identity.normalize_email)]
FixedPhone = Annotated[str, _text(40), _rule(identity.normalize_fixed_phone)]
MobilePhone = Annotated[str, _text(40), _rule(identity.normalize_mobile_phone)]
ShortText = Annotated[str, _text(64)]
Secret = Annotated[str, _text(1024)]


class CguAcceptance(Form):
    cgu_acceptees: bool = False
    cgu_version: ShortText | None = None


class IdentityForm(Form):
    nir: Nir
    civilite: Civilite
    prenom: Annotated[Name | None, BeforeValidator(_blank_is_absent)] = None
    nom_naissance: Name
    telephone_fixe: Annotated[FixedPhone | None, BeforeValidator(_blank_is_absent)] = None
    telephone_portable: Annotated[MobilePhone | None, BeforeValidator(_blank_is_absent)] = None
    courriel: Email
    courriel_confirmation: Annotated[str, _text(320)]
    captcha_id: Annotated[str, _text(100)]
    captcha_reponse: ShortText

    @field_validator("courriel_confirmation")
    @classmethod
    def _same_email(cls, confirmation: str, info: ValidationInfo) -> str:
        return _confirms_email(confirmation, info)


EMAIL_CONFIRMATION_DIFFERENT = FieldRule(
    "courriel_confirmation_differente", "La confirmation ne correspond pas à l'adresse courriel saisie."
)


def _confirms_email(confirmation: str, info: ValidationInfo) -> str:
    """`courriel_confirmation` must be the address typed in `courriel`, case aside."""
    email = info.data.get("courriel")
    if email is None:
        return confirmation  # the address itself is already reported
    if identity.clean_text(confirmation).casefold() != email.casefold():
        try:
            same = identity.normalize_email(confirmation).casefold() == email.casefold()
        except InvalidValue:
            same = False
        if not same:
            raise _broken(EMAIL_CONFIRMATION_DIFFERENT)
    return confirmation


class PasswordForm(Form):
    mot_de_passe: Secret
    mot_de_passe_confirmation: Secret


class ActivationForm(Form):
    code: Annotated[str, _text(600)]  # it names the records it activates (domain/tokens.py)


class LoginForm(Form):
    nir: Annotated[str, _text(64)]
    mot_de_passe: Secret


class FranceConnectReturnForm(Form):
    """What FranceConnect's redirection carried (`?code=&state=`), posted by the return page."""

    code: Annotated[str, _text(2048)]
    state: Annotated[str, _text(256)]
    # RFC 9207: the issuer the redirection names (oidc-provider sends it); when posted, it must be ours
    iss: Annotated[str | None, _text(2048)] = None


class EmptyForm(Form):
    """For POSTs that take no field: an empty body or {}."""


class RecoveryForm(Form):
    """What the person typed: checked by the domain, which answers the same whatever it is."""

    nir: Annotated[str, _text(64)]
    courriel: Annotated[str, _text(320)]


class PasswordResetForm(Form):
    code: Annotated[str, _text(256)]
    mot_de_passe: Secret
    mot_de_passe_confirmation: Secret
    fin_des_delegations: bool = False  # end every délégation the account granted, with the reset


# Holder space ------------------------------------------------------------------------------------


DATE_INVALID = FieldRule("date_invalide", "La date doit être au format AAAA-MM-JJ.")


def _iso_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise _broken(DATE_INVALID) from None


REQUIRED = FieldRule("champ_requis", "Ce champ est obligatoire.")
CHARACTERS_INVALID = FieldRule("caracteres_invalides", "Ce champ contient des caractères non autorisés.")


def _non_blank_text(value: str) -> str:
    import unicodedata

    value = " ".join(identity.clean_text(value).split())
    if not value:
        raise _broken(REQUIRED)
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise _broken(CHARACTERS_INVALID)
    return value


def _refused(rule: FieldRule) -> AfterValidator:
    def refuse(value: object) -> NoReturn:
        raise _broken(rule)

    return AfterValidator(refuse)


DossierText = Annotated[str, _text(200), AfterValidator(_non_blank_text)]
CodeCpf = Annotated[str, Field(pattern=r"^\s*[0-9A-Za-z-]{1,20}\s*$"), AfterValidator(str.strip)]
IsoDate = Annotated[str, _text(10), AfterValidator(_iso_date)]
UNCHANGEABLE = FieldRule("champ_non_modifiable", "Cette information ne peut pas être modifiée depuis votre espace.")
EMAIL_UNCHANGEABLE = FieldRule(
    "courriel_non_modifiable",
    "L'adresse courriel se modifie par un changement confirmé (POST /titulaire/courriel) : un lien de "
    "confirmation est alors envoyé à la nouvelle adresse.",
)
Unchangeable = Annotated[object, _refused(UNCHANGEABLE)]


class DifForm(Form):
    # Bounds apply to the number as typed (120.4 is refused); it is rounded afterwards.
    solde_dif: Annotated[float, Field(ge=0, le=120, allow_inf_nan=False)]


class DossierForm(Form):
    intitule: DossierText
    organisme: DossierText
    heures: Annotated[int, Field(ge=1, le=150)]
    code_cpf: Annotated[CodeCpf | None, BeforeValidator(_blank_is_absent)] = None
    date_debut: Annotated[IsoDate | None, BeforeValidator(_blank_is_absent)] = None
    confidentiel: bool = False

    def new_dossier(self) -> NewDossier:
        """The dossier the holder typed, in the domain's words."""
        return NewDossier(self.intitule, self.organisme, self.heures, self.code_cpf, self.date_debut, self.confidentiel)


class InformationsForm(Form):
    """Fields sent are changed; an optional one sent null or empty is cleared."""

    # Not sent null: it cannot be cleared (typed without None so that the description says so).
    civilite: Civilite = Field(None, json_schema_extra=_may_be_left_out)  # type: ignore[assignment]
    prenom: Annotated[Name | None, BeforeValidator(_blank_is_absent)] = None
    telephone_fixe: Annotated[FixedPhone | None, BeforeValidator(_blank_is_absent)] = None
    telephone_portable: Annotated[MobilePhone | None, BeforeValidator(_blank_is_absent)] = None
    nir: Unchangeable = None
    nom_naissance: Unchangeable = None
    courriel: Annotated[object, _refused(EMAIL_UNCHANGEABLE)] = None

    def changes(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class PasswordChangeForm(Form):
    mot_de_passe_actuel: Secret
    nouveau_mot_de_passe: Secret
    confirmation: Secret


# The confirmed email change -------------------------------------------------------------------------


class EmailChangeForm(Form):
    courriel: Email
    courriel_confirmation: Annotated[str, _text(320)]
    mot_de_passe: Secret

    @field_validator("courriel_confirmation")
    @classmethod
    def _same_email(cls, confirmation: str, info: ValidationInfo) -> str:
        return _confirms_email(confirmation, info)


class CodeForm(Form):
    """The code of a link from an email (email change, delegation invitation)."""

    code: Annotated[str, _text(256)]


# Délégations ------------------------------------------------------------------------------------------


class DelegationForm(Form):
    """A délégation is a sensitive act: the password is asked again (contract §14)."""

    courriel: Email
    portee: Literal["consultation", "gestion"]
    fin: Annotated[IsoDate | None, BeforeValidator(_blank_is_absent)] = None
    mot_de_passe: Secret

    def end_date(self) -> date | None:
        return None if self.fin is None else date.fromisoformat(self.fin)


CONFIDENTIAL_REFUSED = FieldRule(
    "confidentiel_non_autorise", "Seul le titulaire du compte peut créer un dossier confidentiel."
)


def _not_confidential(value: bool) -> bool:
    if value:
        raise _broken(CONFIDENTIAL_REFUSED)
    return value


class DelegateDossierForm(DossierForm):
    """A delegate's dossier: the holder's form, `confidentiel` refused (false is accepted, it changes nothing)."""

    confidentiel: Annotated[bool, AfterValidator(_not_confidential)] = False
