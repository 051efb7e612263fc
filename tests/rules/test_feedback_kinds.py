"""`make bounce` and the mailbox's buttons tell an email's kind by its subject (tools/local/ses_feedback.py):
every subject the mailer sends is one they know, the notices without a link as the email change's."""

from chalicelib import mailer
from chalicelib.domain.email_feedback import MessageKind
from tools.local.ses_feedback import kind_of

SUBJECTS = {name: value for name, value in vars(mailer).items() if name.endswith("_SUBJECT")}


def test_every_subject_the_mailer_sends_has_its_kind():
    subjects = {name: value.format(holder="Jean Dupont") for name, value in SUBJECTS.items()}
    assert {name: kind_of(subject) is not None for name, subject in subjects.items()} == dict.fromkeys(subjects, True)


def test_the_notices_without_a_link_are_read_as_the_email_change_s():
    for name in ("DELEGATION_NOTICE_SUBJECT", "PASSWORD_CHANGED_SUBJECT", "PASSWORD_RESET_NOTICE_SUBJECT"):
        assert kind_of(SUBJECTS[name]) == MessageKind.EMAIL_CHANGE_NOTICE, name
