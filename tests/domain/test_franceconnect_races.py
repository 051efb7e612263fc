"""FranceConnect's return under races, with real threads (tests/helpers/races.py): a state is used
once whatever the number of tabs sending it; one identity verifies one account."""

from chalicelib import dependencies
from chalicelib.domain import sessions
from chalicelib.domain.franceconnect import paths
from chalicelib.domain.franceconnect.state import Path
from tests.helpers.oidc_provider import JEAN
from tests.helpers.people import OTHER_PERSON
from tests.helpers.races import CONTENDERS, race


def holder_session(journey, **person) -> sessions.Session:
    ticket = sessions.ticket(journey.active_account(**person))
    return sessions.Session(ticket.digest, ticket.account_id, ticket.rights_id)


def returning(session, code, state):
    def attempt():
        return paths.complete(
            dependencies.store(),
            dependencies.franceconnect(),
            dependencies.sealer(),
            dependencies.clock(),
            code=code,
            state_value=state,
            authenticate=lambda: session,
            session_limits=(1800, 43200),
        )

    return attempt


def start(session):
    return paths.start_verification(dependencies.franceconnect(), dependencies.sealer(), dependencies.clock(), session)


def test_one_state_sent_by_many_tabs_at_once_verifies_once(journey, franceconnect):
    session = holder_session(journey)
    code, state = franceconnect.authorize(start(session))
    results = race(*[returning(session, code, state)] * CONTENDERS)
    verified = [result for result in results if isinstance(result, tuple)]
    assert len(verified) == 1 and verified[0][0] == Path.VERIFICATION
    assert sorted(getattr(result, "code", "") for result in results if result not in verified) == ["etat_invalide"] * (
        CONTENDERS - 1
    )
    assert franceconnect.requests.count("POST /franceconnect/token") == 1  # the state is spent first


def test_one_identity_verifying_two_accounts_at_once_verifies_one(journey, franceconnect):
    jean = holder_session(journey)
    twin = holder_session(journey, **{**OTHER_PERSON, "nir": make_twin_nir()})
    attempts = []
    for session in (jean, twin):
        code, state = franceconnect.authorize(start(session), JEAN)
        attempts.append(returning(session, code, state))
    results = race(*attempts)
    assert sorted(type(result).__name__ if not isinstance(result, tuple) else "ok" for result in results) == [
        "Conflict",
        "ok",
    ]
    assert [result.code for result in results if not isinstance(result, tuple)] == ["identite_deja_utilisee"]


def make_twin_nir() -> str:
    """Another NIR Jean's pivot identity agrees with (another order number): the second of two
    accounts his identity could verify."""
    from tests.helpers.people import make_nir

    return make_nir("1840575123457")
