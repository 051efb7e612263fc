"""`make credit FILE=<path>`: credit a declaration file on the local stack, as AWS would.

The file goes into the emulator's declarations bucket (under `declarations/`); then the two
functions of app.py run here, in-process, through Chalice's test client, on the events S3 and SQS
would send: the S3-triggered one on the object's notification (its version, ETag and deposit
time as S3 gives them), then the SQS-triggered one on the chunks it queued, CHUNKS_PER_INVOCATION at
a time, deleting what succeeded and making a failed chunk visible again (after MAX_RECEIVES
deliveries the queue moves it to its dead-letter queue). The report is printed as the last line.

It uses AWS_ENDPOINT_URL when set, like `make run`, else the local stack's emulator on
127.0.0.1:${MOTO_PORT:-5000}: never real AWS by accident. The local stack (tools/local/bootstrap.py) has
made the table, the bucket and the queues.
"""

import json
import os
import sys
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote_plus

from chalicelib import crediting
from chalicelib.dependencies import aws_client
from chalicelib.settings import Settings, points_at_loopback

if TYPE_CHECKING:
    from chalice.test import Client

SPLIT_FUNCTION = "split_declarations"
CHUNK_FUNCTION = "credit_chunks"
# Told after each batch of chunks: how many were applied, how many failed (to come back).
type OnBatch = Callable[[int, int], None]


def local_environment(environ: MutableMapping[str, str] = os.environ) -> None:
    """The local emulator unless AWS_ENDPOINT_URL names another endpoint; fake credentials for a
    loopback one (never for a remote endpoint, where they would hide the developer's own)."""
    if not environ.get("AWS_ENDPOINT_URL"):
        environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{environ.get('MOTO_PORT') or 5000}"
    if points_at_loopback(environ["AWS_ENDPOINT_URL"]):
        environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    environ.setdefault("AWS_REGION", environ.get("AWS_DEFAULT_REGION") or "eu-west-3")
    environ.setdefault("AWS_DEFAULT_REGION", environ["AWS_REGION"])


def deposit(client: "Client", name: str, content: bytes | IO[bytes], settings: Settings) -> dict[str, Any]:
    """Put `content` (bytes, or a file object read as a stream) at `declarations/<name>` and return
    the S3 notification AWS would send for it."""
    s3 = aws_client("s3", settings)
    key = crediting.DECLARATIONS_PREFIX + name
    stored = s3.put_object(Bucket=settings.declarations_bucket, Key=key, Body=content)
    size = s3.head_object(Bucket=settings.declarations_bucket, Key=key, VersionId=stored["VersionId"])["ContentLength"]
    event = client.events.generate_s3_event(settings.declarations_bucket, quote_plus(key, safe="/"))
    record = event["Records"][0]
    record["awsRegion"] = settings.aws_region
    record["eventTime"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    record["s3"]["object"].update(
        {"versionId": stored.get("VersionId"), "eTag": stored["ETag"].strip('"'), "size": size}
    )
    return event


def deliver_chunks(client: "Client", settings: Settings, on_batch: OnBatch | None = None) -> int:
    """What the SQS event source mapping does: receive, invoke, delete what succeeded, let the rest
    come back. Returns how many chunks were applied."""
    sqs = aws_client("sqs", settings)
    queue_url = sqs.get_queue_url(QueueName=settings.credit_queue)["QueueUrl"]
    applied = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=crediting.CHUNKS_PER_INVOCATION,
            VisibilityTimeout=crediting.QUEUE_VISIBILITY_SECONDS,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        if not messages:
            return applied
        event = client.events.generate_sqs_event([m["Body"] for m in messages], queue_name=settings.credit_queue)
        for record, message in zip(event["Records"], messages, strict=True):
            record["messageId"], record["receiptHandle"] = message["MessageId"], message["ReceiptHandle"]
            record["attributes"].update(message.get("Attributes", {}))
        answer = client.lambda_.invoke(CHUNK_FUNCTION, event).payload
        failed = {failure["itemIdentifier"] for failure in answer["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] in failed:
                sqs.change_message_visibility(
                    QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                applied += 1
        if on_batch is not None:
            on_batch(len(messages) - len(failed), len(failed))


def report_of(name: str, settings: Settings) -> dict[str, Any] | None:
    s3 = aws_client("s3", settings)
    key = f"{crediting.REPORTS_PREFIX}{name}.json"
    try:
        report: dict[str, Any] = json.loads(s3.get_object(Bucket=settings.declarations_bucket, Key=key)["Body"].read())
        return report
    except s3.exceptions.NoSuchKey:
        return None


def credit(
    client: "Client",
    name: str,
    content: bytes | IO[bytes],
    settings: Settings | None = None,
    on_batch: OnBatch | None = None,
) -> dict[str, Any] | None:
    """Deposit a file and run both functions on it; returns its report (None if a chunk failed for good)."""
    from chalicelib.settings import get_settings

    settings = settings or get_settings()
    client.lambda_.invoke(SPLIT_FUNCTION, deposit(client, name, content, settings))
    deliver_chunks(client, settings, on_batch)
    return report_of(name, settings)


def main(arguments: list[str]) -> int:
    if len(arguments) != 1 or not arguments[0]:
        print("usage : make credit FILE=<chemin du fichier de déclarations>", file=sys.stderr)
        return 2
    path = Path(arguments[0])
    if not path.is_file():
        print(f"credit : fichier introuvable : {path}", file=sys.stderr)
        return 2
    local_environment()

    from chalice.test import Client

    from app import app
    from chalicelib.settings import get_settings

    settings = get_settings()
    print(f"Dépôt de {path.name} dans s3://{settings.declarations_bucket}/declarations/ ({settings.aws_endpoint_url})")

    def progress(done: int, failed: int) -> None:
        print(f"  morceaux appliqués : {done}" + (f", en échec (remis en file) : {failed}" if failed else ""))

    from botocore.exceptions import ClientError, EndpointConnectionError

    try:
        with Client(app, stage_name="local") as client, path.open("rb") as content:
            report = credit(client, path.name, content, settings, progress)
    except EndpointConnectionError:
        print(f"credit : rien ne répond sur {settings.aws_endpoint_url} : lancez `make run`.", file=sys.stderr)
        return 1
    except ClientError as error:  # no bucket, no queue: a stack that was not bootstrapped
        print(f"credit : {error} (la pile locale crée le compartiment et la file : `make run`)", file=sys.stderr)
        return 1
    if report is None:
        print(
            json.dumps({"fichier": path.name, "erreur": "un morceau a échoué : voir la file des échecs"}),
            file=sys.stderr,
        )
        return 1
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
