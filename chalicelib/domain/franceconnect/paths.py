"""The three FranceConnect paths (contract §14): verification from the holder space, login,
registration; each starts with an authorization URL and ends with `complete`, the return.

The return, in this order: the state opened (forged, altered, expired: 400 `etat_invalide`); a
verification's bearer proven (401) and the state's binding checked (another session's: 400); the
state spent, once (a second use: 400; a registration's spent mark names its draft); then the
provider asked (the token exchange, the ID token's checks, the userinfo: any failure 502
`franceconnect_indisponible`); then the path's rule and its one write. Spending the state before
asking the provider makes a return exactly once, whatever races; a state spent on a provider's
failure is lost (the person clicks the button again: a new state).
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ...clock import Clock, to_iso
from ...sealing import Sealer
from .. import history, registration, sessions
from ..errors import Part, ProviderFailed, WriteConflict
from ..expiry import is_live
from ..records.accounts import Account
from ..records.franceconnect import FranceConnectLink, IdentityVerification, PivotIdentity, StateMark
from ..records.registrations import FranceConnectOnDraft
from ..states import AccountStatus, DraftStep
from . import pivot as rule
from .refusals import (
    ALREADY_VERIFIED,
    IDENTITY_MISMATCH,
    INVALID_STATE,
    PROVIDER_DOWN,
    SUB_TAKEN,
    UNKNOWN_ACCOUNT,
)
from .state import Path, State, new_state, open_state

log = logging.getLogger(__name__)


class ProvidedIdentity(Protocol):
    @property
    def sub(self) -> str: ...

    @property
    def claims(self) -> Mapping[str, Any]: ...


class IdentityProvider(Protocol):
    """The OpenID client (chalicelib/oidc.py): raises ProviderFailed for whatever goes wrong."""

    @property
    def issuer(self) -> str: ...

    def authorization_url(self, *, state: str, nonce: str, verifier: str, login_hint: str | None = None) -> str: ...

    def identity(self, *, code: str, verifier: str, nonce: str, now: datetime) -> ProvidedIdentity: ...


class FranceConnectStore(sessions.LoginStore, registration.RegistrationStore, Protocol):
    def save_oidc_state(self, state_id: str, draft_id: str, expires: datetime) -> None: ...

    def spend_oidc_state(self, state_id: str, expires: datetime) -> StateMark | None: ...

    def get_franceconnect_link(self, sub: str) -> FranceConnectLink | None: ...

    def get_account(self, account_id: str) -> Account | None: ...

    def verify_identity(self, verification: IdentityVerification) -> None: ...

    def save_franceconnect_on_draft(self, step: FranceConnectOnDraft) -> None: ...


@dataclass(frozen=True)
class Verified:
    verified_at: str  # ISO


@dataclass(frozen=True)
class DraftStepReached:
    id: str
    step: str


Outcome = Verified | sessions.NewSession | DraftStepReached


# Starts ------------------------------------------------------------------------------------------


def _url(provider: IdentityProvider, state: State) -> str:
    try:
        return provider.authorization_url(state=state.value, nonce=state.nonce, verifier=state.verifier)
    except ProviderFailed as failure:
        log.warning("franceconnect_indisponible at the start: %s", failure)  # names no token nor claim
        raise PROVIDER_DOWN() from None


def start_verification(provider: IdentityProvider, sealer: Sealer, clock: Clock, session: sessions.Session) -> str:
    """The holder's way to FranceConnect, bound to their session: nothing is written."""
    return _url(provider, new_state(sealer, Path.VERIFICATION, session.digest, clock()))


def start_login(provider: IdentityProvider, sealer: Sealer, clock: Clock) -> str:
    """Nothing is written; no lockout applies (FranceConnect authenticates)."""
    return _url(provider, new_state(sealer, Path.LOGIN, None, clock()))


def start_registration(
    store: FranceConnectStore, provider: IdentityProvider, sealer: Sealer, clock: Clock, draft_id: str
) -> str:
    """A draft at its identity step (or its password step: "Retour") goes to FranceConnect; its
    state's item names the draft (one GetItem, one PutItem)."""
    draft = registration.find(store, clock, draft_id, sealer)
    registration.require_step(draft, DraftStep.IDENTITY, DraftStep.PASSWORD)
    state = new_state(sealer, Path.REGISTRATION, draft_id, clock())
    url = _url(provider, state)
    store.save_oidc_state(state.id, draft_id, state.expires_at)
    return url


# The return ---------------------------------------------------------------------------------------


