"""Registration ("S'inscrire"): a draft that walks through CGU, identity and password, then a pending account.

The draft lives `registration_ttl_seconds` from its creation. Its first step (the CGU's version and
the time they were accepted) and its expiry are sealed in its id (seal_draft): starting
writes nothing, and the identity step's transaction writes the draft. Until then, a well-sealed id
that names no item is a draft awaiting its identity; cancelling it writes its "cancelled" mark. The
password step turns it into a pending account, whose activation link lives
`activation_ttl_seconds`; from then on the draft keeps no personal data, only the step it reached.
"""

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from ..clock import Clock, from_epoch, to_epoch, to_iso
from ..sealing import Purpose, Sealer
from . import captchas, history, passwords, tokens
from . import identity as rules
from .delegations import rules as delegation_rules
from .errors import (
    Conflict,
    DeliveryFailed,
    DomainError,
    FieldError,
    InvalidInput,
    NotFound,
    Part,
    Refusal,
    WriteConflict,
)
from .expiry import is_live
from .franceconnect import pivot as rule
from .franceconnect import refusals as fc_refusals
from .ports import Mailer
from .records.accounts import Account, Credentials, Identity
from .records.delegations import Delegation, Revocation
from .records.franceconnect import PivotIdentity
from .records.registrations import Draft, Holding, IdentityStep, PendingAccount, SpentCaptcha, Takeover
from .records.tokens import Activation
from .retry import on_conflict_retry
from .states import AccountStatus, DossierStatus, DraftStep

__all__ = ["Draft", "Identity"]

STEP_ACTIVATION = DraftStep.ACTIVATION  # what the password step answers


class RegistrationStore(Protocol):
    """What the registration steps read and write."""

    def get_draft(self, draft_id: str) -> Draft | None: ...

    def cancel_draft(self, draft_id: str, now: datetime, expires: datetime) -> None: ...

    def spend_captcha_on_draft(self, draft_id: str, nonce: str, expires: datetime, now: datetime) -> None: ...

    def save_identity(self, step: IdentityStep) -> None: ...

    def create_pending_account(self, pending: PendingAccount) -> None: ...

    def get_holding(self, nir: str) -> Holding: ...


CGU_NOT_ACCEPTED = (
    "Merci de valider les Conditions Générales d'Utilisation afin de pouvoir poursuivre votre inscription."
)
NIR_TAKEN = FieldError("nir", "nir_deja_inscrit", "Un compte existe déjà pour ce numéro de sécurité sociale.")
EMAIL_TAKEN = FieldError(
    "courriel", "courriel_deja_utilise", "Cette adresse courriel est déjà utilisée par un autre compte."
)
DRAFT_NOT_FOUND = Refusal(
    NotFound,
    "inscription_introuvable",
    "Cette inscription est introuvable ou a expiré : merci de recommencer votre inscription.",
)
REGISTERED = "Votre inscription a bien été enregistrée"
CGU_REFUSED = Refusal.of_field(InvalidInput, FieldError("cgu_acceptees", "cgu_non_acceptees", CGU_NOT_ACCEPTED))
CGU_OUTDATED = Refusal(
    Conflict,
    "cgu_version_perimee",
    "Les Conditions Générales d'Utilisation ont changé : merci de prendre connaissance de la "
    "version en vigueur et de l'accepter.",
)
WRONG_STEP = Refusal(Conflict, "etape_invalide")
# A takeover that kept meeting other writes on the account it closes (a login, an acceptance each time).
BUSY = Refusal(
    Conflict,
    "demande_concurrente",
    "Une autre demande sur ce numéro de sécurité sociale vient d'être traitée au même moment : merci de recommencer.",
)
# The identity step's refusals that name a field: the security check's, a NIR or an email taken.
CAPTCHA_INCORRECT = Refusal.of_field(InvalidInput, captchas.INCORRECT)
CAPTCHA_EXPIRED = Refusal.of_field(InvalidInput, captchas.EXPIRED)
CAPTCHA_REFUSED = (CAPTCHA_INCORRECT, CAPTCHA_EXPIRED)
TAKEN = (Refusal.of_field(Conflict, NIR_TAKEN), Refusal.of_field(Conflict, EMAIL_TAKEN))


