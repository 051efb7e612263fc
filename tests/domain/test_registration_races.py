"""Registration races, at the domain level, with real threads: the conditional writes decide, exactly
one wins (tests/helpers/races.py says why the emulator is serialized)."""

from chalicelib.domain import activation, registration
from tests.helpers.people import make_nir
from tests.helpers.races import (
    CONTENDERS,
    RecordingMailer,
    draft_awaiting_password,
    password_step,
    race,
    refusal_codes,
)


def test_registrations_racing_for_one_nir_make_exactly_one_account(store, clock):
    mailer = RecordingMailer()
    drafts = [draft_awaiting_password(store, clock, courriel=f"p{i}@example.fr") for i in range(CONTENDERS)]
    results = race(*(password_step(store, clock, mailer, draft) for draft in drafts))
    assert sum(isinstance(r, registration.PendingRegistration) for r in results) == 1
    assert refusal_codes(results) == ["nir_deja_inscrit"] * (CONTENDERS - 1)
    assert len(mailer.sent) == 1


def test_registrations_racing_for_one_email_make_exactly_one_account(store, clock):
    mailer = RecordingMailer()
    nirs = [make_nir(f"18405751234{i:02d}") for i in range(CONTENDERS)]
    drafts = [draft_awaiting_password(store, clock, nir=nir) for nir in nirs]
    results = race(*(password_step(store, clock, mailer, draft) for draft in drafts))
    assert sum(isinstance(r, registration.PendingRegistration) for r in results) == 1
    assert refusal_codes(results) == ["courriel_deja_utilise"] * (CONTENDERS - 1)


def test_a_password_step_submitted_many_times_at_once_makes_one_account(store, clock):
    mailer = RecordingMailer()
    draft = draft_awaiting_password(store, clock)
    results = race(*(password_step(store, clock, mailer, draft) for _ in range(CONTENDERS)))
    assert sum(isinstance(r, registration.PendingRegistration) for r in results) == 1
    assert set(refusal_codes(results)) <= {"etape_invalide", "nir_deja_inscrit"}
    assert len(mailer.sent) == 1


def test_an_activation_link_clicked_many_times_at_once_activates_once(store, clock):
    mailer = RecordingMailer()
    draft = draft_awaiting_password(store, clock)
    password_step(store, clock, mailer, draft)()
    ((_, code),) = mailer.sent
    results = race(*(lambda: activation.activate(store, clock, code) for _ in range(CONTENDERS)))
    assert results.count(None) == 1
    assert refusal_codes(results) == ["compte_deja_active"] * (CONTENDERS - 1)
