"""Set up an AWS account (real or emulated) for the app: the table, with TTL on, a verified sender,
the sealing keyring (tools/local/rotate_keys.py), and for crediting the declarations bucket and the chunk
queue with its dead-letter queue.

Every step is idempotent: running this again changes nothing. `make run` calls it on the local
emulator; run it by hand with `python -m tools.local.bootstrap` (settings come from the environment).
"""

import contextlib
import json
import sys
from typing import Any

from chalicelib import crediting, table
from chalicelib.dependencies import aws_client
from chalicelib.settings import ConfigurationError, Settings, get_settings
from tools.local.rotate_keys import ensure_keyring


def bootstrap(settings: Settings) -> None:
    """Create the table (TTL on) unless it exists, verify the sender identity with SES, and create
    the sealing keyring, the declarations bucket and the crediting queues unless they exist."""

    table.ensure_table(aws_client("dynamodb", settings), settings.table_name)
    ensure_keyring(aws_client("secretsmanager", settings), settings.sealing_keyring_secret)
    aws_client("ses", settings).verify_email_identity(EmailAddress=settings.sender_email)
    ensure_email_feedback(aws_client("ses", settings), aws_client("sns", settings), settings)
    ensure_declarations_bucket(aws_client("s3", settings), settings.declarations_bucket, settings.aws_region)
    ensure_credit_queues(aws_client("sqs", settings), settings.credit_queue)


def ensure_email_feedback(ses: Any, sns: Any, settings: Settings) -> None:
    """The configuration set every email names and the topic its Bounce and Complaint events go to,
    with that event destination (contract §10). On the local emulator nothing publishes to the
    topic: `make bounce` / `make complaint` hand the notification to the function (tools/local/ses_feedback.py)."""
    topic_arn = sns.create_topic(Name=settings.email_feedback_topic)["TopicArn"]  # idempotent
    with contextlib.suppress(ses.exceptions.ConfigurationSetAlreadyExistsException):
        ses.create_configuration_set(ConfigurationSet={"Name": settings.ses_configuration_set})
    destination = {
        "Name": "retours-vers-sns",
        "Enabled": True,
        "MatchingEventTypes": ["bounce", "complaint"],
        "SNSDestination": {"TopicARN": topic_arn},
    }
    with contextlib.suppress(ses.exceptions.EventDestinationAlreadyExistsException):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=settings.ses_configuration_set, EventDestination=destination
        )


def ensure_declarations_bucket(s3: Any, name: str, region: str) -> None:
    """Private, encrypted and versioned, as the deploy template makes it."""
    arguments: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":  # the one region that refuses its own name as a location
        arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(**arguments)
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def ensure_credit_queues(sqs: Any, name: str) -> str:
    """The chunk queue and its dead-letter queue, as the deploy template makes them; returns the
    queue's URL. CreateQueue with the same attributes is idempotent."""
    dead_letters = sqs.create_queue(
        QueueName=name + crediting.DEAD_LETTER_SUFFIX,
        Attributes={"MessageRetentionPeriod": str(crediting.DEAD_LETTER_RETENTION_SECONDS)},
    )["QueueUrl"]
    dead_letters_arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dead_letters_arn, "maxReceiveCount": str(crediting.MAX_RECEIVES)}
    queue_url: str = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(crediting.QUEUE_VISIBILITY_SECONDS),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return queue_url


def main() -> None:
    try:
        settings = get_settings()
    except ConfigurationError as error:
        sys.exit(f"bootstrap: {error}")
    bootstrap(settings)
    where = settings.aws_endpoint_url or f"AWS {settings.aws_region}"
    print(
        f"bootstrap: table {settings.table_name} ready (TTL on), sender {settings.sender_email} verified "
        f"(configuration set {settings.ses_configuration_set}), keyring {settings.sealing_keyring_secret}, "
        f"bucket {settings.declarations_bucket} and queue {settings.credit_queue} ready, on {where}"
    )


if __name__ == "__main__":
    main()