@dataclass(frozen=True)
class SealedDraft:
    """What a registration draft's id says of it: its first step (the CGU version and the time it was
    accepted) and its expiry, sealed for the drafts' purpose."""

    expires_at: datetime
    cgu_version: str
    cgu_accepted_at: datetime


_EPOCH_BYTES = 4
MAX_CGU_VERSION_BYTES = 21  # what a draft id of 86 characters has room for (chalicelib/sealing.py)


def seal_draft(draft: SealedDraft, sealer: Sealer) -> str:
    """A registration draft's id: 128 random bits, the draft's expiry, then, encrypted, the time its
    CGU were accepted (epoch seconds) and their version: starting a registration writes nothing,
    and the identity step writes the draft from its id. A forged or altered id names no draft."""
    accepted = to_epoch(draft.cgu_accepted_at).to_bytes(_EPOCH_BYTES, "big")
    return sealer.seal(Purpose.DRAFT, draft.expires_at, accepted + draft.cgu_version.encode("utf-8")).value


def open_draft_id(draft_id: object, sealer: Sealer) -> SealedDraft | None:
    """What a draft id seals, or None when it is not one this server made (whether it has expired is
    for the caller to see)."""
    opened = sealer.open(Purpose.DRAFT, draft_id)
    if opened is None or len(opened.payload) <= _EPOCH_BYTES:
        return None
    accepted, version = opened.payload[:_EPOCH_BYTES], opened.payload[_EPOCH_BYTES:]
    try:
        return SealedDraft(opened.expires_at, version.decode("utf-8"), from_epoch(int.from_bytes(accepted, "big")))
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class Step:
    """Where a registration stands, as each step answers it."""

    id: str
    step: str
    expires_at: datetime


@dataclass(frozen=True)
class PendingRegistration:
    activation_expires_at: datetime
    email_sent: bool


def start(
    clock: Clock,
    *,
    ttl_seconds: int,
    current_cgu_version: str,
    accepted: bool,
    version: str | None,
    sealer: Sealer,
) -> Draft:
    """Step 1: the CGU accepted, sealed in a new draft's id; nothing is written."""
    if not accepted:
        raise CGU_REFUSED()
    if version != current_cgu_version:
        raise CGU_OUTDATED()
    now = clock()
    sealed = SealedDraft(now + timedelta(seconds=ttl_seconds), current_cgu_version, now)  # == version
    return _unwritten(seal_draft(sealed, sealer), sealed)


def find(store: RegistrationStore, clock: Clock, draft_id: str, sealer: Sealer) -> Draft:
    """The draft an id names: its item, or, while none is written, the first step its id seals.
    One GetItem for a live, well-sealed id; none otherwise."""
    now = clock()
    sealed = _live_seal(draft_id, sealer, now)
    draft = store.get_draft(draft_id)
    if draft is None:
        return _unwritten(draft_id, sealed)
    if not is_live(draft, now) or draft.step == DraftStep.CANCELLED:
        raise DRAFT_NOT_FOUND()
    return draft


def cancel(store: RegistrationStore, clock: Clock, draft_id: str, sealer: Sealer) -> None:
    """ "Annuler": whatever the draft holds of the person is erased at once; the draft, cancelled,
    is found no more (a draft never written gets its "cancelled" mark, which lives its hour)."""
    now = clock()
    sealed = _live_seal(draft_id, sealer, now)
    try:
        store.cancel_draft(draft_id, now, sealed.expires_at)
    except WriteConflict:
        raise DRAFT_NOT_FOUND() from None


def _live_seal(draft_id: str, sealer: Sealer, now: datetime) -> SealedDraft:
    """What a draft id seals, unless it is not one of ours or its hour is over (404 then)."""
    sealed = open_draft_id(draft_id, sealer)
    if sealed is None or sealed.expires_at <= now:
        raise DRAFT_NOT_FOUND()
    return sealed


def _unwritten(draft_id: str, sealed: SealedDraft) -> Draft:
    accepted_at = to_iso(sealed.cgu_accepted_at)
    return Draft(draft_id, DraftStep.IDENTITY, sealed.expires_at, sealed.cgu_version, accepted_at, accepted_at)


