"""What the emails write that comes from settings: the links (their code in the fragment, contract §13)
and the durations, in words."""

import pytest

from chalicelib.mailer import duration_in_full, link_to


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1_296_000, "15 jours"),  # ACTIVATION_TTL_SECONDS's default
        (86_400, "1 jour"),
        (3_600, "1 heure"),
        (5_400, "1 heure et 30 minutes"),
        (129_600, "1 jour et 12 heures"),
        (1_800, "30 minutes"),
        (61, "1 minute et 1 seconde"),
        (90_061, "1 jour et 1 heure"),  # the two largest units only, never more than the setting
    ],
)
def test_a_duration_is_written_in_words(seconds, words):
    assert duration_in_full(seconds) == words


@pytest.mark.parametrize("page", ["activation", "reinitialisation", "courriel", "delegation"])
def test_a_link_carries_its_code_in_the_fragment(page):
    code = "A" * 43
    assert link_to("https://www.moncompteformation.gouv.fr/", page, code) == (
        f"https://www.moncompteformation.gouv.fr/{page}#c={code}"
    )


def test_the_closure_notice_says_what_happened_and_where_to_contest_it_without_a_link():
    from chalicelib.mailer import account_closed_notice

    subject, text, page = account_closed_notice("https://portail.example/contact")
    assert subject == "Mon Compte Formation : votre compte a été fermé"
    assert "FranceConnect" in text and "fermé" in text and "contester" in text
    assert "Si vous n'êtes pas à l'origine de cette action" in text
    assert text.count("https://") == 1 and "https://portail.example/contact" in text  # the contact page only
    assert page.count("<a href=") == 1 and '<a href="https://portail.example/contact">' in page
