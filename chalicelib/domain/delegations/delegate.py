"""The delegate's side: the accounts delegated to them, and through an active délégation the
holder's synthesis, hours and dossiers (never a confidential one), and new draft dossiers."""

from datetime import date, datetime
from typing import Protocol

from ...clock import to_iso
from .. import dossiers, history, holder, hours, sessions, tokens
from ..errors import WriteConflict
from ..expiry import is_live
from ..states import DelegationScope
from .rules import ACTIVE, CONFIDENTIAL_REFUSED, NOT_FOUND, SCOPE_TOO_NARROW, display_name, ends_at, status_of


class DelegateStore(Protocol):
    """What a delegate reads and writes of the holder's account, through the delegation."""

    def get_delegation(self, delegation_id: str) -> dict | None: ...

    def list_delegated_accounts(self, delegate_id: str) -> list[dict]: ...

    def get_account(self, account_id: str) -> dict | None: ...

    def get_account_and_rights(self, account_id: str, nir: str) -> tuple[dict | None, dict | None]: ...

    def get_rights_and_movements(self, nir: str) -> tuple[dict | None, list[dict]]: ...

    def list_dossiers(self, account_id: str, statuses: tuple[str, ...] | None = None) -> list[dict]: ...

    def get_dossier(self, account_id: str, dossier_id: str) -> dict | None: ...

    def create_dossier_as_delegate(
        self,
        *,
        holder_id: str,
        holder_nir: str,
        delegation_id: str,
        delegate_id: str,
        dossier_id: str,
        dossier: dict,
        event: dict,
        now: datetime,
    ) -> None: ...


def list_delegated(store: DelegateStore, clock, session: sessions.Session) -> list[dict]:
    """The accounts delegated to this person: active delegations only. The pointers exist while a
    delegation is active (the revocation deletes them); their end is checked here."""
    now = clock()
    found = [
        {
            "delegation_id": pointer["delegation_id"],
            "prenom": pointer["titulaire"].get("prenom"),
            "nom_naissance": pointer["titulaire"]["nom_naissance"],
            "portee": pointer["portee"],
            "fin": pointer["fin"],
        }
        for pointer in store.list_delegated_accounts(session.account_id)
        if is_live(pointer, now) and now < ends_at(date.fromisoformat(pointer["fin"]))
    ]
    return sorted(found, key=lambda d: (d["nom_naissance"], d["prenom"] or "", d["delegation_id"]))


def _delegation_for(store: DelegateStore, clock, session: sessions.Session, delegation_id: str) -> dict:
    """The delegation, if it is active now and names this caller as its delegate; 404 otherwise,
    whatever the reason (unknown, someone else's, revoked, ended)."""
    if not tokens.is_well_formed_id(delegation_id):
        raise NOT_FOUND  # junk never reaches the table
    record = store.get_delegation(delegation_id)
    now = clock()
    if (
        record is None
        or record.get("delegataire_id") != session.account_id
        or not is_live(record, now)
        or status_of(record, now) != ACTIVE
    ):
        raise NOT_FOUND
    return record


def delegated_synthesis(store: DelegateStore, clock, session: sessions.Session, delegation_id: str) -> dict:
    """The holder's synthesis; the counts leave confidential dossiers out."""
    record = _delegation_for(store, clock, session, delegation_id)
    account, rights = store.get_account_and_rights(record["titulaire_id"], _holder_nir(store, record))
    if account is None:
        raise NOT_FOUND
    shown_synthesis = holder.synthesis_of(account, rights)
    shown_synthesis["dossiers_en_cours"] -= account.get("dossiers_confidentiels_en_cours", 0)
    shown_synthesis["dossiers_clos"] -= account.get("dossiers_confidentiels_clos", 0)
    return shown_synthesis


def delegated_hours(store: DelegateStore, clock, session: sessions.Session, delegation_id: str) -> dict:
    record = _delegation_for(store, clock, session, delegation_id)
    return hours.statement(store, record["titulaire_id"], _holder_nir(store, record), for_delegate=True)


def _holder_nir(store: DelegateStore, record: dict) -> str:
    """The holder's NIR, which the delegation keeps (a delegation granted before it did: read)."""
    return hours.nir_of(store, record["titulaire_id"], record.get("titulaire_nir"))


def delegated_dossiers(
    store: DelegateStore, clock, session: sessions.Session, delegation_id: str, state: str | None
) -> list[dict]:
    """The holder's dossiers but the confidential ones."""
    record = _delegation_for(store, clock, session, delegation_id)
    return [d for d in dossiers.list_all(store, record["titulaire_id"], state) if not d["confidentiel"]]


def delegated_dossier(
    store: DelegateStore, clock, session: sessions.Session, delegation_id: str, dossier_id: str
) -> dict:
    """A dossier of the holder's; a confidential one answers exactly as one that does not exist."""
    record = _delegation_for(store, clock, session, delegation_id)
    dossier = dossiers.find(store, record["titulaire_id"], dossier_id)
    if dossier["confidentiel"]:
        raise dossiers.NOT_FOUND
    return dossier


def create_dossier(
    store: DelegateStore, clock, session: sessions.Session, delegation_id: str, new: dossiers.NewDossier
) -> dict:
    """With `gestion`: a draft dossier for the holder, which only the holder can validate."""
    record = _delegation_for(store, clock, session, delegation_id)
    if record["portee"] != DelegationScope.GESTION:
        raise SCOPE_TOO_NARROW
    if new.confidentiel:
        raise CONFIDENTIAL_REFUSED
    now = clock()
    dossier_id = tokens.new_id()
    dossier = {**vars(new), "statut": dossiers.DRAFT, "cree_le": to_iso(now), "cree_par_delegation": delegation_id}
    event = history.event(
        history.DOSSIER_CREE_PAR_DELEGATAIRE,
        now,
        delegataire=display_name(record["delegataire"]),
        dossier=dossiers.described(dossier),
    )
    try:
        store.create_dossier_as_delegate(
            holder_id=record["titulaire_id"],
            holder_nir=_holder_nir(store, record),
            delegation_id=delegation_id,
            delegate_id=session.account_id,
            dossier_id=dossier_id,
            dossier=dossier,
            event=event,
            now=now,
        )
    except WriteConflict as conflict:
        if "delegation" in conflict.failed:
            raise NOT_FOUND from None  # revoked or ended between the read and the write
        raise dossiers.DIF_NOT_ENTERED from None
    return dossiers.shown(dossier_id, dossier)
