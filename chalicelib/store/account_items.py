"""Accounts, their identity, credentials, email reservations and failed logins as items: which
attribute holds what, both ways.

An item comes in as the plain values `keys.from_attributes` gives (its keys taken off, the caller
knows them); a record goes out as the attributes to write (None values are not written).
"""

from ..domain.records.accounts import Account, Credentials, DossierCounts, EmailReservation, FailedLogins, Identity
from .keys import Item, expiry_of

# An identity's fields are stored under the names it gives them.
IDENTITY_ATTRIBUTES = tuple(Identity.__dataclass_fields__)


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
        "identite_verifiee_le": account.identity_verified_at,
        "franceconnect_sub": account.franceconnect_sub,
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
        identity_verified_at=item.get("identite_verifiee_le"),
        franceconnect_sub=item.get("franceconnect_sub"),
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
    return Credentials(
        item["compte_id"], item["mot_de_passe"], item["statut"], expiry_of(item), int(item.get("connexions", 0))
    )


def reservation_from(item: Item | None) -> EmailReservation | None:
    return None if item is None else EmailReservation(item["compte_id"], expiry_of(item))


def failed_logins_from(item: Item | None) -> FailedLogins | None:
    if item is None:
        return None
    return FailedLogins(item.get("echecs", 0), item.get("verrouille_jusqu_au"), expiry_of(item))
