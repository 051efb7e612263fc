"""What a bounce or a complaint changes (chalicelib/domain/email_feedback.py): the mark on an
account's address, a voided email change, a délégation whose invitation bounced. (An activation's
bounce releases the pending account with the cleanup's own deletion, store/expiry.py.)

Each write is conditional on the record still being as the domain read it, so a repeated
notification, or one racing the person's own request, changes nothing more: False then.
"""

from typing import Any

from ..domain.errors import Part, WriteConflict
from ..domain.states import AccountStatus, DelegationStatus
from .base import TableAccess, exists
from .keys import account_key, delegation_key, email_change_key, holder_delegation_key, invitation_key

# The account's mark: set by a bounce or a complaint, removed by a confirmed email change (store/tokens.py).
EMAIL_INVALID_ATTRIBUTE = "courriel_invalide"


class EmailFeedbackRecords(TableAccess):
    def mark_email_invalid(self, account_id: str, address: str) -> bool:
        """Mark an active account whose address is still `address`."""
        marked = self._update_if(
            account_key(account_id),
            f"SET {EMAIL_INVALID_ATTRIBUTE} = :vrai",
            f"statut = :actif AND courriel = :courriel AND attribute_not_exists({EMAIL_INVALID_ATTRIBUTE})",
            vrai=True,
            actif=AccountStatus.ACTIVE,
            courriel=address,
        )
        return marked is not None

    def void_email_change(self, account_id: str, change_digest: str) -> bool:
        """The pending change's link is deleted (its code then answers 404 code_invalide) and the
        account forgets it, unless a newer request replaced it or it was used meanwhile."""
        try:
            self._transact(
                [
                    (Part.EMAIL_CHANGE, self._delete_action(email_change_key(change_digest), exists())),
                    (
                        Part.ACCOUNT,
                        self._update_action(
                            account_key(account_id),
                            "REMOVE changement_courriel_empreinte",
                            "changement_courriel_empreinte = :empreinte",
                            empreinte=change_digest,
                        ),
                    ),
                ]
            )
        except WriteConflict:
            return False
        return True

    def invalidate_invitation(
        self, *, delegation_id: str, holder_id: str, invitation_digest: str | None, moment: str
    ) -> bool:
        """A pending délégation becomes `courriel_invalide` (and its holder's copy with it); its link
        answers "expired", as a revoked one's."""
        values: dict[str, Any] = {
            "invalide": DelegationStatus.EMAIL_INVALID,
            "attente": DelegationStatus.PENDING,
            "moment": moment,
            "titulaire": holder_id,
        }
        update = "SET statut = :invalide, courriel_invalide_le = :moment"
        pending = "titulaire_id = :titulaire AND statut = :attente"
        actions = [
            (Part.DELEGATION, self._update_action(delegation_key(delegation_id), update, pending, **values)),
            (
                Part.COPY,
                self._update_action(holder_delegation_key(holder_id, delegation_id), update, pending, **values),
            ),
        ]
        if invitation_digest:
            key = invitation_key(invitation_digest)
            invitation = self._update_action(key, "SET revoquee = :vrai", exists(), vrai=True)
            actions.append((Part.INVITATION, invitation))
        try:
            self._transact(actions)
        except WriteConflict:
            return False  # accepted, revoked or invalidated meanwhile
        return True
