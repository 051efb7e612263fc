"""What the domain needs from the world besides the store: the time and a way to send emails.

The clock is a plain callable (chalicelib/clock.py); the mailer is SES in production
(chalicelib/mailer.py) and a recording fake in the tests. Each send raises DeliveryFailed when the
message could not be handed over."""

from datetime import date, datetime
from typing import Protocol

from ..clock import Clock

__all__ = ["Clock", "LinkSender", "Mailer"]


class LinkSender(Protocol):
    """One kind of email with a link: to whom, the link's token and its end, and the id of the record
    it serves (an account, a délégation: SES's feedback names it back, contract §10)."""

    def __call__(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None: ...


class Mailer(Protocol):
    def send_activation(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None: ...

    def send_password_reset(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None: ...

    def send_email_change_link(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None: ...

    def send_email_change_notice(
        self, recipient: str, new_address_masked: str, expires_at: datetime, *, record_id: str
    ) -> None: ...

    def send_account_closed_notice(self, recipient: str, *, record_id: str) -> None:
        """To an account closed because a verified registration took its NIR over (contract §14)."""

    def send_delegation_invitation(
        self,
        recipient: str,
        token: str,
        expires_at: datetime,
        *,
        holder: str,
        scope: str,
        ends_on: date,
        record_id: str,
    ) -> None: ...

    # Notices to the holder (contract §14), without a link.

    def send_delegation_notice(
        self, recipient: str, invited_masked: str, scope: str, ends_on: date, moment: datetime, *, record_id: str
    ) -> None: ...

    def send_password_changed_notice(self, recipient: str, moment: datetime, *, record_id: str) -> None: ...

    def send_password_reset_notice(
        self, recipient: str, moment: datetime, delegations_ended: int, *, record_id: str
    ) -> None: ...
