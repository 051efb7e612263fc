"""`make bounce EMAIL=<address>` and `make complaint EMAIL=<address>`: what SES would publish about
the last message sent to that address on the local stack, handed to app.py's feedback function as
SNS would hand it (contract §10). Also the builder of those notifications for the tests.

The notification is SES's documented event publishing record ("Examples of event data that Amazon
SES publishes to Amazon SNS": `eventType`, `bounce` or `complaint`, `mail` with its `tags`), as the
`Message` of an SNS notification; the function runs here, in-process, through Chalice's test
client (`lambda_.invoke` on `events.generate_sns_event`), against the running stack's emulator.

The emulator (moto) keeps neither the configuration set nor the tags of a message, so they are
found again as SES would hold them: the kind from the subject, the record id from the message's
link (its code's record names its account or délégation) or, for the notice that has no link, from
the address's reservation. A tool: never shipped, only against a loopback emulator.
"""

import json
import re
import sys
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib import mailer
from chalicelib.domain import tokens
from chalicelib.domain.email_feedback import KIND_TAG, RECORD_TAG, MessageKind
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalice.test import Client

FUNCTION = "apply_email_feedback"
ACCOUNT_ID = "123456789012"
_LINK = re.compile(r"/(activation|reinitialisation|courriel|delegation)#c=([A-Za-z0-9_-]+)")


class ReadsByKey(Protocol):
    """The one thing of the store this tool uses: an item read by its key (the store's `_get`)."""

    def _get(self, key: tuple[str, str]) -> dict[str, Any] | None: ...


# The notification ---------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def mail_object(message_id: str, recipient: str, tags: dict[str, str], configuration_set: str) -> dict[str, Any]:
    """SES's `mail` object: the message as sent, its tags each as a list of values (SES adds its own)."""
    return {
        "timestamp": _now(),
        "source": "ne-pas-repondre@moncompteformation.gouv.fr",
        "sourceArn": "arn:aws:ses:eu-west-3:123456789012:identity/ne-pas-repondre@moncompteformation.gouv.fr",
        "sendingAccountId": ACCOUNT_ID,
        "messageId": message_id,
        "destination": [recipient],
        "headersTruncated": False,
        "tags": {
            "ses:configuration-set": [configuration_set],
            "ses:source-ip": ["192.0.2.0"],
            "ses:from-domain": ["moncompteformation.gouv.fr"],
            "ses:caller-identity": ["mon-compte-formation"],
            **{name: [value] for name, value in tags.items()},
        },
    }


def bounce_notification(mail: dict[str, Any], recipient: str, permanent: bool = True) -> dict[str, Any]:
    """A Bounce event: "Permanent" (the address does not exist) or "Transient" (a full mailbox)."""
    return {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent" if permanent else "Transient",
            "bounceSubType": "General" if permanent else "MailboxFull",
            "bouncedRecipients": [
                {
                    "emailAddress": recipient,
                    "action": "failed",
                    "status": "5.1.1" if permanent else "4.2.2",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown" if permanent else "smtp; 452 4.2.2 mailbox full",
                }
            ],
            "timestamp": _now(),
            "feedbackId": "0100018c4f053b61-b59c1192-36e6-11ee-8f96-7be8aexample-000000",
            "reportingMTA": "dsn; a1-2.smtp-out.eu-west-3.amazonses.com",
        },
        "mail": mail,
    }


def complaint_notification(mail: dict[str, Any], recipient: str) -> dict[str, Any]:
    """A Complaint event: the person marked the message as spam (a feedback loop's "abuse" report)."""
    return {
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": recipient}],
            "timestamp": _now(),
            "feedbackId": "0100018c4f053b61-b59c1192-36e6-11ee-8f96-7be8aexample-000001",
            "userAgent": "Mozilla/5.0 (compatible; FeedbackLoop/1.0)",
            "complaintFeedbackType": "abuse",
            "arrivalDate": _now(),
        },
        "mail": mail,
    }


def sns_event(client: "Client", notification: dict[str, Any]) -> dict[str, Any]:
    """The Lambda event SNS delivers: the notification as the `Message` text of its one record."""
    return client.events.generate_sns_event(json.dumps(notification), subject="")


# The last message to an address, as SES would know it -------------------------------------------


def kind_of(subject: str) -> MessageKind | None:
    prefix, _, suffix = mailer.INVITATION_SUBJECT.partition("{holder}")
    if subject.startswith(prefix) and subject.endswith(suffix) and len(subject) > len(prefix + suffix):
        return MessageKind.DELEGATION
    return {
        mailer.ACTIVATION_SUBJECT: MessageKind.ACTIVATION,
        mailer.RESET_SUBJECT: MessageKind.RESET,
        mailer.EMAIL_CHANGE_SUBJECT: MessageKind.EMAIL_CHANGE,
        # Every notice without a link is sent as the email change's notice is (SES kind `courriel_notice`).
        mailer.EMAIL_CHANGE_NOTICE_SUBJECT: MessageKind.EMAIL_CHANGE_NOTICE,
        mailer.DELEGATION_NOTICE_SUBJECT: MessageKind.EMAIL_CHANGE_NOTICE,
        mailer.PASSWORD_CHANGED_SUBJECT: MessageKind.EMAIL_CHANGE_NOTICE,
        mailer.PASSWORD_RESET_NOTICE_SUBJECT: MessageKind.EMAIL_CHANGE_NOTICE,
        mailer.CLOSURE_NOTICE_SUBJECT: MessageKind.CLOSURE_NOTICE,
    }.get(subject)


