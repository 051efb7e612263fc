"""Captchas and registration drafts, and the two steps that turn a draft into a pending account.

The identity step checks, in one transaction, that the captcha was answered right (and uses it up),
that the NIR and the email are free, and that the draft awaits its identity. The password step
writes the pending account with everything it holds and strips the draft of its personal data.
"""

import contextlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from ..clock import to_epoch
from ..domain.errors import Part, WriteConflict
from ..domain.records.franceconnect import FranceConnectLink
from ..domain.records.hours import Dossier
from ..domain.records.registrations import Draft, Holding, IdentityStep, PendingAccount, Takeover
from ..domain.states import AccountStatus, DossierStatus, DraftStep
from .account_items import (
    account_attributes,
    account_from,
    credentials_attributes,
    credentials_from,
    identity_attributes,
)
from .actions import (
    FREE,
    end_remaining_sessions,
    ending_sessions,
    event_action,
    expiry_shard,
    revocation_actions,
    session_digests,
)
from .base import TRANSACTION_LIMIT, Action, NamedActions, TableAccess, absent, exists
from .delegation_items import delegation_from
from .franceconnect_items import link_attributes
from .history_items import event_attributes
from .hours_items import dossier_from, rights_id_from
from .keys import (
    ACCOUNT_SORT_KEY,
    DOSSIER_PREFIX,
    EXPIRY_SHARD_ATTRIBUTE,
    HOLDER_DELEGATION_PREFIX,
    TTL_ATTRIBUTE,
    account_key,
    account_partition,
    activation_key,
    captcha_key,
    credentials_key,
    dossier_key,
    draft_key,
    email_key,
    event_key,
    franceconnect_key,
    from_attributes,
    rights_id_key,
    rights_key,
    sort_key_of,
    time_ordered_id,
)
from .registration_items import PERSONAL_ATTRIBUTES, draft_attributes, draft_from
from .token_items import activation_attributes

DOSSIER_END = "DOSSIER$"  # "$" follows "#": after every dossier, before the history (EVENEMENT#)
# A draft may take its identity when it is not written yet (its id was checked) or awaits it, live.
AWAITS_IDENTITY = f"{absent()} OR (etape IN (:identite, :next) AND {TTL_ATTRIBUTE} > :now)"


