"""Captchas and registration drafts, and the two steps that turn a draft into a pending account.

The identity step checks, in one transaction, that the captcha was answered right (and uses it up),
that the NIR and the email are free, and that the draft awaits its identity. The password step
writes the pending account with everything it holds and strips the draft of its personal data.
"""

from dataclasses import replace
from datetime import datetime

from ..clock import to_epoch
from ..domain.errors import Part, WriteConflict
from ..domain.records.franceconnect import FranceConnectLink
from ..domain.records.registrations import Draft, IdentityStep, PendingAccount
from ..domain.states import DraftStep
from .account_items import account_attributes, credentials_attributes, identity_attributes
from .actions import FREE, event_action, expiry_shard
from .base import Action, NamedActions, TableAccess, absent, exists
from .franceconnect_items import link_attributes
from .history_items import event_attributes
from .keys import (
    EXPIRY_SHARD_ATTRIBUTE,
    TTL_ATTRIBUTE,
    account_key,
    activation_key,
    captcha_key,
    credentials_key,
    draft_key,
    email_key,
    event_key,
    franceconnect_key,
    time_ordered_id,
)
from .registration_items import PERSONAL_ATTRIBUTES, draft_attributes, draft_from
from .token_items import activation_attributes

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
        self._transact(
            [
                (Part.CAPTCHA, self._spent_mark(step.captcha.nonce, step.captcha.expires)),
                (Part.NIR, self._check_action(credentials_key(step.identity.nir), FREE, now=epoch)),
                (Part.EMAIL, self._check_action(email_key(step.email_key), FREE, now=epoch)),
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
        self._transact(
            verified
            + [
                (
                    Part.NIR,
                    self._put_action(credentials_key(pending.account.nir), credentials, expires, FREE, now=epoch),
                ),
                (
                    Part.EMAIL,
                    self._put_action(email_key(pending.email_key), {"compte_id": account_id}, expires, FREE, now=epoch),
                ),
                (Part.ACCOUNT, self._put_action(account_key(account_id), account, expires, absent())),
                (
                    Part.ACTIVATION,
                    self._put_action(activation_key(pending.activation.digest), activation, expires, absent()),
                ),
                (Part.EVENT, self._put_action(event_key(account_id, registration_event), event, expires)),
                (Part.DRAFT, self._draft_completed(pending.draft_id, account_id, epoch)),
            ]
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
