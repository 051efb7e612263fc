"""The pivot identity's rule (contract §14), case by case: what FranceConnect says of a person
against a NIR, and, for a verification, the account's nom de naissance."""

import pytest

from chalicelib.domain.franceconnect.pivot import Difference, differences, name_key, pivot_from_claims, refusal_detail
from chalicelib.domain.records.franceconnect import PivotIdentity
from tests.helpers.people import make_nir

SEX, DATE, PLACE, NAME = Difference.SEX, Difference.BIRTH_DATE, Difference.BIRTHPLACE, Difference.NAME


def person(**claims) -> PivotIdentity:
    """Jean Dupont, born on 17 May 1984 in Paris 15e (75115), unless told otherwise."""
    given = {
        "given_name": "Jean",
        "family_name": "Dupont",
        "birthdate": "1984-05-17",
        "gender": "male",
        "birthplace": "75115",
        "birthcountry": "99100",
        **claims,
    }
    identity = pivot_from_claims("sub", given)
    assert identity is not None
    return identity


PARIS_1984_05 = make_nir("1840575115123")


def test_born_in_paris_agrees_with_his_nir():
    assert differences(person(), PARIS_1984_05) == ()


def test_a_woman_does_not_agree_with_a_nir_that_begins_with_1():
    assert differences(person(gender="female"), PARIS_1984_05) == (SEX,)


def test_a_man_does_not_agree_with_a_nir_that_begins_with_2():
    assert differences(person(), make_nir("2840575115123")) == (SEX,)


def test_another_year_of_birth_differs():
    assert differences(person(birthdate="1985-05-17"), PARIS_1984_05) == (DATE,)


def test_the_same_last_two_digits_of_another_century_agree():
    assert differences(person(birthdate="1884-05-17"), PARIS_1984_05) == ()


def test_another_month_differs():
    assert differences(person(birthdate="1984-06-17"), PARIS_1984_05) == (DATE,)


@pytest.mark.parametrize("month", ["20", "31", "42", "50", "99"])
def test_a_month_the_nir_says_is_unknown_agrees_with_any_month(month):
    assert differences(person(birthdate="1984-11-02"), make_nir(f"184{month}75115123")) == ()


def test_a_month_of_13_to_19_or_43_to_49_is_not_unknown():
    assert differences(person(birthdate="1984-11-02"), make_nir("1844375115123")) == (DATE,)


def test_another_commune_differs():
    assert differences(person(birthplace="75116"), PARIS_1984_05) == (PLACE,)


@pytest.mark.parametrize("code", ["2A004", "2B033"])
def test_born_in_corsica_agrees_with_the_nir_that_says_2a_or_2b(code):
    assert differences(person(birthplace=code), make_nir(f"18405{code}123")) == ()


def test_corsica_2a_does_not_agree_with_2b():
    assert differences(person(birthplace="2A004"), make_nir("184052B004123")) == (PLACE,)


def test_born_in_corsica_before_1976_agrees_with_a_nir_that_says_20():
    assert differences(person(birthdate="1960-05-17", birthplace="2A004"), make_nir("1600520004123")) == ()


def test_born_overseas_agrees_with_the_three_digits_of_the_departement():
    assert differences(person(birthplace="97411"), make_nir("1840597411123")) == ()


def test_born_abroad_agrees_with_99_and_the_country_code():
    morocco = person(birthplace="", birthcountry="99350")
    assert differences(morocco, make_nir("1840599350123")) == ()


def test_born_abroad_in_another_country_differs():
    assert differences(person(birthplace="", birthcountry="99351"), make_nir("1840599350123")) == (PLACE,)


def test_born_abroad_does_not_agree_with_a_nir_born_in_france():
    assert differences(person(birthplace="", birthcountry="99350"), PARIS_1984_05) == (PLACE,)


def test_born_in_france_does_not_agree_with_a_nir_born_abroad():
    assert differences(person(), make_nir("1840599350123")) == (PLACE,)


def test_born_in_france_without_a_birthplace_differs():
    assert differences(person(birthplace=""), PARIS_1984_05) == (PLACE,)


def test_the_family_name_agrees_case_accents_spaces_hyphens_and_apostrophes_aside():
    assert differences(person(family_name="N'DIAYE-LÉVÊQUE"), PARIS_1984_05, "Ndiaye Leveque") == ()
    assert differences(person(family_name="D’Artagnan"), PARIS_1984_05, "dartagnan") == ()
    assert name_key("Éloïse  Le-Bihan") == name_key("eloiselebihan")


def test_another_family_name_differs():
    assert differences(person(family_name="Durand"), PARIS_1984_05, "Dupont") == (NAME,)


def test_the_family_name_is_compared_only_when_given():
    assert differences(person(family_name="Durand"), PARIS_1984_05) == ()


def test_every_difference_is_named_in_order():
    everything = person(gender="female", birthdate="1990-01-01", birthplace="13055", family_name="Martin")
    assert differences(everything, PARIS_1984_05, "Dupont") == (SEX, DATE, PLACE, NAME)
    detail = refusal_detail((SEX, DATE, PLACE, NAME))
    assert "le sexe, la date de naissance, le lieu de naissance et le nom de naissance diffèrent" in detail
    assert "le lieu de naissance diffère" in refusal_detail((PLACE,))


@pytest.mark.parametrize(
    "claims",
    [{"gender": "other"}, {"birthdate": None}, {"family_name": "  "}, {"given_name": 3}, {"birthplace": 75115}],
)
def test_claims_missing_or_malformed_give_no_pivot_identity(claims):
    given = {"given_name": "Jean", "family_name": "Dupont", "birthdate": "1984-05-17", "gender": "male"}
    assert pivot_from_claims("sub", {**given, "birthplace": "75115", **claims}) is None


def test_a_malformed_birthdate_differs():
    assert differences(person(birthdate="17/05/1984"), PARIS_1984_05) == (DATE,)
