"""The password rules (profiles cpf-2015 and cnil-2022) and the argon2id hashing."""

import pytest

from chalicelib.domain import passwords

pytestmark = pytest.mark.production_argon2  # the hashing itself, at its real cost


def codes(policy: str, password: str, confirmation: str | None = None) -> list[str]:
    errors = passwords.check_new_password(policy, password, password if confirmation is None else confirmation)
    return [error.code for error in errors]


class TestCpf2015:
    def test_five_letters_one_upper_case_three_digits_three_categories(self):
        assert codes("cpf-2015", "Abcde123") == []

    def test_each_unmet_rule_is_its_own_entry(self):
        assert codes("cpf-2015", "abc") == ["mdp_lettres", "mdp_majuscule", "mdp_chiffres", "mdp_categories"]

    def test_fewer_than_five_letters(self):
        assert codes("cpf-2015", "Abcd1234") == ["mdp_lettres"]

    def test_no_upper_case(self):
        assert codes("cpf-2015", "abcde123!") == ["mdp_majuscule"]

    def test_fewer_than_three_digits(self):
        assert codes("cpf-2015", "Abcdef12") == ["mdp_chiffres"]

    def test_two_categories_are_not_enough(self):
        assert codes("cpf-2015", "ABCDE123") == ["mdp_categories"]

    def test_accented_letters_count_as_letters(self):
        assert codes("cpf-2015", "Éléphant123") == []

    def test_at_most_128_characters(self):
        assert codes("cpf-2015", "Abcde123" + "x" * 121) == ["mdp_longueur"]
        assert codes("cpf-2015", "Abcde123" + "x" * 120) == []

    def test_the_confirmation_must_match(self):
        assert codes("cpf-2015", "Abcde123", "Abcde124") == ["mdp_confirmation_differente"]
        errors = passwords.check_new_password("cpf-2015", "Abcde123", "Abcde124")
        assert errors[0].champ == "mot_de_passe_confirmation"


class TestCnil2022:
    def test_twelve_characters_and_all_four_categories(self):
        assert codes("cnil-2022", "Abcdefgh12!?") == []

    def test_too_short(self):
        assert codes("cnil-2022", "Abcdef12!?") == ["mdp_longueur"]

    def test_a_missing_category(self):
        assert codes("cnil-2022", "Abcdefgh1234") == ["mdp_categories"]


class TestHashing:
    def test_argon2id_with_at_least_owasp_minimum_parameters(self):
        stored = passwords.hash_password("Abcde123")
        assert stored.startswith("$argon2id$")
        memory, passes, lanes = (int(part.split("=")[1]) for part in stored.split("$")[3].split(","))
        assert memory >= 19 * 1024 and passes >= 2 and lanes >= 1

    def test_verification_accepts_the_password_and_nothing_else(self):
        stored = passwords.hash_password("Abcde123")
        assert passwords.verify_password(stored, "Abcde123")
        assert not passwords.verify_password(stored, "abcde123")
        assert not passwords.verify_password("not a hash", "Abcde123")

    def test_the_same_password_hashes_differently_each_time(self):
        assert passwords.hash_password("Abcde123") != passwords.hash_password("Abcde123")

    def test_nfc_normalisation_makes_two_keyboards_agree(self):
        assert passwords.normalize("E\u0301lan123") == passwords.normalize("Élan123")


@pytest.mark.parametrize("policy", ["cpf-2015", "cnil-2022"])
def test_both_profiles_check_the_confirmation(policy):
    assert "mdp_confirmation_differente" in codes(policy, "Abcdefgh12!?", "autre")
