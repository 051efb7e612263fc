"""The identity rules of the registration form, as the contract states them."""

import pytest

from chalicelib.domain import identity
from chalicelib.domain.errors import InvalidValue
from tests.helpers.people import NIR, make_nir


def code_of(rule, value) -> str:
    with pytest.raises(InvalidValue) as refused:
        rule(value)
    return refused.value.code


class TestNir:
    def test_is_stored_compact_and_upper_case_whatever_the_spacing(self):
        spaced = " ".join([NIR[0], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:13], NIR[13:]])
        assert identity.normalize_nir(spaced) == NIR

    def test_corsica_2a_and_2b_use_19_and_18_for_the_key(self):
        corse_du_sud = "184052A123456"
        key = 97 - int("1840519123456") % 97
        assert identity.normalize_nir(f"{corse_du_sud.lower()}{key:02d}") == f"{corse_du_sud}{key:02d}"
        haute_corse = "291032B045123"
        key = 97 - int("2910318045123") % 97
        assert identity.normalize_nir(f"{haute_corse}{key:02d}") == f"{haute_corse}{key:02d}"

    def test_a_wrong_key_is_refused_with_its_own_code(self):
        wrong_key = NIR[:13] + f"{(int(NIR[13:]) % 97) + 1:02d}"
        assert code_of(identity.normalize_nir, wrong_key) == "nir_cle_invalide"

    @pytest.mark.parametrize("value", ["12345", NIR + "1", "1840575X23456" + "12", ""])
    def test_a_malformed_number_is_refused(self, value):
        assert code_of(identity.normalize_nir, value) == "nir_invalide"

    @pytest.mark.parametrize("first_digit", "03456789")
    def test_the_first_digit_must_be_1_or_2(self, first_digit):
        assert code_of(identity.normalize_nir, make_nir(first_digit + "840575123456")) == "nir_invalide"

    @pytest.mark.parametrize("month", ["01", "12", "20", "42", "50", "99"])
    def test_months_1_to_12_20_to_42_and_50_to_99_are_accepted(self, month):
        assert identity.normalize_nir(make_nir(f"184{month}75123456"))

    @pytest.mark.parametrize("month", ["00", "13", "19", "43", "49"])
    def test_other_months_are_refused(self, month):
        assert code_of(identity.normalize_nir, make_nir(f"184{month}75123456")) == "nir_invalide"

    def test_the_mask_shows_only_the_first_digit_and_the_key(self):
        assert identity.mask_nir(NIR) == f"1 ** ** ** *** *** {NIR[13:]}"


class TestNames:
    @pytest.mark.parametrize("name", ["Anne-Sophie", "N'Diaye", "Éloïse", "O’Connor", "Le Goff", "A"])
    def test_letters_accents_spaces_hyphens_and_apostrophes_are_accepted(self, name):
        assert identity.normalize_name(name) == name

    def test_text_is_trimmed_and_nfc_normalised(self):
        decomposed = "E\u0301loi\u0308se"  # É and ï typed as a letter and a combining mark
        assert identity.normalize_name(f"  {decomposed} ") == "Éloïse"

    @pytest.mark.parametrize("name", ["Jean2", "Jean_Pierre", "<script>", "-", "Dupont!"])
    def test_digits_and_symbols_are_refused(self, name):
        assert code_of(identity.normalize_name, name) == "nom_caracteres"

    @pytest.mark.parametrize("name", ["", "   ", "A" * 51])
    def test_one_to_fifty_characters(self, name):
        assert code_of(identity.normalize_name, name) == "nom_longueur"


class TestPhones:
    @pytest.mark.parametrize(
        "typed, stored",
        [
            ("01 23 45 67 89", "+33123456789"),
            ("05 56 12 34 56", "+33556123456"),
            ("09 87 65 43 21", "+33987654321"),  # 09 counts as a fixed line
            ("+33 1 23 45 67 89", "+33123456789"),
            ("+590 590 12 34 56", "+590590123456"),  # Guadeloupe
            ("0590 12 34 56", "+590590123456"),
            ("+594 594 12 34 56", "+594594123456"),  # Guyane
            ("+596 596 30 12 34", "+596596301234"),  # Martinique
            ("+262 262 12 34 56", "+262262123456"),  # La Réunion
        ],
    )
    def test_fixed_lines_of_france_and_overseas_are_stored_e164(self, typed, stored):
        assert identity.normalize_fixed_phone(typed) == stored

    @pytest.mark.parametrize(
        "typed, stored",
        [
            ("06 12 34 56 78", "+33612345678"),
            ("07 56 12 34 56", "+33756123456"),
            ("+590 690 12 34 56", "+590690123456"),
            ("0692 12 34 56", "+262692123456"),
            ("+262 639 01 23 45", "+262639012345"),  # Mayotte
        ],
    )
    def test_mobiles_of_france_and_overseas_are_stored_e164(self, typed, stored):
        assert identity.normalize_mobile_phone(typed) == stored

    def test_a_mobile_is_not_a_fixed_line_and_the_reverse(self):
        assert code_of(identity.normalize_fixed_phone, "06 12 34 56 78") == "telephone_fixe_invalide"
        assert code_of(identity.normalize_mobile_phone, "01 23 45 67 89") == "telephone_portable_invalide"
        assert code_of(identity.normalize_mobile_phone, "09 87 65 43 21") == "telephone_portable_invalide"

    @pytest.mark.parametrize("typed", ["+44 20 7946 0958", "+1 202 555 0143", "12", "bonjour", "01 23"])
    def test_foreign_or_malformed_numbers_are_refused(self, typed):
        assert code_of(identity.normalize_fixed_phone, typed) == "telephone_fixe_invalide"


class TestEmail:
    def test_a_valid_address_is_kept_with_its_domain_normalised(self):
        assert identity.normalize_email(" Jean.Dupont@Example.FR ") == "Jean.Dupont@example.fr"

    @pytest.mark.parametrize(
        "value", ["jean", "jean@", "@example.fr", "jean dupont@example.fr", "a@b", "x" * 250 + "@example.fr"]
    )
    def test_invalid_addresses_are_refused(self, value):
        assert code_of(identity.normalize_email, value) == "courriel_invalide"

    def test_addresses_are_compared_without_regard_to_case(self):
        assert identity.email_key("Jean.Dupont@example.fr") == identity.email_key("jean.dupont@EXAMPLE.fr".lower())


def test_civilite_is_m_or_mme():
    assert identity.normalize_civilite("mme") == "MME"
    assert code_of(identity.normalize_civilite, "Mlle") == "civilite_invalide"