def submit_identity(
    store: RegistrationStore,
    clock: Clock,
    draft_id: str,
    person: Identity,
    captcha_id: str,
    captcha_answer: str,
    sealer: Sealer,
) -> Step:
    """Step 2. May be sent again ("Retour") while the draft waits for its password. One write,
    conditioned on everything (the draft not written yet or at this step and live, the captcha
    unanswered, the NIR and the email free), which writes the draft with its first step from its id;
    the draft is read only to say what was wrong with it. The draft's state is said before the
    captcha's, and the captcha's before the NIR's and the email's (the captcha guards the "NIR already
    registered" answer against enumeration)."""
    now = clock()
    sealed = _live_seal(draft_id, sealer, now)
    captcha = captchas.live(captcha_id, sealer, now)
    if captcha is None:
        _refuse_unless_awaiting_identity(store, clock, draft_id, sealer)
        raise CAPTCHA_EXPIRED()
    if not captchas.is_right(captcha, captcha_answer):
        # A captcha takes one answer, right or wrong: spend it, then say what was wrong.
        try:
            store.spend_captcha_on_draft(draft_id, captcha.nonce, captcha.expires_at, now)
        except WriteConflict as conflict:
            if Part.DRAFT in conflict.failed:
                raise _state_error(store, clock, draft_id, sealer) from None
            raise CAPTCHA_EXPIRED() from None
        raise CAPTCHA_INCORRECT()
    spent = SpentCaptcha(captcha.nonce, captcha.expires_at)
    step = IdentityStep(_unwritten(draft_id, sealed), person, rules.email_key(person.courriel), spent, now)
    taking_over: str | None = None
    for first in (True, False):
        try:
            store.save_identity(replace(step, taking_over=taking_over))
        except WriteConflict as conflict:
            if Part.DRAFT in conflict.failed:  # cancelled, past this step: the captcha stays unspent
                raise _state_error(store, clock, draft_id, sealer) from None
            if Part.CAPTCHA in conflict.failed:
                raise CAPTCHA_EXPIRED() from None  # answered meanwhile
            if first and Part.NIR in conflict.failed:
                taking_over = _may_take_over(store, draft_id, person, now, Part.EMAIL in conflict.failed)
                if taking_over is not None:
                    continue  # a verified registration takes an unverified holder's NIR over at its password step
            raise _taken(conflict) from None
        break
    return Step(draft_id, DraftStep.PASSWORD, sealed.expires_at)


def _may_take_over(
    store: RegistrationStore, draft_id: str, person: Identity, now: datetime, email_held: bool
) -> str | None:
    """The account a draft whose NIR is held may take it over from: the draft took a FranceConnect
    identity and the holder is not verified (and holds the address too, if it is held). Read only
    when the NIR is found held; the password step reads the holder again and decides."""
    draft = store.get_draft(draft_id)
    if draft is None or draft.franceconnect is None:
        return None
    closable = _closable(store.get_holding(person.nir), now)
    if closable is None or (email_held and rules.email_key(closable.courriel) != rules.email_key(person.courriel)):
        return None
    return closable.id


def _refuse_unless_awaiting_identity(store: RegistrationStore, clock: Clock, draft_id: str, sealer: Sealer) -> None:
    _require_step(find(store, clock, draft_id, sealer), DraftStep.IDENTITY, DraftStep.PASSWORD)


