"""A year credited and a file's bookkeeping through the store: versions, conflicts, once-only counts."""

from datetime import timedelta

import pytest

from chalicelib.domain.errors import Part, WriteConflict
from chalicelib.domain.records.crediting import (
    AppliedChunk,
    Credit,
    DeclarationEntry,
    DeclarationFile,
    KnownRights,
    LineCounts,
    Rejection,
    RightsCondition,
    YearCredit,
)
from chalicelib.domain.records.hours import Movement, Rights
from tests.helpers.records import NOW

NIR = "180017500000046"
RIGHTS_ID = "R" * 22
ENTRY = DeclarationEntry("1607", "1607", "fichier-a", 2, "2026-12-01T08:00:00.000Z", "appliquee")
YEAR = YearCredit(2025, 0, 24, {"12345678900011": ENTRY}, 1)
CREDIT = Movement("2026-12-01T09:00:00Z", 24, "Alimentation de vos droits au titre de 2025")


def first_credit(rights_id: str = RIGHTS_ID) -> Credit:
    """The NIR's first credit, which gives it its rights id."""
    return Credit(rights_id, YEAR, None, RightsCondition(24, True, None), CREDIT, NOW, new_rights_id_of=NIR)


def test_a_credit_reads_back_as_the_year_the_rights_and_the_movement_under_the_nir_s_rights_id(store):
    store.credit_declaration(first_credit())
    known = store.read_rights([(NIR, 2025), (NIR, 2024)])
    assert known == KnownRights(
        {NIR: RIGHTS_ID}, {NIR: Rights(cpf=24, free=24, version=1)}, {(NIR, 2025): YEAR, (NIR, 2024): None}
    )
    assert store.get_rights_and_movements(RIGHTS_ID) == (Rights(cpf=24, free=24, version=1), [CREDIT])


def test_a_nir_never_credited_has_no_rights_id_and_no_records(store):
    assert store.read_rights([(NIR, 2025)]) == KnownRights({NIR: None}, {NIR: None}, {(NIR, 2025): None})


def test_a_second_first_credit_of_a_nir_is_refused_with_the_rights_id_it_already_has(store):
    store.credit_declaration(first_credit())
    with pytest.raises(WriteConflict) as late:
        store.credit_declaration(first_credit("S" * 22))
    assert late.value.failed == {Part.RIGHTS_ID}
    assert late.value.found(Part.RIGHTS_ID, str) == RIGHTS_ID
    assert store.get_rights_and_movements("S" * 22) == (None, [])  # nothing of it was written


def test_a_credit_on_stale_versions_is_refused_with_the_records_as_they_are(store):
    store.credit_declaration(first_credit())
    known_credit = Credit(RIGHTS_ID, YEAR, None, RightsCondition(24, True, None), CREDIT, NOW)
    with pytest.raises(WriteConflict) as stale:
        store.credit_declaration(known_credit)
    assert stale.value.failed == {Part.YEAR, Part.RIGHTS}
    assert stale.value.found(Part.YEAR, YearCredit) == YEAR
    assert stale.value.found(Part.RIGHTS, Rights) == Rights(cpf=24, free=24, version=1)


def test_a_year_alone_is_one_conditional_put(store):
    store.credit_declaration(Credit(RIGHTS_ID, YEAR, None, RightsCondition(0, False, None), None, NOW))
    with pytest.raises(WriteConflict) as stale:
        store.credit_declaration(Credit(RIGHTS_ID, YEAR, None, RightsCondition(0, False, None), None, NOW))
    assert stale.value.failed == {Part.YEAR} and stale.value.found(Part.YEAR, YearCredit) == YEAR


def test_a_file_is_started_once_and_its_chunks_counted_once(store):
    expires = NOW + timedelta(days=90)
    started = DeclarationFile(
        "f" * 64, "employeur.csv", "2026-12-01T08:00:00.000Z", "2026-12-01T09:00:00Z", expires_at=expires
    )
    assert store.start_declaration_file(started) is None
    assert store.start_declaration_file(started) == started
    assert store.finish_declaration_split(started.id, 2).chunks == 2

    rejected = (Rejection(3, "nir_invalide"), Rejection(5, "annee_invalide"))
    chunk = AppliedChunk(started.id, 0, LineCounts(4, 1, 1, 0), rejected, expires)
    store.record_declaration_chunk(chunk)
    again = store.record_declaration_chunk(chunk)  # delivered twice
    assert (again.counts, again.chunks_done, again.chunks) == (LineCounts(4, 1, 1, 0), 1, 2)
    assert store.declaration_file_rejections(started.id) == list(rejected)
