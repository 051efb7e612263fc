"""A bounce racing the person's own activation (contract §10): the account ends either active, whole,
or released, whole (account, NIR and email reservations, activation token, history), never half of
each. Real threads on the domain; moto serialised to one request at a time (tools/local/emulator.py), so
that its transactions are atomic the way DynamoDB's are."""

import pytest

from chalicelib.domain import activation, email_feedback, identity
from chalicelib.domain.email_feedback import Event, Feedback, MessageKind, Outcome
from chalicelib.domain.errors import DomainError
from chalicelib.store import keys
from tests.helpers.people import make_nir
from tests.helpers.races import RecordingMailer, draft_awaiting_password, password_step, race
from tests.helpers.table import item, partition

ROUNDS = 6


def bounce_of(mailer: RecordingMailer, address: str) -> Feedback:
    return Feedback("ses-id", Event.PERMANENT_BOUNCE, MessageKind.ACTIVATION, mailer.record_ids[-1], (address,))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_bounce_and_the_activation_at_once_leave_the_account_active_or_released_never_half(store, clock, round_):
    nir, address = make_nir(f"1840575123{round_:03d}"), f"personne{round_}@example.fr"
    mailer = RecordingMailer()
    password_step(store, clock, mailer, draft_awaiting_password(store, clock, nir, address))()
    ((_, code),) = mailer.sent
    account_id = mailer.record_ids[-1]

    def activate():
        return activation.activate(store, clock, code)

    def bounce():
        return email_feedback.apply(store, clock, bounce_of(mailer, address))

    activated, bounced = race(activate, bounce) if round_ % 2 else race(bounce, activate)[::-1]
    reservations = [item(keys.credentials_key(nir)), item(keys.email_key(identity.email_key(address)))]
    account = item(keys.account_key(account_id))
    if isinstance(activated, DomainError):  # released first: the activation finds its link gone
        assert bounced == Outcome.APPLIED
        assert account is None and reservations == [None, None]
        assert partition(keys.account_partition(account_id)) == []
    else:  # activated first: the bounce leaves the active account alone
        assert bounced == Outcome.ALREADY_APPLIED
        assert account["statut"]["S"] == "actif"
        assert all(reservation is not None for reservation in reservations)
        assert email_feedback.apply(store, clock, bounce_of(mailer, address)) == Outcome.ALREADY_APPLIED
