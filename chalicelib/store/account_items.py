"""The accounts side's records as items: which attribute holds what, both ways.

An item comes in as the plain values `keys.from_attributes` gives (its keys taken off, the caller
knows them); a record goes out as the attributes to write (None values are not written).
"""

from datetime import datetime

from ..clock import from_epoch
from ..domain.records.accounts import Account, Credentials, DossierCounts, EmailReservation, FailedLogins, Identity
from ..domain.records.history import Event
from ..domain.records.registrations import Draft
from ..domain.records.sessions import SessionRecord
from ..domain.records.tokens import Activation, EmailChange, Reset
from .keys import TTL_ATTRIBUTE, Item

# An identity's fields are stored under the names it gives them.
IDENTITY_ATTRIBUTES = tuple(Identity.__dataclass_fields__)


def expiry_of(item: Item) -> datetime | None:
    seconds = item.get(TTL_ATTRIBUTE)
    return None if seconds is None else from_epoch(seconds)


def identity_attributes(identity: Identity) -> Item:
    return {name: getattr(identity, name) for name in IDENTITY_ATTRIBUTES}


def identity_from(item: Item) -> Identity:
    return Identity(
        item["nir"],
        item["civilite"],
        item["nom_naissance"],
        item["courriel"],
        item.get("prenom"),
        item.get("telephone_fixe"),
        item.get("telephone_portable"),
    )


# Accounts --------------------------------------------------------------------------------------


def account_attributes(account: Account) -> Item:
    return {
        **identity_attributes(account.identity),
        "statut": account.status,
        "cgu_version": account.cgu_version,
        "cgu_acceptees_le": account.cgu_accepted_at,
        "cree_le": account.created_at,
        "activation_expire_le": account.activation_expires_at,
        "active_le": account.activated_at,
        "dossiers_en_cours": account.dossiers.open,
        "dossiers_clos": account.dossiers.closed,
        "envois_courriel": list(account.email_log),
        "activation_empreinte": account.activation_digest,
        "reinitialisation_empreinte": account.reset_digest,
        "changement_courriel_empreinte": account.email_change_digest,
        "evenement_inscription": account.registration_event,
        "courriel_invalide": True if account.email_invalid else None,
    }


def account_from(account_id: str, item: Item | None) -> Account | None:
    if item is None:
        return None
    return Account(
        id=account_id,
        identity=identity_from(item),
        status=item["statut"],
        cgu_version=item.get("cgu_version", ""),
        cgu_accepted_at=item.get("cgu_acceptees_le", ""),
        created_at=item.get("cree_le", ""),
        activation_expires_at=item.get("activation_expire_le"),
        activated_at=item.get("active_le"),
        dossiers=DossierCounts(
            item.get("dossiers_en_cours", 0),
            item.get("dossiers_clos", 0),
            item.get("dossiers_confidentiels_en_cours", 0),
            item.get("dossiers_confidentiels_clos", 0),
        ),
        email_log=tuple(item.get("envois_courriel", ())),
        activation_digest=item.get("activation_empreinte"),
        reset_digest=item.get("reinitialisation_empreinte"),
        email_change_digest=item.get("changement_courriel_empreinte"),
        registration_event=item.get("evenement_inscription"),
        email_invalid=bool(item.get("courriel_invalide", False)),
        expires_at=expiry_of(item),
    )


def credentials_attributes(credentials: Credentials) -> Item:
    return {
        "compte_id": credentials.account_id,
        "mot_de_passe": credentials.password_hash,
        "statut": credentials.status,
    }


def credentials_from(item: Item | None) -> Credentials | None:
    if item is None:
        return None
    return Credentials(item["compte_id"], item["mot_de_passe"], item["statut"], expiry_of(item))


def reservation_from(item: Item | None) -> EmailReservation | None:
    return None if item is None else EmailReservation(item["compte_id"], expiry_of(item))


def failed_logins_from(item: Item | None) -> FailedLogins | None:
    if item is None:
        return None
    return FailedLogins(item.get("echecs", 0), item.get("verrouille_jusqu_au"), expiry_of(item))


# Events and sessions ---------------------------------------------------------------------------


def event_attributes(event: Event) -> Item:
    return {"date": event.date, "type": event.type, "detail": event.detail}


def event_from(item: Item) -> Event:
    return Event(item["date"], item["type"], item["detail"])


def session_attributes(session: SessionRecord) -> Item:
    return {
        "compte_id": session.account_id,
        "droits_id": session.rights_id,
        "cree_le": session.created_at,
        "inactive_apres": session.idle_until,
    }


def session_from(digest: str, item: Item | None) -> SessionRecord | None:
    if item is None:
        return None
    return SessionRecord(
        digest,
        item["compte_id"],
        item.get("droits_id"),
        item.get("cree_le"),
        item.get("inactive_apres", 0),
        expiry_of(item),
    )


# Registration drafts ---------------------------------------------------------------------------


def draft_attributes(draft: Draft) -> Item:
    attributes: Item = {
        "etape": draft.step,
        "cgu_version": draft.cgu_version,
        "cgu_acceptees_le": draft.cgu_accepted_at,
        "cree_le": draft.created_at,
    }
    if draft.identity is not None:
        attributes.update(identity_attributes(draft.identity))
    return attributes


def draft_from(draft_id: str, item: Item | None) -> Draft | None:
    if item is None:
        return None
    expires_at = expiry_of(item)
    if expires_at is None:
        return None  # every draft has its hour; an item without one is none of ours
    return Draft(
        draft_id,
        item["etape"],
        expires_at,
        # A draft cancelled before it was written is its "cancelled" mark alone: no CGU on it.
        item.get("cgu_version", ""),
        item.get("cgu_acceptees_le", ""),
        item.get("cree_le"),
        identity_from(item) if item.get("nir") else None,
    )


# One-time links ---------------------------------------------------------------------------------


def activation_attributes(activation: Activation) -> Item:
    return {
        "compte_id": activation.account_id,
        "nir": activation.nir,
        "courriel_cle": activation.email_key,
        "evenement_inscription": activation.registration_event,
    }


def activation_from(digest: str, item: Item | None) -> Activation | None:
    if item is None:
        return None
    return Activation(
        digest,
        item["compte_id"],
        item["nir"],
        item["courriel_cle"],
        item.get("evenement_inscription"),
        item.get("utilise_le"),
        expiry_of(item),
    )


def reset_attributes(reset: Reset) -> Item:
    return {"compte_id": reset.account_id, "nir": reset.nir}


def reset_from(digest: str, item: Item | None) -> Reset | None:
    return None if item is None else Reset(digest, item["compte_id"], item["nir"], expiry_of(item))


def email_change_attributes(change: EmailChange) -> Item:
    return {
        "compte_id": change.account_id,
        "courriel": change.new_email,
        "courriel_cle": change.new_email_key,
        "ancien_courriel": change.old_email,
        "ancien_courriel_cle": change.old_email_key,
    }


def email_change_from(digest: str, item: Item | None) -> EmailChange | None:
    if item is None:
        return None
    return EmailChange(
        digest,
        item["compte_id"],
        item["courriel"],
        item["courriel_cle"],
        item["ancien_courriel"],
        item["ancien_courriel_cle"],
        expiry_of(item),
    )