def complete(
    store: FranceConnectStore,
    provider: IdentityProvider,
    sealer: Sealer,
    clock: Clock,
    *,
    code: str,
    state_value: str,
    issuer: str | None = None,
    authenticate: Callable[[], sessions.Session],
    session_limits: tuple[int, int],
) -> tuple[Path, Outcome]:
    """`POST /franceconnect/retour`: what the path of the state gives. `authenticate` proves the
    bearer (a verification's only); `session_limits` are the idle and absolute lives of a login's.
    `issuer`, the redirection's `iss` when the portal posts it (RFC 9207), must be the provider's:
    a code another issuer sent back is not exchanged here (a mix-up)."""
    now = clock()
    state = open_state(sealer, state_value, now)
    if state is None or (issuer is not None and issuer != provider.issuer):
        raise INVALID_STATE()
    session = None
    if state.path == Path.VERIFICATION:
        session = authenticate()
        if not state.bound_to(session.digest):
            raise INVALID_STATE()
    mark = store.spend_oidc_state(state.id, state.expires_at)
    if mark is None:
        raise INVALID_STATE()
    if state.path == Path.REGISTRATION and (mark.draft_id is None or not state.bound_to(mark.draft_id)):
        raise INVALID_STATE()  # a registration's state always has its item: this one was never made here
    person = _pivot(provider, code, state, now)
    if session is not None:
        return state.path, _verify(store, session, person, now)
    if state.path == Path.LOGIN:
        return state.path, _log_in(store, person, now, session_limits)
    assert mark.draft_id is not None
    return state.path, _register(store, clock, sealer, mark.draft_id, person, now)


def _pivot(provider: IdentityProvider, code: str, state: State, now: datetime) -> PivotIdentity:
    try:
        provided = provider.identity(code=code, verifier=state.verifier, nonce=state.nonce, now=now)
    except ProviderFailed as failure:
        log.warning("franceconnect_indisponible on a %s return: %s", state.path, failure)
        raise PROVIDER_DOWN() from None
    person = rule.pivot_from_claims(provided.sub, provided.claims)
    if person is None:  # a claim of the scopes asked for is missing or malformed
        log.warning("franceconnect_indisponible on a %s return: the userinfo lacks a pivot claim", state.path)
        raise PROVIDER_DOWN()
    return person


def _verify(store: FranceConnectStore, session: sessions.Session, person: PivotIdentity, now: datetime) -> Verified:
    """The account agrees with the pivot identity (NIR and nom de naissance): it is verified with
    its sub, in one transaction with the sub's reservation and the event."""
    account = store.get_account(session.account_id)
    if account is None:
        raise sessions.INVALID_SESSION()
    found = rule.differences(person, account.nir, account.identity.nom_naissance)
    if found:
        raise IDENTITY_MISMATCH(rule.refusal_detail(found))
    verified_at = account.identity_verified_at if account.franceconnect_sub == person.sub else None
    verified_at = verified_at or to_iso(now)
    event = history.event(history.IDENTITE_VERIFIEE, now)
    try:
        store.verify_identity(IdentityVerification(account.id, account.nir, person.sub, verified_at, event, now))
    except WriteConflict as conflict:
        if Part.FRANCECONNECT in conflict.failed:
            raise SUB_TAKEN() from None
        if Part.ACCOUNT in conflict.failed:
            raise ALREADY_VERIFIED() from None
        raise
    return Verified(verified_at)


def _log_in(
    store: FranceConnectStore, person: PivotIdentity, now: datetime, limits: tuple[int, int]
) -> sessions.NewSession:
    """The account this identity verifies, if it is live and active, gets a session as a password
    login would open it (its rights id included); no lockout applies, and the NIR's count of failed
    logins starts again."""
    link = store.get_franceconnect_link(person.sub)
    if link is None or not is_live(link, now):
        raise UNKNOWN_ACCOUNT()
    credentials, _, rights_id = store.get_login_records(link.nir)
    if credentials is None or credentials.account_id != link.account_id or not is_live(credentials, now):
        raise UNKNOWN_ACCOUNT()  # the account it verified is gone
    if credentials.status != AccountStatus.ACTIVE:
        raise sessions.NOT_ACTIVATED()
    return sessions.open_session(store, link.account_id, link.nir, rights_id, now, limits)


def _register(
    store: FranceConnectStore, clock: Clock, sealer: Sealer, draft_id: str, person: PivotIdentity, now: datetime
) -> DraftStepReached:
    """The draft keeps the pivot identity: the account will have its names and be verified. A draft
    that holds a NIR already is checked against it now (the password step checks it again)."""
    draft = registration.find(store, clock, draft_id, sealer)
    registration.require_step(draft, DraftStep.IDENTITY, DraftStep.PASSWORD)
    if draft.identity is not None:
        found = rule.differences(person, draft.identity.nir)
        if found:
            raise IDENTITY_MISMATCH(rule.refusal_detail(found))
    first_step = registration.first_step(draft_id, sealer)
    try:
        store.save_franceconnect_on_draft(FranceConnectOnDraft(first_step, person, now))
    except WriteConflict:
        raise registration.state_error(store, clock, draft_id, sealer) from None
    return DraftStepReached(draft_id, draft.step)
