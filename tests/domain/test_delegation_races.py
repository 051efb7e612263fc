"""Races on délégations and on the email change, at the domain level with real threads on the
emulator, which serves one request at a time (tools/local/emulator.py): the conditional writes decide, and
exactly one of the contenders wins."""

import threading

import boto3
import pytest

from chalicelib import dependencies
from chalicelib.domain import (
    activation,
    captchas,
    delegations,
    dossiers,
    email_change,
    hours,
    recovery,
    registration,
    sessions,
    tokens,
)
from chalicelib.domain.errors import DomainError
from chalicelib.store import Store
from tests.helpers.clock import FixedClock
from tests.helpers.people import NIR, OTHER_NIR, PASSWORD, make_nir
from tests.helpers.races import race, ticket_of
from tests.helpers.verification import verify_identity

CONTENDERS = 6
THIRD_NIR = make_nir("1750799123456")


class Mailer:
    """Keeps every email's link, by kind and recipient."""

    def __init__(self):
        self.sent: list[tuple[str, str, str | None]] = []
        self._lock = threading.Lock()

    def _keep(self, kind, recipient, token=None):
        with self._lock:
            self.sent.append((kind, recipient, token))

    def send_activation(self, recipient, token, expires_at, *, record_id):
        self._keep("activation", recipient, token)

    def send_delegation_invitation(self, recipient, token, expires_at, **_):
        self._keep("invitation", recipient, token)

    def send_email_change_link(self, recipient, token, expires_at, *, record_id):
        self._keep("courriel", recipient, token)

    def send_email_change_notice(self, recipient, masked, expires_at, *, record_id):
        self._keep("avis", recipient)

    def send_password_reset(self, recipient, token, expires_at, *, record_id):
        self._keep("reinitialisation", recipient, token)

    def send_delegation_notice(self, recipient, invited_masked, scope, ends_on, moment, *, record_id):
        self._keep("avis_delegation", recipient)

    def send_password_reset_notice(self, recipient, moment, delegations_ended, *, record_id):
        self._keep(f"avis_reinitialisation_{delegations_ended}", recipient)

    def last(self, kind, recipient) -> str:
        return [token for k, r, token in self.sent if (k, r) == (kind, recipient)][-1]


@pytest.fixture
def store(aws):
    return Store(boto3.client("dynamodb"), "mon-compte-formation")


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def mailer():
    return Mailer()


def active_account(store, clock, mailer, nir, courriel, prenom) -> sessions.Session:
    sealer = dependencies.sealer()
    draft = registration.start(
        clock, ttl_seconds=3600, current_cgu_version="v1", accepted=True, version="v1", sealer=sealer
    )
    captcha = captchas.create(clock, 600, sealer, fixed_answer="AE23HJ")
    person = registration.Identity(nir=nir, civilite="M", nom_naissance="Dupont", courriel=courriel, prenom=prenom)
    registration.submit_identity(store, clock, draft.id, person, captcha.id, "ae23hj", sealer)
    registration.submit_password(
        store,
        mailer,
        clock,
        draft_id=draft.id,
        password=PASSWORD,
        confirmation=PASSWORD,
        policy="cpf-2015",
        activation_ttl_seconds=15 * 86400,
        sealer=sealer,
    )
    activation.activate(store, clock, mailer.last("activation", courriel))
    credentials = store.get_login_records(nir).credentials
    return sessions.Session("une-session", credentials.account_id, tokens.new_id())


@pytest.fixture
def jean(store, clock, mailer):
    return active_account(store, clock, mailer, NIR, "jean@example.fr", "Jean")


@pytest.fixture
def marie(store, clock, mailer, jean):
    account = active_account(store, clock, mailer, OTHER_NIR, "marie@example.fr", "Marie")
    clock.advance(hours=1)  # the registration emails leave the hour's allowance
    return account


def successes(results) -> list:
    return [result for result in results if not isinstance(result, DomainError)]


def refusal_codes(results) -> set[str]:
    return {result.code for result in results if isinstance(result, DomainError)}


def grant(store, mailer, clock, holder: sessions.Ticket, courriel, portee="consultation"):
    """As the route grants: the holder's token (a ticket) and the password given again."""
    return delegations.grant(
        store,
        mailer,
        clock,
        holder,
        courriel=courriel,
        portee=portee,
        fin=None,
        password=PASSWORD,
        invitation_ttl_seconds=15 * 86400,
        idle_seconds=1800,
        lockout_threshold=5,
        lockout_seconds=900,
    )


