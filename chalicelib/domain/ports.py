"""What the domain needs from the world besides the store: the time and a way to send emails.

The clock is a plain callable (chalicelib/clock.py); the mailer is SES in production
(chalicelib/mailer.py) and a recording fake in the tests. Each send raises DeliveryFailed when the
message could not be handed over."""

from datetime import date, datetime
from typing import Protocol

from ..clock import Clock

__all__ = ["Clock", "Mailer"]


class Mailer(Protocol):
    def send_activation(self, recipient: str, token: str, expires_at: datetime) -> None: ...

    def send_password_reset(self, recipient: str, token: str, expires_at: datetime) -> None: ...

    def send_email_change_link(self, recipient: str, token: str, expires_at: datetime) -> None: ...

    def send_email_change_notice(self, recipient: str, new_address_masked: str, expires_at: datetime) -> None: ...

    def send_delegation_invitation(
        self, recipient: str, token: str, expires_at: datetime, *, holder: str, scope: str, ends_on: date
    ) -> None: ...
