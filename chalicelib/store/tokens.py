"""One-time tokens: activation links, password reset links and email change links, stored by their digest.

A token is used up by a conditional write, in the same transaction as its effect. The account item
keeps the digest of its current activation, reset and email change tokens, so that a newer link voids the older,
and the times of the emails it was sent in the last hour (`envois_courriel`), updated on condition
that nobody else sent meanwhile, so that racing requests cannot pass the hourly limit.
"""

from typing import Any

from ..clock import to_epoch
from ..domain.errors import Part
from ..domain.records.tokens import (
    Activation,
    ActivationUse,
    EmailChange,
    EmailChangeUse,
    EmailLog,
    NewActivationLink,
    NewEmailChangeLink,
    NewResetLink,
    PasswordReset,
    Reset,
)
from ..domain.states import AccountStatus
from .actions import (
    FREE,
    NOTICE_LOGGED,
    end_remaining_sessions,
    ending_sessions,
    event_action,
    notice_log_values,
    revocation_actions,
    sent_log_update,
)
from .base import TRANSACTION_LIMIT, Action, NamedActions, TableAccess, absent, exists
from .keys import (
    EXPIRY_SHARD_ATTRIBUTE,
    TTL_ATTRIBUTE,
    account_key,
    activation_key,
    attempts_key,
    credentials_key,
    email_change_key,
    email_key,
    event_key,
    franceconnect_key,
    reset_key,
)
from .token_items import (
    activation_attributes,
    activation_from,
    email_change_attributes,
    email_change_from,
    reset_attributes,
    reset_from,
)


def _previous_link(attribute: str, old_digest: str | None) -> tuple[str, dict[str, Any]]:
    """The account still names the link read (or none)."""
    if old_digest:
        return f"{attribute} = :ancienne", {"ancienne": old_digest}
    return f"attribute_not_exists({attribute})", {}