def test_an_invitation_accepted_many_times_at_once_is_accepted_once(store, clock, mailer, jean, marie):
    grant(store, mailer, clock, ticket_of(store, clock), "marie@example.fr")
    code = mailer.last("invitation", "marie@example.fr")
    results = race(*(lambda: delegations.accept(store, clock, marie, code) for _ in range(CONTENDERS)))
    assert len(successes(results)) == 1
    assert refusal_codes(results) == {"code_invalide"}
    assert len(delegations.list_delegated(store, clock, marie)) == 1
    history = store.history_page(jean.account_id, None, 50).events
    assert [event.type for event in history].count("delegation_acceptee") == 1


def test_an_acceptance_racing_the_revocation_never_leaves_the_delegate_a_way_in(store, clock, mailer, jean, marie):
    for _ in range(3):  # whoever wins, the end is the same
        delegation = grant(store, mailer, clock, ticket_of(store, clock), "marie@example.fr").delegation.delegation.id
        code = mailer.last("invitation", "marie@example.fr")
        race(
            lambda c=code: delegations.accept(store, clock, marie, c),
            lambda d=delegation: delegations.revoke(store, clock, jean, d),
        )
        statuses = {d.delegation.id: d.status for d in delegations.list_granted(store, clock, jean)}
        assert statuses[delegation] == "revoquee"
        assert delegations.list_delegated(store, clock, marie) == []
        marie_s_ticket = ticket_of(store, clock, OTHER_NIR)
        with pytest.raises(DomainError) as refused:
            delegations.delegated_synthesis(store, clock, marie_s_ticket, delegation, idle_seconds=1800)
        assert refused.value.code == "delegation_introuvable"
        clock.advance(hours=1)  # the hour's email allowance


def test_one_invitation_submitted_many_times_at_once_gives_one_delegation(store, clock, mailer, jean, marie):
    holder = ticket_of(store, clock)
    results = race(*(lambda: grant(store, mailer, clock, holder, "marie@example.fr") for _ in range(CONTENDERS)))
    assert len(successes(results)) == 1
    assert refusal_codes(results) <= {"delegation_existante", "demande_concurrente"}
    assert len(delegations.list_granted(store, clock, jean)) == 1
    assert [kind for kind, _, _ in mailer.sent].count("invitation") == 1


def test_invitations_racing_for_the_last_of_five_places_give_one(store, clock, mailer, jean, marie):
    for n in range(4):  # an invitation and its notice an hour
        grant(store, mailer, clock, ticket_of(store, clock), f"conseiller{n}@example.fr")
        clock.advance(hours=1)
    holder = ticket_of(store, clock)
    results = race(*(lambda n=n: grant(store, mailer, clock, holder, f"autre{n}@example.fr") for n in range(3)))
    assert len(successes(results)) == 1
    assert refusal_codes(results) <= {"delegations_trop_nombreuses", "demande_concurrente"}
    assert sum(d.status == "en_attente" for d in delegations.list_granted(store, clock, jean)) == 5


def test_a_revocation_between_the_delegate_s_read_and_write_refuses_the_dossier(store, clock, mailer, jean, marie):
    """Revocation takes effect at once: the dossier is written on condition that the delegation is
    still active at that very instant, not when it was read."""
    hours.set_dif(store, clock, jean.account_id, 40, jean.rights_id)
    verify_identity(NIR)  # `gestion` needs it
    granted = grant(store, mailer, clock, ticket_of(store, clock), "marie@example.fr", "gestion")
    delegation = granted.delegation.delegation.id
    delegations.accept(store, clock, marie, mailer.last("invitation", "marie@example.fr"))

    class RevokedRightAfterTheRead:
        def __getattr__(self, name):
            return getattr(store, name)

        def get_session_and_delegation(self, session_digest, delegation_id):
            found = store.get_session_and_delegation(session_digest, delegation_id)
            delegations.revoke(store, clock, jean, delegation_id)
            return found

    new = dossiers.NewDossier("Comptabilité", "Institut", 20)
    marie_s_ticket = ticket_of(store, clock, OTHER_NIR)
    with pytest.raises(DomainError) as refused:
        delegations.create_dossier(
            RevokedRightAfterTheRead(), clock, marie_s_ticket, delegation, new, idle_seconds=1800
        )
    assert refused.value.code == "delegation_introuvable"
    assert dossiers.list_all(store, jean.account_id) == []


def change(store, mailer, clock, person, courriel):
    return email_change.request_change(
        store,
        mailer,
        clock,
        person,
        courriel=courriel,
        password=PASSWORD,
        ttl_seconds=3600,
        lockout_threshold=5,
        lockout_seconds=900,
    )


