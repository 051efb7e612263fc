"""What the emails write that comes from settings: the links (their code in the fragment, contract §13)
and the durations, in words."""

from datetime import UTC, date, datetime

import pytest

from chalicelib.mailer import (
    delegation_notice,
    duration_in_full,
    link_to,
    password_changed_notice,
    password_reset_notice,
)


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


MOMENT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
CONTACT = "https://www.moncompteformation.gouv.fr/contact"


@pytest.mark.parametrize(
    ("message", "says"),
    [
        (
            delegation_notice("m***@example.fr", "consultation", date(2027, 6, 30), MOMENT, CONTACT),
            ["m***@example.fr", "consulter votre compte", "mercredi 30 juin 2027", "mardi 1er décembre 2026 à 11 h 00"],
        ),
        (password_changed_notice(MOMENT, CONTACT), ["a été modifié le", "Vos autres sessions ont été fermées"]),
        (password_reset_notice(MOMENT, 0, CONTACT), ["a été réinitialisé le", "Toutes vos sessions"]),
        (password_reset_notice(MOMENT, 1, CONTACT), ["la délégation que vous aviez accordée a pris fin"]),
        (password_reset_notice(MOMENT, 3, CONTACT), ["les 3 délégations que vous aviez accordées ont pris fin"]),
    ],
)
def test_a_notice_to_the_holder_has_no_link_but_the_contact_form(message, says):
    """Contract §14: "si vous n'êtes pas à l'origine de cette action", the contact link, French, text and HTML."""
    subject, text, body = message
    assert subject.startswith("Mon Compte Formation : ")
    for part in (text, body):
        assert "Si vous n'êtes pas à l'origine de cette action" in part
        assert CONTACT in part
        assert "#c=" not in part
        for words in says:
            assert words in part
    assert body.count("<a href=") == 1  # the contact form's, nothing else
    assert '<html lang="fr">' in body
    assert "<strong>" in body and "**" not in text.replace("***@", "")  # the bold markup is HTML only


def test_the_closure_notice_says_what_happened_and_where_to_contest_it_without_a_link():
    from chalicelib.mailer import account_closed_notice

    subject, text, page = account_closed_notice("https://portail.example/contact")
    assert subject == "Mon Compte Formation : votre compte a été fermé"
    assert "FranceConnect" in text and "fermé" in text and "contester" in text
    assert "Si vous n'êtes pas à l'origine de cette action" in text
    assert text.count("https://") == 1 and "https://portail.example/contact" in text  # the contact page only
    assert page.count("<a href=") == 1 and '<a href="https://portail.example/contact">' in page