class TokenRecords(TableAccess):
    def give_back_emails(self, account_id: str, log: EmailLog) -> bool:
        """Put the account's email log back as it was before emails that SES did not take (`log.old`),
        unless another email was sent since `log.new`: the person may try again at once. False when it changed."""
        restored = self._update_if(
            account_key(account_id),
            "SET envois_courriel = :avant",
            "envois_courriel = :journal",
            avant=list(log.old),
            journal=list(log.new),
        )
        return restored is not None

    # Activation ("Valider son inscription") ----------------------------------------------------------

    def get_activation(self, activation_digest: str) -> Activation | None:
        return activation_from(activation_digest, self._get(activation_key(activation_digest)))

    def activate_account(self, use: ActivationUse) -> None:
        """Use the activation token up and make the account and its reservations permanent.

        WriteConflict names `activation` (already used, or expired) or the account's records."""
        activation = use.activation
        account_id = activation.account_id
        same_account = "compte_id = :compte"
        actions = [
            (
                Part.ACTIVATION,
                self._update_action(
                    activation_key(activation.digest),
                    "SET utilise_le = :now",
                    f"{exists()} AND attribute_not_exists(utilise_le) AND {TTL_ATTRIBUTE} > :now",
                    now=to_epoch(use.now),
                ),
            ),
            (
                Part.NIR,
                self._update_action(
                    credentials_key(activation.nir),
                    f"SET statut = :actif REMOVE {TTL_ATTRIBUTE}",
                    same_account,
                    actif=AccountStatus.ACTIVE,
                    compte=account_id,
                ),
            ),
            (
                Part.EMAIL,
                self._update_action(
                    email_key(activation.email_key), f"REMOVE {TTL_ATTRIBUTE}", same_account, compte=account_id
                ),
            ),
            (Part.ACCOUNT, self._account_activated(account_id, use.event.date)),
            (
                Part.REGISTRATION_EVENT,
                self._update_action(
                    event_key(account_id, activation.registration_event or ""), f"REMOVE {TTL_ATTRIBUTE}", exists()
                ),
            ),
            (Part.EVENT, event_action(self, account_id, use.event, use.now)),
        ]
        if activation.franceconnect_sub is not None:  # a verified registration's sub, now for good
            reservation = franceconnect_key(activation.franceconnect_sub)
            actions.append(
                (
                    Part.FRANCECONNECT,
                    self._update_action(reservation, f"REMOVE {TTL_ATTRIBUTE}", same_account, compte=account_id),
                )
            )
        self._transact(actions, {Part.ACTIVATION: lambda item: activation_from(activation.digest, item)})

    def _account_activated(self, account_id: str, moment: str) -> Action:
        return self._update_action(
            account_key(account_id),
            f"SET statut = :actif, active_le = :moment REMOVE {TTL_ATTRIBUTE}, {EXPIRY_SHARD_ATTRIBUTE}",
            "statut = :attente",
            actif=AccountStatus.ACTIVE,
            attente=AccountStatus.PENDING,
            moment=moment,
        )

    def replace_activation_token(self, link: NewActivationLink) -> None:
        """A new link for a pending account still within its time; the old one stops working."""
        log_condition, log_values = sent_log_update(link.log)
        activation = link.activation
        self._transact(
            [
                (Part.OLD_LINK, self._delete_action(activation_key(link.old_digest))),
                (
                    Part.ACTIVATION,
                    self._put_action(
                        activation_key(activation.digest),
                        activation_attributes(activation),
                        activation.expires_at,
                        absent(),
                    ),
                ),
                (
                    Part.ACCOUNT,
                    self._update_action(
                        account_key(activation.account_id),
                        "SET activation_empreinte = :nouvelle, envois_courriel = :journal",
                        f"statut = :attente AND {TTL_ATTRIBUTE} > :now AND activation_empreinte = :ancienne "
                        f"AND {log_condition}",
                        nouvelle=activation.digest,
                        ancienne=link.old_digest,
                        attente=AccountStatus.PENDING,
                        now=to_epoch(link.now),
                        **log_values,
                    ),
                ),
            ]
        )

    # Password reset ("Mot de passe oublié") ------------------------------------------------------

    def issue_reset_token(self, link: NewResetLink) -> None:
        """A password reset link for an active account; an older one stops working."""
        log_condition, log_values = sent_log_update(link.log)
        same_previous, values = _previous_link("reinitialisation_empreinte", link.old_digest)
        reset = link.reset
        actions: NamedActions = []
        if link.old_digest:
            actions.append((Part.OLD_LINK, self._delete_action(reset_key(link.old_digest))))
        actions += [
            (
                Part.RESET,
                self._put_action(reset_key(reset.digest), reset_attributes(reset), reset.expires_at, absent()),
            ),
            (
                Part.ACCOUNT,
                self._update_action(
                    account_key(reset.account_id),
                    "SET reinitialisation_empreinte = :nouvelle, envois_courriel = :journal",
                    f"statut = :actif AND {same_previous} AND {log_condition}",
                    nouvelle=reset.digest,
                    actif=AccountStatus.ACTIVE,
                    **values,
                    **log_values,
                ),
            ),
        ]
        self._transact(actions)

    def get_reset(self, reset_digest: str) -> Reset | None:
        return reset_from(reset_digest, self._get(reset_key(reset_digest)))

    def reset_password(self, done: PasswordReset) -> None:
        """Use the reset link up, set the new password, clear a lockout, end the sessions named and
        revoke the délégations named (each still as read): all or nothing.

        WriteConflict names `reinitialisation` (used or expired meanwhile), `compte` (a newer link
        was asked for) or a délégation's parts (accepted or revoked meanwhile: read again)."""
        reset = done.reset
        account_id, nir = reset.account_id, reset.nir
        update, notice = "REMOVE reinitialisation_empreinte", {}
        if done.notice_at is not None:
            update, notice = f"SET {NOTICE_LOGGED} {update}", notice_log_values(done.notice_at)
        actions: NamedActions = [
            (
                Part.ACCOUNT,
                self._update_action(
                    account_key(account_id),
                    update,
                    "reinitialisation_empreinte = :empreinte",
                    empreinte=reset.digest,
                    **notice,
                ),
            ),
            (
                Part.RESET,
                self._delete_action(
                    reset_key(reset.digest), f"{exists()} AND {TTL_ATTRIBUTE} > :now", now=to_epoch(done.now)
                ),
            ),
            (
                Part.NIR,
                self._update_action(
                    credentials_key(nir),
                    "SET mot_de_passe = :hash",
                    "compte_id = :compte",
                    hash=done.password_hash,
                    compte=account_id,
                ),
            ),
            (Part.ATTEMPTS, self._delete_action(attempts_key(nir))),
            (Part.EVENT, event_action(self, account_id, done.event, done.now)),
        ]
        for revocation in done.revocations:  # "fin_des_delegations": each as DELETE …/delegations/{id} does
            actions += revocation_actions(self, revocation)
        ended = list(done.ended_sessions)
        room = TRANSACTION_LIMIT - len(actions)
        read_back = {Part.RESET: lambda item: reset_from(reset.digest, item)}
        self._transact(actions + ending_sessions(self, account_id, ended, room), read_back)
        end_remaining_sessions(self, account_id, ended, room)

    # Email change ("Mes informations personnelles") ---------------------------------------------

    def issue_email_change_token(self, link: NewEmailChangeLink) -> None:
        """A link to confirm a new address, for an active account whose address is still the
        change's old one; an older link stops working; both emails go in the log; the event.

        WriteConflict names `compte` (another link or email was sent meanwhile, or the address changed)."""
        log_condition, log_values = sent_log_update(link.log)
        same_previous, values = _previous_link("changement_courriel_empreinte", link.old_digest)
        change = link.change
        actions: NamedActions = []
        if link.old_digest:
            actions.append((Part.OLD_LINK, self._delete_action(email_change_key(link.old_digest))))
        actions += [
            (
                Part.EMAIL_CHANGE,
                self._put_action(
                    email_change_key(change.digest), email_change_attributes(change), change.expires_at, absent()
                ),
            ),
            (
                Part.ACCOUNT,
                self._update_action(
                    account_key(change.account_id),
                    "SET changement_courriel_empreinte = :nouvelle, envois_courriel = :journal",
                    f"statut = :actif AND courriel = :courriel AND {same_previous} AND {log_condition}",
                    nouvelle=change.digest,
                    actif=AccountStatus.ACTIVE,
                    courriel=change.old_email,
                    **values,
                    **log_values,
                ),
            ),
            (Part.EVENT, event_action(self, change.account_id, link.event, link.now)),
        ]
        self._transact(actions)

    def get_email_change(self, change_digest: str) -> EmailChange | None:
        return email_change_from(change_digest, self._get(email_change_key(change_digest)))

    def change_email(self, use: EmailChangeUse) -> None:
        """Use the link up and move the account's address and its reservation: the new address is
        reserved if free, the old one freed at once; all or nothing.

        WriteConflict names `changement` (used or expired meanwhile), `compte` (a newer link was
        asked for, or the address changed otherwise) or `courriel` (the new address was taken)."""
        change, epoch = use.change, to_epoch(use.now)
        account_id = change.account_id
        self._transact(
            [
                (
                    Part.EMAIL_CHANGE,
                    self._delete_action(
                        email_change_key(change.digest), f"{exists()} AND {TTL_ATTRIBUTE} > :now", now=epoch
                    ),
                ),
                (
                    Part.ACCOUNT,
                    self._update_action(
                        account_key(account_id),
                        # A confirmed address is a working one: the bounce's mark goes (contract §10).
                        "SET courriel = :nouveau REMOVE changement_courriel_empreinte, courriel_invalide",
                        "changement_courriel_empreinte = :empreinte AND courriel = :ancien",
                        nouveau=change.new_email,
                        empreinte=change.digest,
                        ancien=change.old_email,
                    ),
                ),
                (
                    Part.EMAIL,
                    self._put_action(
                        email_key(change.new_email_key), {"compte_id": account_id}, condition=FREE, now=epoch
                    ),
                ),
                (
                    Part.OLD_EMAIL,
                    self._delete_action(email_key(change.old_email_key), "compte_id = :compte", compte=account_id),
                ),
                (Part.EVENT, event_action(self, account_id, use.event, use.now)),
            ],
            {Part.EMAIL_CHANGE: lambda item: email_change_from(change.digest, item)},
        )