def record_id_of(store: ReadsByKey, kind: MessageKind, body: str, recipient: str) -> str | None:
    """The tag the application gave the message: the record its link's code leads to. (A tool:
    it reads the records by their keys, the store's own way, without a method of the store's API.)"""
    from chalicelib.domain.identity import email_key
    from chalicelib.store import keys

    found = _LINK.search(body)
    if kind == MessageKind.EMAIL_CHANGE_NOTICE or found is None:
        reservation = store._get(keys.email_key(email_key(recipient)))
        account_id: str | None = (reservation or {}).get("compte_id")
        return account_id
    # Every link's code is its secret; an activation link mailed before codes were bare secrets starts with it.
    secret = tokens.activation_secret(found.group(2)) if kind == MessageKind.ACTIVATION else found.group(2)
    digest = tokens.digest(secret or "")
    key = {
        MessageKind.ACTIVATION: keys.activation_key,
        MessageKind.RESET: keys.reset_key,
        MessageKind.EMAIL_CHANGE: keys.email_change_key,
        MessageKind.DELEGATION: keys.invitation_key,
    }[kind](digest)
    record = store._get(key) or {}
    record_id: str | None = record.get("delegation_id" if kind == MessageKind.DELEGATION else "compte_id")
    return record_id


def last_message_to(messages: list[dict[str, Any]], address: str) -> dict[str, Any] | None:
    """moto's record of the newest message to `address` (its `destinations`, `subject`, `body`, `id`)."""
    wanted = address.casefold()
    for message in reversed(messages):
        recipients = (message.get("destinations") or {}).get("ToAddresses", [])
        if any(recipient.casefold() == wanted for recipient in recipients):
            found: dict[str, Any] = message
            return found
    return None


def notification_for(
    store: ReadsByKey, message: dict[str, Any], address: str, event: str, configuration_set: str
) -> dict[str, Any]:
    """What SES would publish about `message` (moto's record): event is "bounce" or "complaint"."""
    kind = kind_of(message.get("subject", ""))
    if kind is None:
        raise LookupError("ce message n'est pas l'un de ceux que l'application envoie")
    record_id = record_id_of(store, kind, message.get("body", ""), address) or "inconnu"
    mail = mail_object(message["id"], address, {KIND_TAG: kind.value, RECORD_TAG: record_id}, configuration_set)
    return complaint_notification(mail, address) if event == "complaint" else bounce_notification(mail, address)


def local_settings(environ: MutableMapping[str, str] | None = None) -> Settings:
    """The stack's settings (tools/local/credit.py's environment); only against a loopback emulator."""
    import os

    from chalicelib.settings import get_settings, points_at_loopback
    from tools.local.credit import local_environment

    local_environment(os.environ if environ is None else environ)
    settings = get_settings()
    if not points_at_loopback(settings.aws_endpoint_url):
        raise SystemExit("make bounce / make complaint : seulement contre un émulateur local (AWS_ENDPOINT_URL)")
    return settings


def sent_messages(settings: Settings) -> list[dict[str, Any]]:
    """moto's records of the emails SES accepted, oldest first."""
    import urllib.request

    endpoint = settings.aws_endpoint_url or ""  # a loopback emulator's (local_settings)
    with urllib.request.urlopen(f"{endpoint.rstrip('/')}/moto-api/data.json", timeout=5) as answer:
        messages = json.load(answer).get("ses", {}).get("Message", [])
    return list(messages.values()) if isinstance(messages, dict) else list(messages)


def deliver(event: str, message: dict[str, Any], settings: Settings) -> str:
    """Hand SES's notification about `message` (moto's record) to the function, as SNS would; its outcome."""
    from chalice.test import Client

    from app import app
    from chalicelib import dependencies

    address = (message.get("destinations") or {}).get("ToAddresses", [""])[0]
    notification = notification_for(dependencies.store(), message, address, event, settings.ses_configuration_set)
    with Client(app, stage_name="local") as client:
        outcome: str = client.lambda_.invoke(FUNCTION, sns_event(client, notification)).payload
        return outcome


def feed_back(event: str, address: str, environ: MutableMapping[str, str] | None = None) -> str:
    """Build the notification for the last message to `address` and hand it to the function;
    returns the function's outcome."""
    settings = local_settings(environ)
    message = last_message_to(sent_messages(settings), address)
    if message is None:
        raise LookupError(f"aucun courriel envoyé à {address} sur la pile locale")
    return deliver(event, message, settings)


def main(arguments: list[str]) -> int:
    if len(arguments) != 2 or arguments[0] not in ("bounce", "complaint") or not arguments[1]:
        print("usage : make bounce EMAIL=<adresse>  |  make complaint EMAIL=<adresse>", file=sys.stderr)
        return 2
    event, address = arguments
    try:
        outcome = feed_back(event, address)
    except LookupError as error:
        print(f"{event} : {error}", file=sys.stderr)
        return 1
    except OSError:
        print("La pile locale ne répond pas : lancez d'abord `make run`.", file=sys.stderr)
        return 1
    print(f"{event} : {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
