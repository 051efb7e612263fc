"""The email feedback function's body: wiring between the SNS event (SES's Bounce and Complaint
events, published by the configuration set) and the domain (chalicelib/domain/email_feedback.py).
app.py only routes.

The decorator of app.py takes the topic's name at import, which is also when `chalice package`
reads it (`topic_name()`, from EMAIL_FEEDBACK_TOPIC; tools/deploy/chalice_package.py sets it from the
stage's configuration, as for the crediting bucket and queue).

A notification that cannot be read or names nothing we know is logged and dropped: an exception
would make Lambda retry it for nothing. Only the table's own failures raise (Lambda's retries of an
asynchronous invocation then apply it later: every write is conditional, so a retry is harmless).
Logs hold the kind, the event, the outcome and SES's message id: never an address.
"""

import json
import logging

from . import dependencies, metrics
from .settings import get_settings

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)  # Lambda keeps the root logger at WARNING


def topic_name() -> str:
    """The topic, as app.py's decorator (and `chalice package`) need it at import."""
    return get_settings().email_feedback_topic


def apply_notification(message: str) -> str:
    """Apply one SNS message (a SES notification, as JSON text); returns the outcome's name."""
    from .domain import email_feedback as feedback_rules

    try:
        feedback = feedback_rules.read_notification(message)
    except feedback_rules.MalformedNotification:
        count_email_feedback(None, None, feedback_rules.Outcome.MALFORMED, None)
        return feedback_rules.Outcome.MALFORMED
    outcome = feedback_rules.apply(dependencies.store(), dependencies.clock(), feedback)
    count_email_feedback(feedback.kind, feedback.event, outcome, feedback.message_id)
    return outcome


def count_email_feedback(kind: str | None, event: str | None, outcome: str, message_id: str | None) -> None:
    """The one place where a bounce or a complaint is counted: a log line for every notification, and
    the metric "bounces and complaints by kind" (contract §11) for each permanent bounce or complaint
    that could be read, whatever it changed (a bounce for an account activated since is still one).
    Transient bounces are SES's to retry: they are logged, not counted."""
    from .domain.email_feedback import Event

    line = {"genre": kind, "evenement": event, "resultat": outcome, "message_ses": message_id}
    logger.info("retour_courriel %s", json.dumps(line))
    if event == Event.PERMANENT_BOUNCE:
        metrics.email_feedback("Bounce", kind or "inconnu")
    elif event == Event.COMPLAINT:
        metrics.email_feedback("Complaint", kind or "inconnu")
