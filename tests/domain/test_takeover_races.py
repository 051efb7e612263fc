"""A verified registration taking a NIR over (contract §14) while other writes meet it.

Two verified registrations for one NIR race with real threads (tests/helpers/races.py). The other
races are a write let in at the worst moment, between the takeover's reads and its transaction (a
store whose `get_holding` runs it after reading): the squatter logging in, activating its pending
account, a delegate accepting one of its invitations; and a login whose reads come before the
takeover and whose transaction comes after.
"""

import pytest

from chalicelib import dependencies
from chalicelib.domain import activation, registration, sessions
from chalicelib.domain.delegations import accepting
from chalicelib.domain.errors import Conflict, Unauthenticated
from chalicelib.store import keys
from chalicelib.store.accounts import AccountRecords
from chalicelib.store.registrations import RegistrationRecords
from tests.api.test_delegations_api import grant, invitation_code
from tests.api.test_franceconnect_takeover import JEAN_PASSWORD, SQUATTER, verified_draft
from tests.helpers import table
from tests.helpers.accounts import MARIE, open_accounts
from tests.helpers.api import bearer
from tests.helpers.oidc_provider import JEAN
from tests.helpers.people import NIR, PASSWORD
from tests.helpers.races import RecordingMailer, race

LIMITS = {"idle_seconds": 1800, "max_seconds": 43200, "lockout_threshold": 5, "lockout_seconds": 900}


class Mailer(RecordingMailer):
    def send_account_closed_notice(self, recipient, *, record_id):
        self.sent.append((recipient, "fermeture"))


def password_step(draft_id, mailer=None):
    return lambda: registration.submit_password(
        dependencies.store(),
        mailer or Mailer(),
        dependencies.clock(),
        draft_id=draft_id,
        password=JEAN_PASSWORD,
        confirmation=JEAN_PASSWORD,
        policy="cpf-2015",
        activation_ttl_seconds=15 * 86400,
        sealer=dependencies.sealer(),
    )


def squatter_logs_in() -> str:
    return sessions.log_in(dependencies.store(), dependencies.clock(), nir=NIR, password=PASSWORD, **LIMITS).token


@pytest.fixture
def between_reads_and_write(monkeypatch):
    """`between_reads_and_write(action)`: the next takeover runs `action` right after its reads."""

    def arrange(action):
        original, pending = RegistrationRecords.get_holding, [action]

        def get_holding(self, nir):
            found = original(self, nir)
            if pending:
                pending.pop()()
            return found

        monkeypatch.setattr(RegistrationRecords, "get_holding", get_holding)

    return arrange


def holds_the_nir(account_id: str) -> bool:
    return table.account_id_of(NIR) == account_id


def test_two_verified_registrations_at_once_give_one_holder(api, franceconnect, journey):
    journey.register(**SQUATTER)
    squatter = table.account_id_of(NIR)
    twin = {**JEAN, "sub": "sub-jean-bis"}  # another FranceConnect identity that agrees with the NIR
    drafts = [verified_draft(api, franceconnect, journey), verified_draft(api, franceconnect, journey, twin)]
    results = race(*[password_step(draft) for draft in drafts])
    refused = [result for result in results if isinstance(result, Exception)]
    assert [refusal.code for refusal in refused] == ["nir_deja_inscrit"], results
    assert not holds_the_nir(squatter)
    assert table.record(keys.account_key(squatter))["statut"] == "clos"


def test_a_login_of_the_squatter_between_the_reads_and_the_write_does_not_survive(
    api, franceconnect, journey, clock, between_reads_and_write
):
    open_accounts(journey, clock, SQUATTER)
    draft = verified_draft(api, franceconnect, journey)
    opened = []
    between_reads_and_write(lambda: opened.append(squatter_logs_in()))
    password_step(draft)()
    assert opened, "the squatter logged in between"
    assert api.get("/titulaire", headers=bearer(opened[0])).status == 401  # its session was ended too


def test_a_login_read_before_the_takeover_and_written_after_it_fails(api, franceconnect, journey, clock, monkeypatch):
    open_accounts(journey, clock, SQUATTER)
    squatter = table.account_id_of(NIR)
    draft = verified_draft(api, franceconnect, journey)
    original = AccountRecords.get_login_records

    def get_login_records(self, nir):
        found = original(self, nir)
        password_step(draft)()  # the takeover lands after the login's reads
        return found

    monkeypatch.setattr(AccountRecords, "get_login_records", get_login_records)
    with pytest.raises(Unauthenticated) as refused:
        squatter_logs_in()
    assert refused.value.code == "identifiants_invalides"
    assert table.partition(keys.account_partition(squatter), "SESSION#") == []


def test_the_squatter_activating_its_account_meanwhile_is_closed_all_the_same(
    api, franceconnect, journey, between_reads_and_write
):
    code = journey.register(**SQUATTER)
    squatter = table.account_id_of(NIR)
    draft = verified_draft(api, franceconnect, journey)
    between_reads_and_write(lambda: activation.activate(dependencies.store(), dependencies.clock(), code))
    password_step(draft)()
    assert table.record(keys.account_key(squatter))["statut"] == "clos"
    assert not holds_the_nir(squatter)


def test_a_delegate_accepting_an_invitation_of_the_squatter_meanwhile_loses_it(
    api, franceconnect, journey, clock, sent_emails, between_reads_and_write
):
    squatter, marie = open_accounts(journey, clock, SQUATTER, MARIE)
    granted = grant(squatter, marie.courriel)
    assert granted.status == 201, granted.body
    code = invitation_code(sent_emails, marie.courriel)
    ticket = sessions.ticket(marie.token)
    session = sessions.Session(ticket.digest, ticket.account_id, ticket.rights_id)
    draft = verified_draft(api, franceconnect, journey)
    between_reads_and_write(lambda: accepting.accept(dependencies.store(), dependencies.clock(), session, code))
    password_step(draft)()
    delegation = granted.body["id"]
    assert marie.get(f"/titulaire/comptes-delegues/{delegation}").status == 404
    assert marie.get("/titulaire/comptes-delegues").body["comptes"] == []
    assert table.record(keys.delegation_key(delegation))["statut"] == "revoquee"


def test_a_takeover_that_keeps_meeting_logins_gives_up_and_changes_nothing(
    api, franceconnect, journey, clock, monkeypatch
):
    open_accounts(journey, clock, SQUATTER)
    squatter = table.account_id_of(NIR)
    draft = verified_draft(api, franceconnect, journey)
    original = RegistrationRecords.get_holding

    def get_holding(self, nir):  # a login after every read
        found = original(self, nir)
        squatter_logs_in()
        return found

    monkeypatch.setattr(RegistrationRecords, "get_holding", get_holding)
    with pytest.raises(Conflict) as refused:
        password_step(draft)()
    assert refused.value.code == "demande_concurrente"
    assert holds_the_nir(squatter)
    assert table.record(keys.account_key(squatter))["statut"] == "actif"
