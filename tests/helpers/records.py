"""Records the store tests write and read back: a person, an account and what it holds."""

from datetime import UTC, datetime, timedelta

from chalicelib.domain.records.accounts import Account, Credentials, Identity
from chalicelib.domain.records.history import Event
from chalicelib.domain.records.registrations import Draft, PendingAccount
from chalicelib.domain.records.tokens import Activation
from chalicelib.domain.states import AccountStatus, DraftStep

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
