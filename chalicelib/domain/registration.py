"""Registration ("S'inscrire"): a draft that walks through CGU, identity and password, then a pending account.

The draft lives `registration_ttl_seconds` from its creation. The password step turns it into a
pending account, whose activation link lives `activation_ttl_seconds`; from then on the draft
keeps no personal data, only the step it reached.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..clock import to_epoch, to_iso
from . import captchas, history, passwords, tokens
from . import identity as rules
from .errors import Conflict, DeliveryFailed, FieldError, InvalidInput, NotFound, WriteConflict
from .expiry import expiry, is_live
from .states import AccountStatus, DraftStep

STEP_ACTIVATION = DraftStep.ACTIVATION  # what the password step answers


class RegistrationStore(Protocol):
    """What the registration steps read and write."""

    def put_draft(self, draft_id: str, record: dict, expires: datetime) -> None: ...

    def get_draft(self, draft_id: str) -> dict | None: ...

    def cancel_draft(self, draft_id: str, identity_fields: list[str], now: datetime) -> None: ...

    def spend_captcha_on_draft(self, draft_id: str, nonce: str, expires: datetime, now: datetime) -> None: ...

    def save_identity(
        self,
        draft_id: str,
        identity: dict,
        email_key_value: str,
        captcha_nonce: str,
        captcha_expires: datetime,
        now: datetime,
    ) -> None: ...

    def create_pending_account(
        self,
        *,
        draft_id: str,
        draft_identity_fields: list[str],
        account_id: str,
        account: dict,
        credentials: dict,
        email_key_value: str,
        activation_digest: str,
        activation: dict,
        event: dict,
        now: datetime,
        expires: datetime,
    ) -> None: ...


CGU_NOT_ACCEPTED = (
    "Merci de valider les Conditions Générales d'Utilisation afin de pouvoir poursuivre votre inscription."
)
NIR_TAKEN = FieldError("nir", "nir_deja_inscrit", "Un compte existe déjà pour ce numéro de sécurité sociale.")
EMAIL_TAKEN = FieldError(
    "courriel", "courriel_deja_utilise", "Cette adresse courriel est déjà utilisée par un autre compte."
)
DRAFT_NOT_FOUND = NotFound(
    "inscription_introuvable",
    "Cette inscription est introuvable ou a expiré : merci de recommencer votre inscription.",
)
REGISTERED = "Votre inscription a bien été enregistrée"


@dataclass(frozen=True)
class Identity:
    nir: str
    civilite: str
    nom_naissance: str
    courriel: str
    prenom: str | None = None
    telephone_fixe: str | None = None
    telephone_portable: str | None = None


IDENTITY_FIELDS = tuple(Identity.__dataclass_fields__)


@dataclass(frozen=True)
class Step:
    """Where a registration stands, as each step answers it."""

    id: str
    etape: str
    expires_at: datetime


@dataclass(frozen=True)
class Draft:
    id: str
    etape: str
    expires_at: datetime
    cgu_version: str
    cgu_accepted_at: str
    identity: Identity | None = None


@dataclass(frozen=True)
class PendingRegistration:
    activation_expires_at: datetime
    email_sent: bool


def start(
    store: RegistrationStore, clock, *, ttl_seconds: int, current_cgu_version: str, accepted: bool, version: str
) -> Draft:
    if not accepted:
        raise InvalidInput(
            "cgu_non_acceptees", CGU_NOT_ACCEPTED, [FieldError("cgu_acceptees", "cgu_non_acceptees", CGU_NOT_ACCEPTED)]
        )
    if version != current_cgu_version:
        raise Conflict(
            "cgu_version_perimee",
            "Les Conditions Générales d'Utilisation ont changé : merci de prendre connaissance de la "
            "version en vigueur et de l'accepter.",
        )
    now = clock()
    expires_at = now + timedelta(seconds=ttl_seconds)
    draft = Draft(tokens.new_draft_id(expires_at), DraftStep.IDENTITY, expires_at, version, to_iso(now))
    store.put_draft(
        draft.id,
        {"etape": draft.etape, "cgu_version": version, "cgu_acceptees_le": to_iso(now), "cree_le": to_iso(now)},
        draft.expires_at,
    )
    return draft


def find(store: RegistrationStore, clock, draft_id: str) -> Draft:
    record = store.get_draft(draft_id) if tokens.is_well_formed_draft_id(draft_id) else None
    if not is_live(record, clock()) or record["etape"] == DraftStep.CANCELLED:
        raise DRAFT_NOT_FOUND
    return _draft(draft_id, record)


def cancel(store: RegistrationStore, clock, draft_id: str) -> None:
    """ "Annuler": whatever the draft holds of the person is erased at once; the draft, cancelled,
    is found no more."""
    if not tokens.is_well_formed_draft_id(draft_id):
        raise DRAFT_NOT_FOUND
    try:
        store.cancel_draft(draft_id, list(IDENTITY_FIELDS), clock())
    except WriteConflict:
        raise DRAFT_NOT_FOUND from None


def submit_identity(
    store: RegistrationStore,
    clock,
    draft_id: str,
    person: Identity,
    captcha_id: str,
    captcha_answer: str,
    captcha_key: bytes,
) -> Step:
    """Step 2. May be sent again ("Retour") while the draft waits for its password. One write,
    conditioned on everything (the draft's step and life, the captcha unanswered, the NIR and the
    email free); the draft is read only to say what was wrong with it. The draft's state is said
    before the captcha's, and the captcha's before the NIR's and the email's (the captcha guards the
    "NIR already registered" answer against enumeration)."""
    expires_at = tokens.draft_expiry(draft_id)
    now = clock()
    if expires_at is None or expires_at <= now:
        raise DRAFT_NOT_FOUND
    captcha = captchas.live(captcha_id, captcha_key, now)
    if captcha is None:
        _refuse_unless_awaiting_identity(store, clock, draft_id)
        raise _captcha_refused(captchas.EXPIRED)
    if not captchas.is_right(captcha, captcha_answer):
        # A captcha takes one answer, right or wrong: spend it, then say what was wrong.
        try:
            store.spend_captcha_on_draft(draft_id, captcha.nonce, captcha.expires_at, now)
        except WriteConflict as conflict:
            if "inscription" in conflict.failed:
                raise _state_error(store, clock, draft_id) from None
            raise _captcha_refused(captchas.EXPIRED) from None
        raise _captcha_refused(captchas.INCORRECT)
    try:
        store.save_identity(
            draft_id, asdict(person), rules.email_key(person.courriel), captcha.nonce, captcha.expires_at, now
        )
    except WriteConflict as conflict:
        if "inscription" in conflict.failed:  # gone, expired or past this step: the captcha stays unspent
            raise _state_error(store, clock, draft_id) from None
        if "captcha" in conflict.failed:
            raise _captcha_refused(captchas.EXPIRED) from None  # answered meanwhile
        raise _taken(conflict.failed) from None
    return Step(draft_id, DraftStep.PASSWORD, expires_at)


def _captcha_refused(error: FieldError) -> InvalidInput:
    return InvalidInput(error.code, error.message, [error])


def _refuse_unless_awaiting_identity(store: RegistrationStore, clock, draft_id: str) -> None:
    _require_step(find(store, clock, draft_id), DraftStep.IDENTITY, DraftStep.PASSWORD)


def submit_password(
    store: RegistrationStore,
    mailer,
    clock,
    *,
    draft_id: str,
    password: str,
    confirmation: str,
    policy: str,
    activation_ttl_seconds: int,
) -> PendingRegistration:
    """Step 3: the pending account, its reservations and its activation link, then the email."""
    draft = find(store, clock, draft_id)
    _require_step(draft, DraftStep.PASSWORD)
    password, confirmation = passwords.normalize(password), passwords.normalize(confirmation)
    errors = passwords.check_new_password(policy, password, confirmation)
    if errors:
        raise InvalidInput("mot_de_passe_invalide", "Le mot de passe ne respecte pas les règles indiquées.", errors)

    person = draft.identity
    now = clock()
    expires_at = now + timedelta(seconds=activation_ttl_seconds)
    account_id = tokens.new_id()
    token = tokens.new_secret_token()
    try:
        store.create_pending_account(
            draft_id=draft_id,
            draft_identity_fields=list(IDENTITY_FIELDS),
            account_id=account_id,
            account=_pending_account(draft, now, expires_at),
            credentials={
                "compte_id": account_id,
                "mot_de_passe": passwords.hash_password(password),
                "statut": AccountStatus.PENDING,
            },
            email_key_value=rules.email_key(person.courriel),
            activation_digest=tokens.digest(token),
            activation={
                "compte_id": account_id,
                "nir": person.nir,
                "courriel_cle": rules.email_key(person.courriel),
            },
            event=history.event(history.INSCRIPTION, now),
            now=now,
            expires=expires_at,
        )
    except WriteConflict as conflict:
        if "inscription" in conflict.failed:
            raise _state_error(store, clock, draft_id) from None
        raise _taken(conflict.failed) from None

    try:
        mailer.send_activation(person.courriel, token, expires_at, record_id=account_id)
        email_sent = True
    except DeliveryFailed:
        email_sent = False  # the account is written: the person can ask for a new link
    return PendingRegistration(expires_at, email_sent)


def _pending_account(draft: Draft, now: datetime, expires_at: datetime) -> dict:
    """The account a completed draft becomes, waiting for its activation link to be used."""
    return {
        **{name: value for name, value in asdict(draft.identity).items() if value is not None},
        "statut": AccountStatus.PENDING,
        "cgu_version": draft.cgu_version,
        "cgu_acceptees_le": draft.cgu_accepted_at,
        "cree_le": to_iso(now),
        "activation_expire_le": to_iso(expires_at),
        "dossiers_en_cours": 0,
        "dossiers_clos": 0,
        "envois_courriel": [to_epoch(now)],  # the activation email counts towards the hourly limit
    }


def _draft(draft_id: str, record: dict) -> Draft:
    person = None
    if record.get("nir"):
        person = Identity(**{name: record.get(name) for name in IDENTITY_FIELDS})
    return Draft(draft_id, record["etape"], expiry(record), record["cgu_version"], record["cgu_acceptees_le"], person)


def _require_step(draft: Draft, *expected: str) -> None:
    if draft.etape not in expected:
        raise _wrong_step(draft.etape)


def _wrong_step(step: str) -> Conflict:
    if step == DraftStep.ACTIVATION:
        detail = "Votre inscription est déjà enregistrée : un courriel d'activation vous a été envoyé."
    else:
        detail = "Cette étape de l'inscription n'est pas encore accessible : merci de compléter les étapes précédentes."
    return Conflict("etape_invalide", detail)


def _state_error(store: RegistrationStore, clock, draft_id: str):
    """After a refused write: the draft is gone, expired, or was moved on by a concurrent request."""
    try:
        return _wrong_step(find(store, clock, draft_id).etape)
    except NotFound as not_found:
        return not_found


def _taken(failed: set[str]) -> Conflict:
    errors = [error for name, error in (("nir", NIR_TAKEN), ("courriel", EMAIL_TAKEN)) if name in failed]
    return Conflict(errors[0].code, " ".join(error.message for error in errors), errors)
