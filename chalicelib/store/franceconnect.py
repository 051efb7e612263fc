"""FranceConnect: an OpenID `state`'s "spent" mark, a sub's reservation, a verification, the
pivot identity a draft keeps.

A sub verifies one account: its reservation (`FRANCECONNECT#<sub>`) names the account and its NIR,
and is taken on condition that it is free (nobody holds it, or the pending registration holding it
has expired), in the transaction that marks the account verified."""

from datetime import datetime

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.franceconnect import FranceConnectLink, IdentityVerification, StateMark
from ..domain.records.registrations import FranceConnectOnDraft
from ..domain.states import DraftStep
from .actions import FREE, event_action, expiry_shard
from .base import TableAccess, exists
from .franceconnect_items import link_attributes, link_from, pivot_attributes
from .keys import EXPIRY_SHARD_ATTRIBUTE, TTL_ATTRIBUTE, account_key, draft_key, franceconnect_key, oidc_state_key
from .registration_items import draft_attributes
from .registrations import AWAITS_IDENTITY


class FranceConnectRecords(TableAccess):
    # States ---------------------------------------------------------------------------------------

    def save_oidc_state(self, state_id: str, draft_id: str, expires: datetime) -> None:
        """A registration's state: the draft it was made for (the return carries only the state)."""
        self._put(oidc_state_key(state_id), {"inscription_id": draft_id}, expires)

    def spend_oidc_state(self, state_id: str, expires: datetime) -> StateMark | None:
        """Mark a state used, in one conditional write; None when it was already. The mark lives
        as long as the state would."""
        item = self._update_if(
            oidc_state_key(state_id),
            f"SET utilise = :oui, {TTL_ATTRIBUTE} = :fin",
            "attribute_not_exists(utilise)",
            oui=True,
            fin=to_epoch(expires),
        )
        return None if item is None else StateMark(item.get("inscription_id"))

    # A sub's reservation and the verification -------------------------------------------------------

    def get_franceconnect_link(self, sub: str) -> FranceConnectLink | None:
        return link_from(self._get(franceconnect_key(sub)))

    def verify_identity(self, verification: IdentityVerification) -> None:
        """The account verified with a sub (unless verified with another one), the sub's reservation
        (free, or already this account's) and the history event: all or nothing.

        WriteConflict names `franceconnect` (the sub verifies another account) and/or `compte`
        (gone, or verified with another sub)."""
        epoch = to_epoch(verification.now)
        link = FranceConnectLink(verification.account_id, verification.nir)
        self._transact(
            [
                (
                    Part.FRANCECONNECT,
                    self._put_action(
                        franceconnect_key(verification.sub),
                        link_attributes(link),
                        None,
                        f"{FREE} OR compte_id = :compte",
                        now=epoch,
                        compte=verification.account_id,
                    ),
                ),
                (
                    Part.ACCOUNT,
                    self._update_action(
                        account_key(verification.account_id),
                        "SET identite_verifiee_le = if_not_exists(identite_verifiee_le, :le), franceconnect_sub = :sub",
                        f"{exists()} AND (attribute_not_exists(franceconnect_sub) OR franceconnect_sub = :sub)",
                        le=verification.verified_at,
                        sub=verification.sub,
                    ),
                ),
                (Part.EVENT, event_action(self, verification.account_id, verification.event, verification.now)),
            ]
        )

    # A registration's draft ---------------------------------------------------------------------------

    def save_franceconnect_on_draft(self, step: FranceConnectOnDraft) -> None:
        """The pivot identity on a draft that awaits its identity (or its password: "Retour"), the
        draft written whole from its id if it was not yet, in its shard of the expiry index (it now
        holds a person's data). WriteConflict names `inscription` (cancelled, expired, past it)."""
        first_step = {name: value for name, value in draft_attributes(step.draft).items() if name != "etape"}
        values = {
            **{name: value for name, value in first_step.items() if value is not None},
            **pivot_attributes(step.pivot),
            EXPIRY_SHARD_ATTRIBUTE: expiry_shard(step.draft.id),
        }
        update = (
            "SET etape = if_not_exists(etape, :identite), "
            + ", ".join(f"#{name} = :{name}" for name in values)
            + f", {TTL_ATTRIBUTE} = :fin"
        )
        self._transact(
            [
                (
                    Part.DRAFT,
                    self._update_action(
                        draft_key(step.draft.id),
                        update,
                        AWAITS_IDENTITY,
                        names={f"#{name}": name for name in values},
                        identite=DraftStep.IDENTITY,
                        next=DraftStep.PASSWORD,
                        now=to_epoch(step.now),
                        fin=to_epoch(step.draft.expires_at),
                        **values,
                    ),
                )
            ]
        )