class RegistrationRecords(TableAccess):
    # Captchas -------------------------------------------------------------------------------------

    # A captcha is written nowhere: its id seals it (domain/captchas.py). Answering it writes its
    # "spent" mark, which lives as long as the captcha would.

    def captcha_spent(self, nonce: str) -> bool:
        return self._get(captcha_key(nonce)) is not None

    def spend_captcha(self, nonce: str, expires: datetime) -> bool:
        """Mark a captcha answered; False when it was already."""
        try:
            self._transact([(Part.CAPTCHA, self._spent_mark(nonce, expires))])
        except WriteConflict:
            return False
        return True

    def spend_captcha_on_draft(self, draft_id: str, nonce: str, expires: datetime, now: datetime) -> None:
        """Mark a captcha answered (a wrong answer spends it too), if the draft awaits its identity.

        WriteConflict names `captcha` (answered already) or `inscription` (gone, expired, past this step)."""
        self._transact(
            [(Part.CAPTCHA, self._spent_mark(nonce, expires)), (Part.DRAFT, self._identity_awaited(draft_id, now))]
        )

    def _spent_mark(self, nonce: str, expires: datetime) -> Action:
        return self._put_action(captcha_key(nonce), {}, expires, absent())

    def _identity_awaited(self, draft_id: str, now: datetime) -> Action:
        return self._check_action(
            draft_key(draft_id),
            AWAITS_IDENTITY,
            identite=DraftStep.IDENTITY,
            next=DraftStep.PASSWORD,
            now=to_epoch(now),
        )

    # Drafts: written first by the identity step (a started draft is its id, domain/registration.py) --

    def get_draft(self, draft_id: str) -> Draft | None:
        return draft_from(draft_id, self._get(draft_key(draft_id)))

    def cancel_draft(self, draft_id: str, now: datetime, expires: datetime) -> None:
        """Empty a live draft of its personal data and mark it cancelled, in one conditional write
        (so that a repeat of this very request, its reply lost, is recognised); a draft not written
        yet gets its mark, with its expiry. What remains (the step, the CGU's acceptance) goes with
        the draft's hour.

        WriteConflict names `inscription` (expired, or cancelled already)."""
        self._transact(
            [
                (
                    Part.DRAFT,
                    self._update_action(
                        draft_key(draft_id),
                        f"SET etape = :annulee, {TTL_ATTRIBUTE} = if_not_exists({TTL_ATTRIBUTE}, :fin) REMOVE "
                        + ", ".join(f"#{name}" for name in PERSONAL_ATTRIBUTES),
                        f"{absent()} OR (etape <> :annulee AND {TTL_ATTRIBUTE} > :now)",
                        names={f"#{name}": name for name in PERSONAL_ATTRIBUTES},
                        annulee=DraftStep.CANCELLED,
                        now=to_epoch(now),
                        fin=to_epoch(expires),
                    ),
                )
            ]
        )

    # Step 2, the identity ----------------------------------------------------------------------

    def save_identity(self, step: IdentityStep) -> None:
        """Mark the (rightly answered) captcha spent and store the identity on a draft that awaits
        it, if its NIR and email are free: all or nothing, in one request. The draft is written
        whole (`draft`: its first step; its expiry; its shard of the expiry index, since it now holds
        a NIR, names and an email until its hour is over) whether it existed or not.

        WriteConflict names `captcha` (answered already), `nir`, `courriel` and/or `inscription`
        (cancelled, expired or past this step)."""
        identity = identity_attributes(step.identity)
        first_step = {name: value for name, value in draft_attributes(step.draft).items() if name != "etape"}
        draft = {**first_step, EXPIRY_SHARD_ATTRIBUTE: expiry_shard(step.draft.id)}
        fields = {name: value for name, value in identity.items() if value is not None}
        cleared = [name for name, value in identity.items() if value is None]
        update = (
            "SET etape = :next, "
            + ", ".join(f"#{name} = :{name}" for name in [*draft, *fields])
            + f", {TTL_ATTRIBUTE} = :fin"
        )
        if cleared:
            update += " REMOVE " + ", ".join(f"#{name}" for name in cleared)
        epoch = to_epoch(step.now)
        nir: NamedActions = []
        email_values: dict[str, Any] = {"now": epoch}
        email_free = FREE
        if step.taking_over is None:
            nir.append((Part.NIR, self._check_action(credentials_key(step.identity.nir), FREE, now=epoch)))
        else:  # the account whose NIR a verified registration takes over may hold the address too
            email_free, email_values["ancien"] = f"{FREE} OR compte_id = :ancien", step.taking_over
        self._transact(
            nir
            + [
                (Part.CAPTCHA, self._spent_mark(step.captcha.nonce, step.captcha.expires)),
                (Part.EMAIL, self._check_action(email_key(step.email_key), email_free, **email_values)),
                (
                    Part.DRAFT,
                    self._update_action(
                        draft_key(step.draft.id),
                        update,
                        AWAITS_IDENTITY,
                        names={f"#{name}": name for name in [*draft, *identity]},
                        next=DraftStep.PASSWORD,
                        identite=DraftStep.IDENTITY,
                        now=epoch,
                        fin=to_epoch(step.draft.expires_at),
                        **draft,
                        **fields,
                    ),
                ),
            ]
        )

    # Step 3, the password: the pending account ---------------------------------------------------

    def create_pending_account(self, pending: PendingAccount) -> None:
        """Write a pending account with its NIR and email reservations, its activation token and its
        first history event, and strip the draft of its personal data: all or nothing.

        WriteConflict names `nir`, `courriel`, `franceconnect` (a verified registration's sub, held
        by another account) and/or `inscription`.

        The account goes in the expiry index with its token's digest, so that the cleanup can
        remove all it holds once its link has expired. Activation makes the registration event
        permanent: the account and the token name it."""
        epoch, expires = to_epoch(pending.now), pending.account.expires_at
        account_id = pending.account.id
        registration_event = time_ordered_id(pending.now)
        account = {
            **account_attributes(replace(pending.account, registration_event=registration_event)),
            EXPIRY_SHARD_ATTRIBUTE: expiry_shard(account_id),
        }
        activation = activation_attributes(replace(pending.activation, registration_event=registration_event))
        credentials = credentials_attributes(pending.credentials)
        event = event_attributes(pending.event)
        verified: NamedActions = []
        if pending.account.franceconnect_sub is not None:  # a registration verified with FranceConnect
            link = link_attributes(FranceConnectLink(account_id, pending.account.nir))
            reservation = franceconnect_key(pending.account.franceconnect_sub)
            verified.append((Part.FRANCECONNECT, self._put_action(reservation, link, expires, FREE, now=epoch)))
        if pending.verified_event is not None:  # no TTL: the cleanup deletes a lapsed account's events
            verified.append((Part.HOLDER_EVENT, event_action(self, account_id, pending.verified_event, pending.now)))
        takeover = pending.takeover
        nir_free, email_free = FREE, FREE
        nir_values: dict[str, Any] = {"now": epoch}
        email_values: dict[str, Any] = {"now": epoch}
        closing: NamedActions = []
        if takeover is not None:  # the credentials still name the account closed, after as many logins
            nir_free = "compte_id = :ancien AND (attribute_not_exists(connexions) OR connexions = :connexions)"
            nir_values = {"ancien": takeover.account_id, "connexions": takeover.logins_seen}
            if takeover.email_key == pending.email_key:  # the same address: its reservation passes on
                email_free = f"{FREE} OR compte_id = :ancien"
                email_values["ancien"] = takeover.account_id
            closing = self._closing(takeover, pending.now)
        core = verified + [
            (
                Part.NIR,
                self._put_action(credentials_key(pending.account.nir), credentials, expires, nir_free, **nir_values),
            ),
            (
                Part.EMAIL,
                self._put_action(
                    email_key(pending.email_key), {"compte_id": account_id}, expires, email_free, **email_values
                ),
            ),
            (Part.ACCOUNT, self._put_action(account_key(account_id), account, expires, absent())),
            (
                Part.ACTIVATION,
                self._put_action(activation_key(pending.activation.digest), activation, expires, absent()),
            ),
            (Part.EVENT, self._put_action(event_key(account_id, registration_event), event, expires)),
            (Part.DRAFT, self._draft_completed(pending.draft_id, account_id, epoch)),
        ]
        if takeover is None:
            self._transact(core)
            return
        self._take_over(core + closing, takeover, pending.email_key, pending.now)

    # Step 3 of a verified registration whose NIR an unverified account holds (contract §14) ----------

    def get_holding(self, nir: str) -> Holding:
        """What holds a NIR: its credentials and rights id (one BatchGetItem), and when the
        credentials name an account, that account with its délégations granted and its dossiers
        (one Query, the partition up to its history) and its sessions (one Query of their pointers)."""
        found = self._get_many({"nir": credentials_key(nir), "droits": rights_id_key(nir)})
        credentials, rights_id = credentials_from(found["nir"]), rights_id_from(found["droits"])
        if credentials is None:
            return Holding(None, rights_id)
        account_id = credentials.account_id
        account, delegations, dossiers = None, [], []
        for raw in self._query_between(account_partition(account_id), ACCOUNT_SORT_KEY, DOSSIER_END):
            sort_key, record = sort_key_of(raw), from_attributes(raw)
            if sort_key == ACCOUNT_SORT_KEY:
                account = account_from(account_id, record)
            elif sort_key.startswith(HOLDER_DELEGATION_PREFIX):
                delegation = delegation_from(sort_key.removeprefix(HOLDER_DELEGATION_PREFIX), record)
                delegations += [delegation] if delegation is not None else []
            elif sort_key.startswith(DOSSIER_PREFIX):
                dossier = dossier_from(sort_key.removeprefix(DOSSIER_PREFIX), record)
                dossiers += [dossier] if dossier is not None else []
        sessions = tuple(session_digests(self, account_id))
        return Holding(credentials, rights_id, account, tuple(delegations), tuple(dossiers), sessions)

    def _closing(self, takeover: Takeover, now: datetime) -> NamedActions:
        """The account closed, if still unverified and as read, its email reservation freed (unless
        the new account takes the same address), its event: the core of the takeover, never split."""
        closed = self._update_action(
            account_key(takeover.account_id),
            f"SET statut = :clos, ferme_le = :moment REMOVE {EXPIRY_SHARD_ATTRIBUTE}",
            "statut = :vu AND attribute_not_exists(identite_verifiee_le)",
            clos=AccountStatus.CLOSED,
            moment=takeover.moment,
            vu=takeover.status_seen,
        )
        return [
            (Part.OLD_ACCOUNT, closed),
            (Part.OLD_ACCOUNT, event_action(self, takeover.account_id, takeover.event, now, takeover.expires_at)),
        ]

    def _take_over(self, core: NamedActions, takeover: Takeover, new_email_key: str, now: datetime) -> None:
        """The new account and the closure in one transaction, with as much of the rest as fits (the
        sessions first, then the délégations, then the dossiers); what does not fit is done right
        after, each part conditional on what was read, so that doing it again changes nothing.

        WriteConflict names, besides the new account's parts, `nir` (the credentials changed: another
        account, a login), `ancien_compte` (verified, activated or closed meanwhile), `ancien_courriel`,
        and a délégation's or dossier's parts (accepted, validated meanwhile)."""
        if takeover.email_key != new_email_key:
            freed = self._delete_action(
                email_key(takeover.email_key), f"{absent()} OR compte_id = :ancien", ancien=takeover.account_id
            )
            core = [*core, (Part.OLD_EMAIL, freed)]
        room = TRANSACTION_LIMIT - len(core)
        sessions = list(takeover.sessions)
        actions = core + ending_sessions(self, takeover.account_id, sessions, room)
        revocations = list(takeover.revocations)
        while revocations and len(actions) + len(revocation_actions(self, revocations[0])) <= TRANSACTION_LIMIT:
            actions += revocation_actions(self, revocations.pop(0))
        # The validated dossiers' hours are given back in one update with all of them, or left for
        # later with the rest (each with its own share of the hours).
        validated = [dossier for dossier in takeover.cancelled if dossier.status == DossierStatus.VALIDATED]
        drafts = [dossier for dossier in takeover.cancelled if dossier.status != DossierStatus.VALIDATED]
        if validated and takeover.rights_id is not None and len(actions) + len(validated) < TRANSACTION_LIMIT:
            hours = sum(dossier.hours for dossier in validated)
            actions.append((Part.RIGHTS, self._released(takeover.rights_id, hours)))
            actions += [self._cancelled(takeover.account_id, dossier, takeover.moment) for dossier in validated]
            validated = []
        while drafts and len(actions) < TRANSACTION_LIMIT:
            actions.append(self._cancelled(takeover.account_id, drafts.pop(0), takeover.moment))
        cancelled = drafts + validated
        self._transact(actions)
        # What did not fit: each part alone, conditional as in the transaction.
        end_remaining_sessions(self, takeover.account_id, sessions, room)
        for revocation in revocations:
            self._quietly(revocation_actions(self, revocation))
        for dossier in cancelled:
            extra = []
            if dossier.status == DossierStatus.VALIDATED and takeover.rights_id is not None:
                extra = [(Part.RIGHTS, self._released(takeover.rights_id, dossier.hours))]
            self._quietly([self._cancelled(takeover.account_id, dossier, takeover.moment), *extra])

    def _quietly(self, actions: NamedActions) -> None:
        """A part of a takeover done after its transaction: one that changed meanwhile (accepted,
        revoked, closed) is left as it is."""
        with contextlib.suppress(WriteConflict):
            self._transact(actions)

    def _cancelled(self, account_id: str, dossier: Dossier, moment: str) -> tuple[Part, Action]:
        return (
            Part.DOSSIER,
            self._update_action(
                dossier_key(account_id, dossier.id),
                "SET statut = :annule, annule_le = :moment",
                "statut = :vu",
                annule=DossierStatus.CANCELLED,
                moment=moment,
                vu=dossier.status,
            ),
        )

    def _released(self, rights_id: str, hours: int) -> Action:
        return self._update_action(
            rights_key(rights_id),
            "SET heures_libres = heures_libres + :h, heures_reservees = heures_reservees - :h, "
            "version = if_not_exists(version, :zero) + :un",
            exists(),
            h=hours,
            zero=0,
            un=1,
        )

    def _draft_completed(self, draft_id: str, account_id: str, epoch: int) -> Action:
        return self._update_action(
            draft_key(draft_id),
            "SET etape = :next, compte_id = :compte REMOVE " + ", ".join(f"#{name}" for name in PERSONAL_ATTRIBUTES),
            f"{exists()} AND etape = :expected AND {TTL_ATTRIBUTE} > :now",
            names={f"#{name}": name for name in PERSONAL_ATTRIBUTES},
            next=DraftStep.ACTIVATION,
            compte=account_id,
            expected=DraftStep.PASSWORD,
            now=epoch,
        )