def submit_password(
    store: RegistrationStore,
    mailer: Mailer,
    clock: Clock,
    *,
    draft_id: str,
    password: str,
    confirmation: str,
    policy: str,
    activation_ttl_seconds: int,
    sealer: Sealer,
) -> PendingRegistration:
    """Step 3: the pending account, its reservations and its activation link, then the email.
    `sealer` opens the draft's id; the activation link's code is a bare secret."""
    draft = find(store, clock, draft_id, sealer)
    _require_step(draft, DraftStep.PASSWORD)
    password, confirmation = passwords.normalize(password), passwords.normalize(confirmation)
    errors = passwords.check_new_password(policy, password, confirmation)
    if errors:
        raise passwords.refused(errors)

    person = draft.identity
    if person is None:  # a draft at the password step holds its identity
        raise _wrong_step(DraftStep.IDENTITY)
    person = _as_franceconnect_says(person, draft.franceconnect)
    now = clock()
    secret = tokens.new_secret_token()
    ttl = timedelta(seconds=activation_ttl_seconds)
    pending = _pending_account(draft, person, passwords.hash_password(password), tokens.digest(secret), now, ttl)
    closed: Account | None = None  # the unverified account a verified registration closes
    holding = Holding(None)

    def attempt(_: int) -> None:
        store.create_pending_account(replace(pending, takeover=None if closed is None else _takeover(holding, now)))

    def decide_again(conflict: WriteConflict, _: int) -> None:
        nonlocal closed, holding
        if Part.DRAFT in conflict.failed:
            raise _state_error(store, clock, draft_id, sealer) from None
        if Part.FRANCECONNECT in conflict.failed and not conflict.failed & {Part.NIR, Part.EMAIL}:
            raise fc_refusals.SUB_TAKEN() from None
        if draft.franceconnect is None or not conflict.failed & TAKEN_OVER_PARTS:
            raise _taken(conflict) from None
        # A verified registration: what holds the NIR now, read again after each refusal.
        holding = store.get_holding(person.nir)
        closed = _closable(holding, now)
        if closed is None:  # free again (a lapsed link), or held by a verified account
            if is_live(holding.credentials, now):
                raise _taken(conflict) if Part.EMAIL in conflict.failed else TAKEN[0]() from None
            return
        if Part.EMAIL in conflict.failed and rules.email_key(closed.courriel) != pending.email_key:
            raise TAKEN[1]() from None  # another account's address: the NIR would be free, not the address

    on_conflict_retry(attempt, BUSY, after_conflict=decide_again)
    if closed is not None and rules.email_key(closed.courriel) != pending.email_key:
        _notify_closure(mailer, closed)  # (an address the verified person registers with is theirs)

    expires_at = now + ttl
    try:  # the link's code is the bare secret: nothing of the person rides in it (contract §13)
        mailer.send_activation(person.courriel, secret, expires_at, record_id=pending.account.id)
        email_sent = True
    except DeliveryFailed:
        email_sent = False  # the account is written: the person can ask for a new link
    return PendingRegistration(expires_at, email_sent)


# The parts whose refusal sends a verified registration to read what holds its NIR (again).
TAKEN_OVER_PARTS = frozenset(
    {Part.NIR, Part.OLD_ACCOUNT, Part.OLD_EMAIL, Part.DELEGATION, Part.COPY, Part.INVITATION, Part.DOSSIER}
)


def _closable(holding: Holding, now: datetime) -> Account | None:
    """The account a verified registration may close to take its NIR over: the one the live
    credentials name, pending or active, and not verified (contract §14)."""
    account = holding.account
    if not is_live(holding.credentials, now) or account is None:
        return None
    if account.identity_verified_at is not None or account.status not in (AccountStatus.PENDING, AccountStatus.ACTIVE):
        return None
    return account


def _takeover(holding: Holding, now: datetime) -> Takeover:
    """What closing the account that holds the NIR writes, from what was read of it."""
    account, credentials = holding.account, holding.credentials
    assert account is not None and credentials is not None  # _closable said so
    open_delegations = [
        (delegation, status)
        for delegation in holding.delegations
        if (status := delegation_rules.status_of(delegation, now)) in delegation_rules.OPEN
    ]
    return Takeover(
        account_id=account.id,
        status_seen=account.status,
        logins_seen=credentials.logins,
        email_key=rules.email_key(account.courriel),
        sessions=holding.sessions,
        revocations=tuple(_revocation(delegation, status, now) for delegation, status in open_delegations),
        cancelled=tuple(dossier for dossier in holding.dossiers if dossier.status in NOT_CLOSED),
        rights_id=holding.rights_id,
        moment=to_iso(now),
        event=history.event(history.COMPTE_FERME, now),
        expires_at=account.expires_at if account.status == AccountStatus.PENDING else None,
    )


# A closed account's dossiers that are cancelled: those not yet done (a closed one's hours are spent).
NOT_CLOSED = (DossierStatus.DRAFT, DossierStatus.VALIDATED)


def _revocation(delegation: Delegation, status: str, now: datetime) -> Revocation:
    """A délégation of the closed account ended as its holder would end it."""
    active = status == delegation_rules.ACTIVE
    who = (
        delegation_rules.display_name(delegation.delegate)
        if active and delegation.delegate is not None
        else f"invitation envoyée à {rules.mask_email(delegation.email)}"
    )
    return Revocation(
        delegation.id,
        delegation.holder_id,
        delegation.status,
        delegation.delegate_id if active else None,
        delegation.invitation_digest if status == delegation_rules.PENDING else None,
        to_iso(now),
        history.event(history.DELEGATION_REVOQUEE, now, qui=who),
        now,
    )


