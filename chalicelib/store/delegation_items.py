"""Délégations, invitations and delegates' pointers as items: which attribute holds what, both ways."""

from ..domain.records.delegations import DelegatedAccount, Delegation, Invitation
from ..domain.records.people import Names
from .keys import Item, expiry_of


def names_attributes(names: Names) -> Item:
    return {"prenom": names.prenom, "nom_naissance": names.nom_naissance, "civilite": names.civilite}


def names_from(item: Item) -> Names:
    return Names(item.get("civilite", ""), item["nom_naissance"], item.get("prenom"))


def delegation_attributes(delegation: Delegation) -> Item:
    """As granted: the delegate's side is written by the acceptance."""
    return {
        "titulaire_id": delegation.holder_id,
        "titulaire_droits_id": delegation.holder_rights_id,
        "titulaire": names_attributes(delegation.holder),
        "courriel": delegation.email,
        "courriel_cle": delegation.email_key,
        "portee": delegation.scope,
        "statut": delegation.status,
        "cree_le": delegation.created_at,
        "fin": delegation.end,
        "invitation_jusqu_au": delegation.invitation_until,
        "invitation_empreinte": delegation.invitation_digest,
    }


def delegation_from(delegation_id: str, item: Item | None) -> Delegation | None:
    if item is None:
        return None
    delegate = item.get("delegataire")
    return Delegation(
        id=delegation_id,
        holder_id=item["titulaire_id"],
        holder_rights_id=item.get("titulaire_droits_id"),
        holder=names_from(item["titulaire"]),
        email=item["courriel"],
        email_key=item["courriel_cle"],
        scope=item["portee"],
        status=item["statut"],
        created_at=item["cree_le"],
        end=item["fin"],
        invitation_until=item["invitation_jusqu_au"],
        invitation_digest=item["invitation_empreinte"],
        delegate_id=item.get("delegataire_id"),
        delegate=None if delegate is None else names_from(delegate),
        accepted_at=item.get("acceptee_le"),
        revoked_at=item.get("revoquee_le"),
        email_invalid_at=item.get("courriel_invalide_le"),
        expires_at=expiry_of(item),
    )


def invitation_attributes(invitation: Invitation) -> Item:
    return {
        "delegation_id": invitation.delegation_id,
        "titulaire_id": invitation.holder_id,
        "titulaire": names_attributes(invitation.holder),
        "courriel_cle": invitation.email_key,
        "portee": invitation.scope,
        "fin": invitation.end,
    }


def invitation_from(digest: str, item: Item | None) -> Invitation | None:
    if item is None:
        return None
    return Invitation(
        digest,
        item["delegation_id"],
        item["titulaire_id"],
        names_from(item["titulaire"]),
        item["courriel_cle"],
        item["portee"],
        item["fin"],
        bool(item.get("revoquee", False)),
        expiry_of(item),
    )


def pointer_attributes(pointer: DelegatedAccount) -> Item:
    return {
        "titulaire_id": pointer.holder_id,
        "titulaire": names_attributes(pointer.holder),
        "portee": pointer.scope,
        "fin": pointer.end,
    }


def pointer_from(delegation_id: str, item: Item) -> DelegatedAccount:
    return DelegatedAccount(
        delegation_id, item["titulaire_id"], names_from(item["titulaire"]), item["portee"], item["fin"], expiry_of(item)
    )
