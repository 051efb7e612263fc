"""S3 and SQS for crediting, and nothing else speaks to them: declaration files are read from the
bucket as streams of blocks (a chunk as a byte range of one stored version), reports are written
beside them, and chunks are sent to the queue ten at a time.
"""

import json
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from .domain.crediting import Upload

BLOCK_BYTES = 64 * 1024
SEND_ATTEMPTS = 5


class DeclarationBucket:
    def __init__(self, s3_client: Any) -> None:
        self._s3 = s3_client

    def blocks(self, upload: Upload, start: int | None = None, end: int | None = None) -> Iterator[bytes]:
        """The bytes of exactly this upload (its version, or its ETag when the bucket keeps no
        versions), from `start` to `end` (excluded) when given, a block at a time."""
        arguments: dict[str, Any] = {"Bucket": upload.bucket, "Key": upload.key}
        if upload.version:
            arguments["VersionId"] = upload.version
        elif upload.etag:
            arguments["IfMatch"] = upload.etag if upload.etag.startswith('"') else f'"{upload.etag}"'
        if start is not None and end is not None:
            arguments["Range"] = f"bytes={start}-{end - 1}"
        body = self._s3.get_object(**arguments)["Body"]
        try:
            yield from body.iter_chunks(BLOCK_BYTES)
        finally:
            body.close()

    def write_report(self, bucket: str, key: str, report: dict[str, object]) -> None:
        self._s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=(json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
            ContentType="application/json; charset=utf-8",
        )


class ChunkQueue:
    def __init__(self, sqs_client: Any, queue_name: str) -> None:
        self._sqs = sqs_client
        self._name = queue_name
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            url: str = self._sqs.get_queue_url(QueueName=self._name)["QueueUrl"]
            self._url = url
        return self._url

    def send(self, bodies: list[str]) -> None:
        """Up to ten messages in one request; those SQS refuses for a passing reason are sent again."""
        entries = [{"Id": str(number), "MessageBody": body} for number, body in enumerate(bodies)]
        for _ in range(SEND_ATTEMPTS):
            failed = self._sqs.send_message_batch(QueueUrl=self.url, Entries=entries).get("Failed") or []
            if not failed:
                return
            if any(failure.get("SenderFault") for failure in failed):
                raise ClientError({"Error": {"Code": failed[0].get("Code", "SenderFault")}}, "SendMessageBatch")
            refused = {failure["Id"] for failure in failed}
            entries = [entry for entry in entries if entry["Id"] in refused]
        raise RuntimeError(f"SQS refused {len(entries)} chunk message(s) {SEND_ATTEMPTS} times")