def _notify_closure(mailer: Mailer, closed: Account) -> None:
    """The closed account's address learns what happened, and where to contest it; SES refusing it
    never fails the registration (the account is written)."""
    with contextlib.suppress(DeliveryFailed):
        mailer.send_account_closed_notice(closed.courriel, record_id=closed.id)


def _as_franceconnect_says(person: Identity, pivot: PivotIdentity | None) -> Identity:
    """A registration verified with FranceConnect: its NIR must agree with the pivot identity (409
    otherwise), and the account takes FranceConnect's civilité, prénom and nom de naissance (the
    form's are ignored)."""
    if pivot is None:
        return person
    found = rule.differences(pivot, person.nir)
    if found:
        raise fc_refusals.IDENTITY_MISMATCH(rule.refusal_detail(found))
    return replace(
        person, civilite=rule.CIVILITE[pivot.gender], prenom=pivot.given_name, nom_naissance=pivot.family_name
    )


def _pending_account(
    draft: Draft, person: Identity, password_hash: str, digest: str, now: datetime, ttl: timedelta
) -> PendingAccount:
    """The account a completed draft becomes, waiting for its activation link to be used, with all
    it holds."""
    account_id, expires_at = tokens.new_id(), now + ttl
    account = Account(
        id=account_id,
        identity=person,
        status=AccountStatus.PENDING,
        cgu_version=draft.cgu_version,
        cgu_accepted_at=draft.cgu_accepted_at,
        created_at=to_iso(now),
        activation_expires_at=to_iso(expires_at),
        email_log=(to_epoch(now),),  # the activation email counts towards the hourly limit
        activation_digest=digest,
        expires_at=expires_at,
        identity_verified_at=None if draft.franceconnect is None else to_iso(now),
        franceconnect_sub=None if draft.franceconnect is None else draft.franceconnect.sub,
    )
    email_key = rules.email_key(person.courriel)
    return PendingAccount(
        draft.id,
        account,
        Credentials(account_id, password_hash, AccountStatus.PENDING),
        email_key,
        Activation(digest, account_id, person.nir, email_key, franceconnect_sub=account.franceconnect_sub),
        history.event(history.INSCRIPTION, now),
        now,
        None if draft.franceconnect is None else history.event(history.IDENTITE_VERIFIEE, now),
    )


def first_step(draft_id: str, sealer: Sealer) -> Draft:
    """A draft as its id seals it, for a write that makes the draft whole if it is not yet written
    (the id was checked by `find`)."""
    sealed = open_draft_id(draft_id, sealer)
    if sealed is None:
        raise DRAFT_NOT_FOUND()
    return _unwritten(draft_id, sealed)


def require_step(draft: Draft, *expected: str) -> None:
    _require_step(draft, *expected)


def state_error(store: RegistrationStore, clock: Clock, draft_id: str, sealer: Sealer) -> DomainError:
    return _state_error(store, clock, draft_id, sealer)


def _require_step(draft: Draft, *expected: str) -> None:
    if draft.step not in expected:
        raise _wrong_step(draft.step)


def _wrong_step(step: str) -> Conflict:
    if step == DraftStep.ACTIVATION:
        detail = "Votre inscription est déjà enregistrée : un courriel d'activation vous a été envoyé."
    else:
        detail = "Cette étape de l'inscription n'est pas encore accessible : merci de compléter les étapes précédentes."
    return WRONG_STEP(detail)


def _state_error(store: RegistrationStore, clock: Clock, draft_id: str, sealer: Sealer) -> DomainError:
    """After a refused write: the draft is gone, expired, or was moved on by a concurrent request."""
    try:
        return _wrong_step(find(store, clock, draft_id, sealer).step)
    except NotFound as not_found:
        return not_found


def _taken(conflict: WriteConflict) -> Exception:
    """What a refused reservation says: the NIR taken, the email, or both (the NIR's code first). No
    other part fails once the draft's own is ruled out: if one did, the conflict itself goes up (an
    unexpected conflict, answered 503 to be sent again)."""
    nir, email = TAKEN
    if Part.NIR in conflict.failed and Part.EMAIL in conflict.failed:
        return nir(f"{nir.detail} {email.detail}", erreurs=[EMAIL_TAKEN])
    if Part.NIR in conflict.failed:
        return nir()
    if Part.EMAIL in conflict.failed:
        return email()
    return conflict
