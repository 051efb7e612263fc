"""The crediting functions' bodies: wiring between the Lambda events (S3, SQS) and the domain
(chalicelib/domain/crediting.py). app.py only routes.

The decorators of app.py take the bucket and queue names when the app is imported, which is also
when `chalice package` reads them: `decorator_names()` reads them from the settings then
(DECLARATIONS_BUCKET, CREDIT_QUEUE), and `make package` sets both from the stage's configuration so
that the template and the decorators name the same resources. Running, the functions read the
bucket from the event and the queue from the settings, like every other setting.

Logs hold counts, chunk indexes and line numbers, never a NIR (nor an exception's text, which could
quote a key): a failed chunk is logged by its exception's type.
"""

import json
import logging
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import dependencies, metrics
from .domain.crediting import DECLARATIONS_PREFIX, REPORTS_PREFIX
from .settings import get_settings

if TYPE_CHECKING:
    from .bucket_and_queue import ChunkQueue, DeclarationBucket
    from .domain.crediting import Upload

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)  # Lambda keeps the root logger at WARNING

__all__ = ["DECLARATIONS_PREFIX", "REPORTS_PREFIX", "credit_chunks", "decorator_names", "split_declarations"]
# Chunks per SQS-triggered invocation: a chunk of 500 lines takes seconds; five keep an invocation
# well under its timeout, and a failed one alone goes back to the queue (partial batch response).
CHUNKS_PER_INVOCATION = 5
# How many SQS-triggered functions may run at once (the event source mapping's MaximumConcurrency):
# what the table's write throughput can take (see the README's estimate), not Lambda's limit.
MAX_CONCURRENCY = 10
# The queue: a chunk not applied within the visibility timeout is delivered again; after
# MAX_RECEIVES deliveries it goes to the dead-letter queue (the queue's name + DEAD_LETTER_SUFFIX),
# kept 14 days. AWS advises a visibility of six times the function's timeout (.chalice/config.json).
CREDIT_TIMEOUT_SECONDS = 120
QUEUE_VISIBILITY_SECONDS = 6 * CREDIT_TIMEOUT_SECONDS
MAX_RECEIVES = 5
DEAD_LETTER_SUFFIX = "-echecs"
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600


def decorator_names() -> tuple[str, str]:
    """The bucket and the queue, as app.py's decorators (and `chalice package`) need them at import."""
    settings = get_settings()
    return settings.declarations_bucket, settings.credit_queue


def _ports() -> tuple["DeclarationBucket", "ChunkQueue"]:
    from .bucket_and_queue import ChunkQueue, DeclarationBucket

    settings = get_settings()
    return (
        DeclarationBucket(dependencies.aws_client("s3", settings)),
        ChunkQueue(dependencies.aws_client("sqs", settings), settings.credit_queue),
    )


def upload_of(record: dict[str, Any]) -> "Upload":
    """The stored version an S3 notification record names (its key arrives URL-encoded)."""
    from urllib.parse import unquote_plus

    from .domain.crediting import Upload

    s3 = record["s3"]
    return Upload(
        bucket=s3["bucket"]["name"],
        key=unquote_plus(s3["object"]["key"]),
        version=s3["object"].get("versionId"),
        etag=s3["object"].get("eTag", ""),
        deposited=record.get("eventTime", ""),
    )


def split_declarations(event: Any) -> list[dict[str, object]]:
    """S3 → split each deposited file into chunks on the queue. Returns and logs counts only."""
    from .domain import crediting

    bucket, queue = _ports()
    results = []
    for record in event.to_dict().get("Records", []):
        upload = upload_of(record)
        if not upload.key.startswith(DECLARATIONS_PREFIX):
            continue
        result = crediting.split_file(
            dependencies.store(),
            dependencies.clock(),
            upload,
            bucket.blocks(upload),
            queue.send,
            _report_writer(bucket, upload),
            get_settings().credit_chunk_lines,
        )
        logger.info("declarations_decoupees %s", json.dumps({"fichier": upload.name, **result}, ensure_ascii=False))
        results.append(result)
    return results


def credit_chunks(event: Any) -> dict[str, list[dict[str, str]]]:
    """SQS → apply each chunk; those that fail go back to the queue (partial batch response), and
    after their retries to the dead-letter queue."""
    from .domain import crediting

    bucket, _ = _ports()
    failures = []
    for record in event:
        message = record.to_dict()
        index = None
        try:
            upload, chunk = crediting.read_message(record.body)
            index = chunk.index
            counts = crediting.apply_chunk(
                dependencies.store(),
                dependencies.clock(),
                upload,
                chunk,
                bucket.blocks(upload, chunk.start, chunk.end),
                _report_writer(bucket, upload),
                _pause,
            )
        except Exception as error:  # anything: this chunk only goes back to the queue
            logger.error("morceau_en_echec %s", json.dumps({"morceau": index, "erreur": type(error).__name__}))
            metrics.count(metrics.CREDIT_CHUNKS_FAILED)
            failures.append({"itemIdentifier": message.get("messageId")})
            continue
        logger.info("morceau_applique %s", json.dumps({"fichier": upload.name, "morceau": chunk.index, **counts}))
        _count_lines(counts)
    return {"batchItemFailures": failures}


def _report_writer(bucket: "DeclarationBucket", upload: "Upload") -> Callable[[str, dict[str, object]], None]:
    """Where a file's report goes: beside it, in its bucket."""
    return lambda key, report: bucket.write_report(upload.bucket, key, report)


# A chunk's counts (chalicelib/domain/crediting.py) → the metrics they add to. A redelivered chunk
# counts again, its lines then unchanged: the metrics count the work done, the report the file.
LINE_METRICS = {
    "appliquees": metrics.DECLARATION_LINES_CREDITED,
    "inchangees": metrics.DECLARATION_LINES_UNCHANGED,
    "regularisees": metrics.DECLARATION_LINES_REGULARISED,
    "rejetees": metrics.DECLARATION_LINES_REJECTED,
}


def _count_lines(counts: dict[str, int]) -> None:
    for outcome, metric in LINE_METRICS.items():
        metrics.count(metric, counts.get(outcome, 0))


def _pause(attempt: int) -> None:
    """Before trying a conflicting line again: a short random wait, longer each time."""
    dependencies.sleep(random.uniform(0, 0.02 * 2**attempt))
