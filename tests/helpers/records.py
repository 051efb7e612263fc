"""Records the store tests write and read back: a person, an account and what it holds."""

from datetime import UTC, datetime, timedelta

from chalicelib.domain.records.accounts import Account, Credentials, Identity
from chalicelib.domain.records.history import Event
from chalicelib.domain.records.registrations import Draft, PendingAccount
from chalicelib.domain.records.tokens import Activation
from chalicelib.domain.states import AccountStatus, DraftStep
from chalicelib.store.actions import expiry_shard
from chalicelib.store.keys import EXPIRY_SHARD_ATTRIBUTE, draft_key
from chalicelib.store.registration_items import draft_attributes
from chalicelib.store.store import Store

NOW = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)
NIR = "180017500000046"
EMAIL = "jean.dupont@example.fr"
IDENTITY = Identity(NIR, "M", "Dupont", EMAIL, prenom="Jean", telephone_portable="+33612345678")


def event(kind: str = "inscription", moment: datetime = NOW) -> Event:
    return Event(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), kind, f"Événement {kind}.")


def draft(draft_id: str = "brouillon-1", identity: Identity | None = None) -> Draft:
    return Draft(
        draft_id,
        DraftStep.PASSWORD if identity else DraftStep.IDENTITY,
        NOW + timedelta(hours=1),
        "2026-01",
        "2026-12-01T09:00:00Z",
        "2026-12-01T09:00:00Z",
        identity,
    )


def put_draft(store: Store, written: Draft) -> None:
    """A draft's item as the identity step writes it (the store has no other way to write one: a
    draft not yet at that step is only its sealed id), for the tests that need one at rest."""
    attributes = {**draft_attributes(written), EXPIRY_SHARD_ATTRIBUTE: expiry_shard(written.id)}
    store._put(draft_key(written.id), attributes, written.expires_at)


def pending_account(
    account_id: str = "compte-1", draft_id: str = "brouillon-1", identity: Identity = IDENTITY, digest: str = "a" * 64
) -> PendingAccount:
    expires = NOW + timedelta(days=15)
    account = Account(
        id=account_id,
        identity=identity,
        status=AccountStatus.PENDING,
        cgu_version="2026-01",
        cgu_accepted_at="2026-12-01T09:00:00Z",
        created_at="2026-12-01T09:00:00Z",
        activation_expires_at="2026-12-16T09:00:00Z",
        email_log=(1796115600,),
        activation_digest=digest,
        expires_at=expires,
    )
    return PendingAccount(
        draft_id,
        account,
        Credentials(account_id, "$argon2id$hash", AccountStatus.PENDING),
        identity.courriel.casefold(),
        Activation(digest, account_id, identity.nir, identity.courriel.casefold()),
        event(),
        NOW,
    )