def test_two_accounts_confirming_a_change_to_the_same_address_at_once_one_wins(store, clock, mailer, jean, marie):
    paul = active_account(store, clock, mailer, THIRD_NIR, "paul@example.fr", "Paul")
    clock.advance(hours=1)
    contenders = (jean, marie, paul)
    codes = []
    for person in contenders:
        change(store, mailer, clock, person, "convoitee@example.fr")
        codes.append(mailer.last("courriel", "convoitee@example.fr"))
    results = race(*(lambda code=code: email_change.confirm_change(store, clock, code) for code in codes))
    assert len(successes(results)) == 1
    assert refusal_codes(results) == {"courriel_deja_utilise"}
    winner = next(
        person for person, result in zip(contenders, results, strict=True) if result == "convoitee@example.fr"
    )
    _, _, holder = store.get_login_records_and_reservation(NIR, "convoitee@example.fr")
    assert holder.account_id == winner.account_id
    original = {
        jean.account_id: "jean@example.fr",
        marie.account_id: "marie@example.fr",
        paul.account_id: "paul@example.fr",
    }
    for person in contenders:  # the losers keep their address, and its reservation
        kept = "convoitee@example.fr" if person is winner else original[person.account_id]
        assert store.get_account(person.account_id).courriel == kept


def test_a_change_link_opened_many_times_at_once_changes_the_address_once(store, clock, mailer, jean, marie):
    change(store, mailer, clock, jean, "nouvelle@example.fr")
    code = mailer.last("courriel", "nouvelle@example.fr")
    results = race(*(lambda: email_change.confirm_change(store, clock, code) for _ in range(CONTENDERS)))
    assert len(successes(results)) == 1
    assert refusal_codes(results) == {"code_invalide"}
    history = store.history_page(jean.account_id, None, 50).events
    assert [event.type for event in history].count("courriel") == 1


# The reset's "fin_des_delegations" (contract §14) ------------------------------------------------------


def reset_link(store, mailer, clock) -> str:
    recovery.request_reset(store, mailer, clock, nir=NIR, courriel="jean@example.fr", ttl_seconds=3600)
    return mailer.last("reinitialisation", "jean@example.fr")


def reset_ending_delegations(store, mailer, clock, code):
    """The reset with `fin_des_delegations` (the password stays the same one, so that the test can log
    in again)."""
    recovery.reset_password(
        store,
        mailer,
        clock,
        code=code,
        password=PASSWORD,
        confirmation=PASSWORD,
        policy="cpf-2015",
        end_delegations=True,
    )


def test_a_reset_ending_the_delegations_racing_an_acceptance_leaves_nothing_half_done(
    store, clock, mailer, jean, marie
):
    for _ in range(3):  # whoever wins, the end is the same: the reset done, the délégation revoked
        delegation = grant(store, mailer, clock, ticket_of(store, clock), "marie@example.fr").delegation.delegation.id
        code, reset = mailer.last("invitation", "marie@example.fr"), reset_link(store, mailer, clock)
        results = race(
            lambda c=code: delegations.accept(store, clock, marie, c),
            lambda r=reset: reset_ending_delegations(store, mailer, clock, r),
        )
        assert results[1] is None, results  # the reset never fails for the acceptance
        statuses = {d.delegation.id: d.status for d in delegations.list_granted(store, clock, jean)}
        assert statuses[delegation] == "revoquee"
        assert delegations.list_delegated(store, clock, marie) == []  # no pointer left
        history = [event.type for event in store.history_page(jean.account_id, None, 50).events]
        assert history.count("delegation_revoquee") == len(statuses)  # each revoked once
        clock.advance(hours=1)  # the hour's email allowance


def test_an_acceptance_between_the_reset_s_read_and_write_is_revoked_too(store, clock, mailer, jean, marie):
    """The reset's transaction is conditional on each délégation as read: an acceptance in between
    fails it whole (nothing written), and the reset reads again and revokes the now active one."""
    delegation = grant(store, mailer, clock, ticket_of(store, clock), "marie@example.fr").delegation.delegation.id
    code, reset = mailer.last("invitation", "marie@example.fr"), reset_link(store, mailer, clock)
    accepted = []

    class AcceptedRightAfterTheRead:
        def __getattr__(self, name):
            return getattr(store, name)

        def get_account_and_delegations(self, account_id):
            found = store.get_account_and_delegations(account_id)
            if not accepted:
                accepted.append(delegations.accept(store, clock, marie, code))
            return found

    reset_ending_delegations(AcceptedRightAfterTheRead(), mailer, clock, reset)
    assert accepted
    (seen,) = delegations.list_granted(store, clock, jean)
    assert (seen.delegation.id, seen.status) == (delegation, "revoquee")
    assert seen.delegation.accepted_at is not None  # accepted, then revoked by the reset's second attempt
    assert delegations.list_delegated(store, clock, marie) == []
    history = [event.type for event in store.history_page(jean.account_id, None, 50).events]
    assert history.count("delegation_revoquee") == 1
    assert history.count("mot_de_passe_reinitialise") == 1
    assert ("avis_reinitialisation_1", "jean@example.fr", None) in mailer.sent
