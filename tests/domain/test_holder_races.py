"""Races in the holder space, at the domain level with real threads (tests/helpers/races.py says why
the emulator is serialized): the conditional transactions decide, exactly one wins."""

import pytest

from chalicelib.api.answers import HoursStatement
from chalicelib.domain import dossiers, hours
from chalicelib.domain.errors import DomainError
from tests.helpers.races import CONTENDERS, activated_account, race, refusal_codes, ticket_of


@pytest.fixture
def account_id(store, clock):
    return activated_account(store, clock)


@pytest.fixture
def ticket(store, clock, account_id):
    return ticket_of(store, clock)


def validate(store, clock, ticket, dossier):
    return dossiers.validate(store, clock, ticket, dossier, idle_seconds=1800)


def close(store, clock, ticket, dossier):
    return dossiers.close(store, clock, ticket, dossier, idle_seconds=1800)


def statement_of(store, ticket) -> dict:
    """ "Mon compte d'heures" as the API answers it."""
    return HoursStatement.of(hours.statement(store, ticket.rights_id)).model_dump()


def new_dossier(store, clock, ticket, heures):
    new = dossiers.NewDossier("Anglais", "Centre", heures)
    return dossiers.create(store, clock, ticket.account_id, new, ticket.rights_id).id


def test_validations_racing_for_the_same_free_hours_give_exactly_one_success(store, clock, account_id, ticket):
    hours.set_dif(store, clock, account_id, 50, ticket.rights_id)
    contenders = [new_dossier(store, clock, ticket, 30) for _ in range(CONTENDERS)]
    results = race(*(lambda d=d: validate(store, clock, ticket, d) for d in contenders))
    assert sum(not isinstance(r, DomainError) for r in results) == 1
    assert refusal_codes(results) == ["heures_insuffisantes"] * (CONTENDERS - 1)
    statement = statement_of(store, ticket)
    assert (statement["heures_dif_reservees"], statement["heures_libres"]) == (30, 20)


def test_one_dossier_validated_many_times_at_once_is_validated_once(store, clock, account_id, ticket):
    hours.set_dif(store, clock, account_id, 100, ticket.rights_id)
    dossier = new_dossier(store, clock, ticket, 30)
    results = race(*(lambda: validate(store, clock, ticket, dossier) for _ in range(CONTENDERS)))
    assert sum(not isinstance(r, DomainError) for r in results) == 1
    assert refusal_codes(results) == ["etat_dossier_invalide"] * (CONTENDERS - 1)
    assert statement_of(store, ticket)["heures_libres"] == 70


def test_one_dossier_closed_many_times_at_once_is_debited_once(store, clock, account_id, ticket):
    hours.set_dif(store, clock, account_id, 100, ticket.rights_id)
    dossier = new_dossier(store, clock, ticket, 30)
    validate(store, clock, ticket, dossier)
    results = race(*(lambda: close(store, clock, ticket, dossier) for _ in range(CONTENDERS)))
    assert sum(not isinstance(r, DomainError) for r in results) == 1
    assert refusal_codes(results) == ["etat_dossier_invalide"] * (CONTENDERS - 1)
    statement = statement_of(store, ticket)
    assert (statement["solde_dif"], len(statement["mouvements"])) == (70, 1)


def test_a_dif_change_racing_the_first_validation_never_leaves_the_figures_wrong(store, clock, account_id, ticket):
    hours.set_dif(store, clock, account_id, 40, ticket.rights_id)
    dossier = new_dossier(store, clock, ticket, 30)
    results = race(
        lambda: validate(store, clock, ticket, dossier),
        lambda: hours.set_dif(store, clock, account_id, 10, ticket.rights_id),
    )
    statement = statement_of(store, ticket)
    if isinstance(results[0], DomainError):  # the DIF went down to 10 first
        assert results[0].code == "heures_insuffisantes" and statement["heures_libres"] == 10
    else:  # validated first: the DIF is locked
        assert results[1].code == "dif_verrouille" and statement["heures_libres"] == 10
        assert statement["solde_dif"] == 40
