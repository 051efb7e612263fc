"""§7 of the contract, the rule (2015–2018 hours): 24 h per full-time year while the balance is below
120, then 12 h; the year's total rounded up to the whole hour; never past 150; part time pro rata;
exact arithmetic. Then what one declaration does to a NIR's rights: first credit, corrections and
late employers recomputed from the year's own base, the same line again, an older deposit."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from chalicelib.domain import rights
from chalicelib.domain.records.hours import Rights
from chalicelib.domain.rights import Declaration, Source, decide, earned, work_fraction, year_hours

NIR = "184057512345625"
EMPLOYER, SECOND_EMPLOYER = "73282932000074", "55208340400012"


class TestTheContractsWorkedExamples:
    def test_a_full_year_from_nothing_earns_24_hours(self):
        assert year_hours(0, Fraction(1)) == 24

    def test_from_110_ten_hours_at_24_use_10_24_of_the_year_and_the_rest_at_12_gives_7(self):
        assert earned(110, Fraction(1)) == 10 + 7
        assert year_hours(110, Fraction(1)) == 17

    def test_from_140_a_full_year_stops_at_the_ceiling(self):
        assert year_hours(140, Fraction(1)) == 10

    def test_1000_hours_of_1607_earn_14_93_rounded_up_to_15(self):
        fraction = work_fraction([(Decimal(1000), Decimal(1607))])
        assert fraction == Fraction(1000, 1607)
        assert earned(0, fraction) == Fraction(24000, 1607)  # 14.934...
        assert year_hours(0, fraction) == 15


class TestBoundaries:
    @pytest.mark.parametrize(
        ("base", "hours"),
        [
            (95, 24),  # still wholly below 120
            (96, 24),  # reaches 120 exactly
            (119, 13),  # 1 h at 24 (1/24 of the year), 23/24 at 12 = 11.5: 12.5 rounded up
            (120, 12),  # the reduced rate from the first hour
            (121, 12),
            (138, 12),  # reaches 150 exactly
            (139, 11),  # the ceiling
            (149, 1),
            (150, 0),
        ],
    )
    def test_a_full_year_around_120_and_150(self, base, hours):
        assert year_hours(base, Fraction(1)) == hours

    def test_part_time_across_120_splits_the_year_at_the_threshold(self):
        # From 110: 10 h at 24 use 10/24 of the year; of a half year, 2/24 remain, at 12: 1 h.
        assert earned(110, Fraction(1, 2)) == 11
        assert year_hours(110, Fraction(1, 2)) == 11

    @pytest.mark.parametrize(
        ("worked", "reference", "hours"),
        [
            ("803.5", "1607", 12),  # exactly half
            ("535", "1607", 8),  # 7.99... rounded up
            ("1", "1607", 1),  # the least work earns an hour
            ("910", "1820", 12),  # another full-time duration: half of it
            ("1820", "1820", 24),
            ("2000", "1607", 24),  # more than full time is full time
        ],
    )
    def test_part_time_is_pro_rata_and_rounded_up(self, worked, reference, hours):
        assert year_hours(0, work_fraction([(Decimal(worked), Decimal(reference))])) == hours

    def test_a_zero_hour_line_earns_nothing(self):
        assert work_fraction([(Decimal(0), Decimal(1607))]) == 0
        assert year_hours(0, Fraction(0)) == year_hours(119, Fraction(0)) == 0

    def test_several_employers_in_a_year_add_their_fractions_up_to_one(self):
        two_jobs = work_fraction([(Decimal(1000), Decimal(1607)), (Decimal(1000), Decimal(1607))])
        assert two_jobs == 1  # 2000/1607, capped
        assert year_hours(0, two_jobs) == 24
        halves = work_fraction([(Decimal("803.5"), Decimal(1607)), (Decimal(455), Decimal(910))])
        assert halves == 1

    def test_fractions_stay_exact(self):
        tenth = work_fraction([(Decimal("160.7"), Decimal(1607))])
        assert tenth == Fraction(1, 10)
        assert isinstance(earned(0, tenth), Fraction)
        assert earned(0, tenth * 3) == Fraction(36, 5)  # 7.2, where floats would give 7.199999...


def declaration(worked="1607", reference="1607", siret=EMPLOYER, year=2020) -> Declaration:
    return Declaration(siret, NIR, year, Decimal(worked), Decimal(reference))


def source(line: int = 2, file_id: str = "fichier-a", deposited: str = "2026-02-01T08:00:00.000Z") -> Source:
    return Source(file_id, line, deposited)


def later_file(name: str, line: int = 2) -> Source:
    """A file deposited after the first one."""
    return Source(name, line, "2026-03-01T08:00:00.000Z")


class TestWhatALineDoes:
    def test_the_first_credit_of_a_year_is_an_alimentation_from_the_balance_then(self):
        decision = decide(Rights(cpf=110, version=3), None, declaration(), source())
        assert (decision.outcome, decision.delta) == (rights.APPLIED, 17)
        assert decision.label == "Alimentation de vos droits au titre de 2020"
        assert decision.year_record.base == 110
        assert decision.year_record.hours == 17
        assert (decision.rights_version, decision.year_version) == (3, None)

    def test_a_nir_never_seen_starts_from_nothing(self):
        decision = decide(None, None, declaration(worked="1000"), source())
        assert (decision.delta, decision.rights_version) == (15, None)

    def test_the_same_line_again_changes_nothing(self):
        first = decide(None, None, declaration(), source())
        again = decide(rights.after(None, first), first.year_record, declaration(), source())
        assert again.outcome == rights.APPLIED
        assert again.year_record is None
        other_file = decide(rights.after(None, first), first.year_record, declaration(), later_file("fichier-b"))
        assert other_file.outcome == rights.UNCHANGED
        assert other_file.delta == 0

    def test_a_correction_recomputes_the_year_from_its_own_base(self):
        first = decide(Rights(cpf=110), None, declaration(), source())  # 110 → 127
        later = Rights(cpf=139, free=139, version=2)  # another year credited since: +12
        corrected = decide(later, first.year_record, declaration(worked="803.5"), later_file("correctif"))
        assert corrected.outcome == rights.REGULARISED
        assert corrected.delta == 11 - 17  # a half year from 110 is 11, not 6 (from 139)
        assert corrected.label == "Régularisation de vos droits 2020"
        assert corrected.year_record.base == 110
        assert corrected.year_record.hours == 11

    def test_a_late_employer_adds_to_the_year_s_fraction(self):
        first = decide(None, None, declaration(worked="803.5"), source())
        late = decide(
            rights.after(None, first),
            first.year_record,
            declaration(worked="803.5", siret=SECOND_EMPLOYER),
            later_file("retardataire"),
        )
        assert (late.outcome, late.delta) == (rights.REGULARISED, 12)
        assert set(late.year_record.declarations) == {EMPLOYER, SECOND_EMPLOYER}

    def test_a_regularisation_never_takes_the_balance_past_150(self):
        first = decide(Rights(cpf=140), None, declaration(worked="803.5"), source())  # +6: 146
        more = decide(rights.after(Rights(cpf=140), first), first.year_record, declaration(), source(3))
        assert more.delta == 4  # 10 wanted, 4 left below the ceiling
        assert more.year_record.hours == 10

    def test_a_downward_regularisation_never_takes_back_what_a_validated_dossier_holds(self):
        first = decide(None, None, declaration(), source())  # 24
        holding = replace(rights.after(None, first), dif=0, reserved=20)  # 4 h free
        down = decide(holding, first.year_record, declaration(worked="0"), source(3))
        assert down.delta == -4  # the year says 0, but 20 h are promised to a dossier
        assert down.year_record.hours == 20

    def test_an_older_deposit_is_superseded_whatever_order_the_chunks_run_in(self):
        newer = decide(None, None, declaration(worked="803.5"), source(deposited="2026-03-01T00:00:00.000Z"))
        older = decide(
            rights.after(None, newer),
            newer.year_record,
            declaration(),
            source(file_id="ancien", deposited="2026-02-01T00:00:00.000Z"),
        )
        assert (older.outcome, older.year_record) == (rights.UNCHANGED, None)

    def test_within_a_file_the_later_line_wins(self):
        line_9 = decide(None, None, declaration(worked="803.5"), source(line=9))
        line_5 = decide(rights.after(None, line_9), line_9.year_record, declaration(), source(line=5))
        assert line_5.outcome == rights.UNCHANGED
        assert line_5.year_record is None

    def test_the_same_figures_from_a_newer_deposit_only_become_the_latest(self):
        first = decide(None, None, declaration(), source())
        same = decide(rights.after(None, first), first.year_record, declaration(worked="1607.00"), later_file("b"))
        assert (same.outcome, same.delta, same.checks_rights) == (rights.UNCHANGED, 0, False)
        assert same.year_record.declarations[EMPLOYER].file_id == "b"
