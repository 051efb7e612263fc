""" "Mes délégations": what the API answers about délégations, shaped from their records."""

from typing import Literal, Self

from pydantic import Field

from ..domain.delegations import Granted, Seen
from ..domain.records import delegations
from ..domain.records.people import Names
from .answers_base import Answer, Moment


class Person(Answer):
    prenom: str | None
    nom_naissance: str

    @classmethod
    def of(cls, names: Names) -> Self:
        return cls(prenom=names.prenom, nom_naissance=names.nom_naissance)


class Delegation(Answer):
    id: str
    courriel: str = Field(description="L'adresse invitée.")
    portee: Literal["consultation", "gestion"]
    statut: Literal["en_attente", "active", "revoquee", "expiree", "courriel_invalide"]
    cree_le: str = Moment
    fin: str = Field(description="Dernier jour de la délégation (AAAA-MM-JJ, heure de Paris).")
    delegataire: Person | None = Field(description="La personne qui a accepté ; null avant.")
    acceptee_le: str | None = None
    revoquee_le: str | None = None

    @classmethod
    def fields_of(cls, seen: Seen) -> dict[str, object]:
        delegation = seen.delegation
        return {
            "id": delegation.id,
            "courriel": delegation.email,
            "portee": delegation.scope,
            "statut": seen.status,
            "cree_le": delegation.created_at,
            "fin": delegation.end,
            "delegataire": None if delegation.delegate is None else Person.of(delegation.delegate),
            "acceptee_le": delegation.accepted_at,
            "revoquee_le": delegation.revoked_at,
        }

    @classmethod
    def of(cls, seen: Seen) -> Self:
        return cls.model_validate(cls.fields_of(seen))


class DelegationGranted(Delegation):
    courriel_envoye: bool
    detail: str

    @classmethod
    def of_granted(cls, granted: Granted) -> Self:
        fields = Delegation.fields_of(granted.delegation)
        return cls.model_validate({**fields, "courriel_envoye": granted.email_sent, "detail": granted.detail})


class Delegations(Answer):
    delegations: list[Delegation]


class DelegationAccepted(Answer):
    id: str
    titulaire: Person
    portee: Literal["consultation", "gestion"]
    fin: str

    @classmethod
    def of(cls, invitation: delegations.Invitation) -> Self:
        return cls.model_validate(
            {
                "id": invitation.delegation_id,
                "titulaire": Person.of(invitation.holder),
                "portee": invitation.scope,
                "fin": invitation.end,
            }
        )


class DelegatedAccount(Answer):
    delegation_id: str
    prenom: str | None
    nom_naissance: str
    portee: Literal["consultation", "gestion"]
    fin: str

    @classmethod
    def of(cls, pointer: delegations.DelegatedAccount) -> Self:
        return cls.model_validate(
            {
                "delegation_id": pointer.delegation_id,
                "prenom": pointer.holder.prenom,
                "nom_naissance": pointer.holder.nom_naissance,
                "portee": pointer.scope,
                "fin": pointer.end,
            }
        )


class DelegatedAccounts(Answer):
    comptes: list[DelegatedAccount]
