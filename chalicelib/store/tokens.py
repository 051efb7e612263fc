"""One-time tokens: activation links, password reset links and email change links, stored by their digest.

A token is used up by a conditional write, in the same transaction as its effect. The account item
keeps the digest of its current activation, reset and email change tokens, so that a newer link voids the older,
and the times of the emails it was sent in the last hour (`envois_courriel`), updated on condition
that nobody else sent meanwhile, so that racing requests cannot pass the hourly limit.
"""

from datetime import datetime

from ..clock import to_epoch
from ..domain.states import AccountStatus
from .accounts import FREE
from .base import TRANSACTION_LIMIT, absent, exists
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
    reset_key,
)
from .sessions import SessionRecords


def _sent_log_update(old_log: list[int], new_log: list[int]) -> tuple[str, dict]:
    """The email log changes only if nobody else sent meanwhile (the limit stays exact under races)."""
    condition = "(attribute_not_exists(envois_courriel) OR envois_courriel = :ancien_journal)"
    return condition, {"ancien_journal": old_log, "journal": new_log}


class TokenRecords(SessionRecords):
    def give_back_emails(self, account_id: str, sent_log: list[int], previous_log: list[int]) -> bool:
        """Put the account's email log back as it was before emails that SES did not take, unless
        another email was sent since: the person may try again at once. False when it changed."""
        restored = self._update_if(
            account_key(account_id),
            "SET envois_courriel = :avant",
            "envois_courriel = :journal",
            avant=previous_log,
            journal=sent_log,
        )
        return restored is not None

    # Activation ("Valider son inscription") ----------------------------------------------------------

    def get_activation(self, activation_digest: str) -> dict | None:
        return self._get(activation_key(activation_digest))

    def activate_account(self, *, activation_digest: str, activation: dict, event: dict, now: datetime) -> None:
        """Use the activation token up and make the account and its reservations permanent.

        WriteConflict names `activation` (already used, or expired) or the account's records."""
        account_id = activation["compte_id"]
        epoch = to_epoch(now)
        same_account = "compte_id = :compte"
        self._transact(
            [
                (
                    "activation",
                    self._update_action(
                        activation_key(activation_digest),
                        "SET utilise_le = :now",
                        f"{exists()} AND attribute_not_exists(utilise_le) AND {TTL_ATTRIBUTE} > :now",
                        now=epoch,
                    ),
                ),
                (
                    "nir",
                    self._update_action(
                        credentials_key(activation["nir"]),
                        f"SET statut = :actif REMOVE {TTL_ATTRIBUTE}",
                        same_account,
                        actif=AccountStatus.ACTIVE,
                        compte=account_id,
                    ),
                ),
                (
                    "courriel",
                    self._update_action(
                        email_key(activation["courriel_cle"]),
                        f"REMOVE {TTL_ATTRIBUTE}",
                        same_account,
                        compte=account_id,
                    ),
                ),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        f"SET statut = :actif, active_le = :moment REMOVE {TTL_ATTRIBUTE}, {EXPIRY_SHARD_ATTRIBUTE}",
                        "statut = :attente",
                        actif=AccountStatus.ACTIVE,
                        attente=AccountStatus.PENDING,
                        moment=event["date"],
                    ),
                ),
                (
                    "evenement_inscription",
                    self._update_action(
                        event_key(account_id, activation["evenement_inscription"]), f"REMOVE {TTL_ATTRIBUTE}", exists()
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )

    def replace_activation_token(
        self,
        *,
        account_id: str,
        old_digest: str,
        new_digest: str,
        activation: dict,
        expires: datetime,
        old_log: list[int],
        new_log: list[int],
        now: datetime,
    ) -> None:
        """A new link for a pending account still within its time; the old one stops working."""
        log_condition, log_values = _sent_log_update(old_log, new_log)
        self._transact(
            [
                ("ancienne", self._delete_action(activation_key(old_digest))),
                ("activation", self._put_action(activation_key(new_digest), activation, expires, absent())),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        "SET activation_empreinte = :nouvelle, envois_courriel = :journal",
                        f"statut = :attente AND {TTL_ATTRIBUTE} > :now AND activation_empreinte = :ancienne "
                        f"AND {log_condition}",
                        nouvelle=new_digest,
                        ancienne=old_digest,
                        attente=AccountStatus.PENDING,
                        now=to_epoch(now),
                        **log_values,
                    ),
                ),
            ]
        )

    # Password reset ("Mot de passe oublié") ------------------------------------------------------

    def issue_reset_token(
        self,
        *,
        account_id: str,
        old_digest: str | None,
        new_digest: str,
        reset: dict,
        expires: datetime,
        old_log: list[int],
        new_log: list[int],
    ) -> None:
        """A password reset link for an active account; an older one stops working."""
        log_condition, log_values = _sent_log_update(old_log, new_log)
        actions = []
        if old_digest:
            actions.append(("ancienne", self._delete_action(reset_key(old_digest))))
        same_previous = (
            "reinitialisation_empreinte = :ancienne"
            if old_digest
            else "attribute_not_exists(reinitialisation_empreinte)"
        )
        values = {"ancienne": old_digest} if old_digest else {}
        actions += [
            ("reinitialisation", self._put_action(reset_key(new_digest), reset, expires, absent())),
            (
                "compte",
                self._update_action(
                    account_key(account_id),
                    "SET reinitialisation_empreinte = :nouvelle, envois_courriel = :journal",
                    f"statut = :actif AND {same_previous} AND {log_condition}",
                    nouvelle=new_digest,
                    actif=AccountStatus.ACTIVE,
                    **values,
                    **log_values,
                ),
            ),
        ]
        self._transact(actions)

    def get_reset(self, reset_digest: str) -> dict | None:
        return self._get(reset_key(reset_digest))

    def reset_password(
        self,
        *,
        reset_digest: str,
        reset: dict,
        password_hash: str,
        event: dict,
        now: datetime,
        ended_sessions: list[str] = (),
    ) -> None:
        """Use the reset link up, set the new password, clear a lockout and end the sessions named:
        all or nothing.

        WriteConflict names `reinitialisation` (used or expired meanwhile) or `compte` (a newer link
        was asked for)."""
        account_id, nir = reset["compte_id"], reset["nir"]
        actions = [
            (
                "compte",
                self._update_action(
                    account_key(account_id),
                    "REMOVE reinitialisation_empreinte",
                    "reinitialisation_empreinte = :empreinte",
                    empreinte=reset_digest,
                ),
            ),
            (
                "reinitialisation",
                self._delete_action(
                    reset_key(reset_digest), f"{exists()} AND {TTL_ATTRIBUTE} > :now", now=to_epoch(now)
                ),
            ),
            (
                "identifiants",
                self._update_action(
                    credentials_key(nir),
                    "SET mot_de_passe = :hash",
                    "compte_id = :compte",
                    hash=password_hash,
                    compte=account_id,
                ),
            ),
            ("tentatives", self._delete_action(attempts_key(nir))),
            ("evenement", self._event_action(account_id, event, now)),
        ]
        room = TRANSACTION_LIMIT - len(actions)
        self._transact(actions + self._ending_sessions(account_id, list(ended_sessions), room))
        self._end_remaining_sessions(account_id, list(ended_sessions), room)

    # Email change ("Mes informations personnelles") ---------------------------------------------

    def issue_email_change_token(
        self,
        *,
        account_id: str,
        current_email: str,
        old_digest: str | None,
        new_digest: str,
        change: dict,
        expires: datetime,
        old_log: list[int],
        new_log: list[int],
        event: dict,
        now: datetime,
    ) -> None:
        """A link to confirm a new address, for an active account whose address is still
        `current_email`; an older link stops working; both emails go in the log; the event.

        WriteConflict names `compte` (another link or email was sent meanwhile, or the address changed)."""
        log_condition, log_values = _sent_log_update(old_log, new_log)
        actions = []
        if old_digest:
            actions.append(("ancien", self._delete_action(email_change_key(old_digest))))
        same_previous = (
            "changement_courriel_empreinte = :ancienne"
            if old_digest
            else "attribute_not_exists(changement_courriel_empreinte)"
        )
        values = {"ancienne": old_digest} if old_digest else {}
        actions += [
            ("changement", self._put_action(email_change_key(new_digest), change, expires, absent())),
            (
                "compte",
                self._update_action(
                    account_key(account_id),
                    "SET changement_courriel_empreinte = :nouvelle, envois_courriel = :journal",
                    f"statut = :actif AND courriel = :courriel AND {same_previous} AND {log_condition}",
                    nouvelle=new_digest,
                    actif=AccountStatus.ACTIVE,
                    courriel=current_email,
                    **values,
                    **log_values,
                ),
            ),
            ("evenement", self._event_action(account_id, event, now)),
        ]
        self._transact(actions)

    def get_email_change(self, change_digest: str) -> dict | None:
        return self._get(email_change_key(change_digest))

    def change_email(self, *, change_digest: str, change: dict, event: dict, now: datetime) -> None:
        """Use the link up and move the account's address and its reservation: the new address is
        reserved if free, the old one freed at once; all or nothing.

        WriteConflict names `changement` (used or expired meanwhile), `compte` (a newer link was
        asked for, or the address changed otherwise) or `courriel` (the new address was taken)."""
        account_id = change["compte_id"]
        epoch = to_epoch(now)
        self._transact(
            [
                (
                    "changement",
                    self._delete_action(
                        email_change_key(change_digest), f"{exists()} AND {TTL_ATTRIBUTE} > :now", now=epoch
                    ),
                ),
                (
                    "compte",
                    self._update_action(
                        account_key(account_id),
                        # A confirmed address is a working one: the bounce's mark goes (contract §10).
                        "SET courriel = :nouveau REMOVE changement_courriel_empreinte, courriel_invalide",
                        "changement_courriel_empreinte = :empreinte AND courriel = :ancien",
                        nouveau=change["courriel"],
                        empreinte=change_digest,
                        ancien=change["ancien_courriel"],
                    ),
                ),
                (
                    "courriel",
                    self._put_action(
                        email_key(change["courriel_cle"]), {"compte_id": account_id}, condition=FREE, now=epoch
                    ),
                ),
                (
                    "ancien_courriel",
                    self._delete_action(
                        email_key(change["ancien_courriel_cle"]), "compte_id = :compte", compte=account_id
                    ),
                ),
                ("evenement", self._event_action(account_id, event, now)),
            ]
        )
