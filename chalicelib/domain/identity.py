"""The identity rules of the registration form: NIR, names, phones, email.

Each `normalize_*` function takes what the person typed and returns the stored form, or raises
InvalidValue with a stable code and a French message. Libraries made for the job carry the rules
(python-stdnum for the NIR key, phonenumbers for line types, email-validator for addresses); they
are imported on first use so that routes which never see a form do not pay for them.
"""

import unicodedata
from typing import Any

from .errors import FieldRule, InvalidValue

NAME_MAX_LENGTH = 50
NAME_SEPARATORS = frozenset(" -'’")
EMAIL_MAX_LENGTH = 254

CIVILITES = ("M", "MME")

# Month field of a NIR: a calendar month, or the ranges INSEE gives to people whose civil status
# was incomplete at registration (20-42 and 50-99).
_NIR_MONTH_RANGES = (range(1, 13), range(20, 43), range(50, 100))

# France and the overseas departments the contract names, by country calling code.
ACCEPTED_CALLING_CODES = frozenset({33, 590, 594, 596, 262, 269})
# Regions tried, in order, for a number typed in national form (0590..., 0692...).
_NATIONAL_REGIONS = ("FR", "GP", "GF", "MQ", "RE", "YT")


def clean_text(value: str) -> str:
    """Trimmed and NFC-normalised, as every text the user typed."""
    return unicodedata.normalize("NFC", value).strip()


NIR_INVALID = FieldRule("nir_invalide")  # each case says what is wrong
NIR_KEY_INVALID = FieldRule("nir_cle_invalide", "La clé ne correspond pas au numéro de sécurité sociale saisi.")


def normalize_nir(raw: str) -> str:
    from stdnum.exceptions import InvalidChecksum, ValidationError
    from stdnum.fr import nir

    compact = nir.compact(clean_text(raw))
    try:
        nir.validate(compact)
    except InvalidChecksum:
        raise NIR_KEY_INVALID() from None
    except ValidationError:
        raise NIR_INVALID(
            "Le numéro de sécurité sociale doit comporter 13 caractères suivis d'une clé de 2 chiffres."
        ) from None
    if compact[0] not in "12":
        raise NIR_INVALID("Le numéro de sécurité sociale doit commencer par 1 ou 2.")
    if not any(int(compact[3:5]) in months for months in _NIR_MONTH_RANGES):
        raise NIR_INVALID("Le mois de naissance du numéro de sécurité sociale n'est pas valide.")
    return compact


def parse_nir_leniently(raw: str) -> str | None:
    """The NIR in stored form, or None: for login and recovery, where a typo must look like any miss."""
    try:
        return normalize_nir(raw)
    except InvalidValue:
        return None


def mask_nir(nir: str) -> str:
    """Only the first digit and the key stay readable: enough for "Retour" to show whose form it is."""
    return f"{nir[0]} ** ** ** *** *** {nir[13:]}"


CIVILITE_INVALID = FieldRule("civilite_invalide", "La civilité doit être « M » ou « MME ».")


def normalize_civilite(raw: str) -> str:
    value = clean_text(raw).upper()
    if value not in CIVILITES:
        raise CIVILITE_INVALID()
    return value


NAME_LENGTH = FieldRule("nom_longueur", f"Ce champ doit comporter de 1 à {NAME_MAX_LENGTH} caractères.")
NAME_CHARACTERS = FieldRule(
    "nom_caracteres", "Ce champ ne peut contenir que des lettres, des espaces, des tirets et des apostrophes."
)


def normalize_name(raw: str) -> str:
    value = " ".join(clean_text(raw).split())
    if not 1 <= len(value) <= NAME_MAX_LENGTH:
        raise NAME_LENGTH()
    if not all(char.isalpha() or char in NAME_SEPARATORS for char in value) or not any(
        char.isalpha() for char in value
    ):
        raise NAME_CHARACTERS()
    return value


EMAIL_INVALID = FieldRule("courriel_invalide", "L'adresse courriel n'est pas valide.")


def normalize_email(raw: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    value = clean_text(raw)
    if len(value) > EMAIL_MAX_LENGTH:
        raise EMAIL_INVALID("L'adresse courriel est trop longue.")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise EMAIL_INVALID() from None


def email_key(email: str) -> str:
    """Addresses are compared without regard to case."""
    return email.casefold()


def mask_email(email: str) -> str:
    """What a history shows of an address: its first character and its domain (`j***@example.fr`),
    enough for the holder to recognise it, too little to give it away."""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"


FIXED_PHONE_INVALID = FieldRule("telephone_fixe_invalide")  # each case says what is wrong
MOBILE_PHONE_INVALID = FieldRule("telephone_portable_invalide")


def normalize_fixed_phone(raw: str) -> str:
    import phonenumbers
    from phonenumbers import PhoneNumberType as Type

    # 09 numbers are classed VOIP by the numbering plan; for the portal they are fixed lines.
    number = _parse_phone(raw, FIXED_PHONE_INVALID, "de téléphone fixe")
    if phonenumbers.number_type(number) not in (Type.FIXED_LINE, Type.FIXED_LINE_OR_MOBILE, Type.VOIP):
        raise FIXED_PHONE_INVALID("Ce numéro n'est pas une ligne fixe (01 à 05 ou 09).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_mobile_phone(raw: str) -> str:
    import phonenumbers
    from phonenumbers import PhoneNumberType as Type

    number = _parse_phone(raw, MOBILE_PHONE_INVALID, "de téléphone portable")
    if phonenumbers.number_type(number) not in (Type.MOBILE, Type.FIXED_LINE_OR_MOBILE):
        raise MOBILE_PHONE_INVALID("Ce numéro n'est pas un numéro de portable (06 ou 07).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse_phone(raw: str, rule: FieldRule, what: str) -> Any:
    import phonenumbers

    text = clean_text(raw)
    for region in _NATIONAL_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            break
        if number.country_code in ACCEPTED_CALLING_CODES and phonenumbers.is_valid_number(number):
            return number
        if text.startswith("+"):
            break  # an international number does not depend on the region tried
    raise rule(f"Ce numéro {what} n'est pas un numéro français valide.")
