"""`make bench-credit-parallel`: a 100,000-line declarations file over 30,000 NIRs credited by 8 SQS
consumers at once, then every NIR's hours compared with the rule computed from the file alone. A
benchmark, not a test.

The file: for each NIR, 3 or 4 lines (10,000 NIRs have 4), each a distinct (year, employer) among
2021-2024 and 8 employers, worked hours drawn from a few values (decimals included), the reference
duration empty (1607); lines shuffled, so that one NIR's lines fall in different chunks, applied by
different consumers at the same moment. Every NIR stays under 120 hours (4 years at 24 at most), so
that a year's hours do not depend on the order its years were credited in: the expected hours of a
year are ceil(24 x min(1, sum of its hours / 1607)), computed here with fractions, not by the
application's code.

The split function runs once (in-process, through Chalice's test client, as `make credit` does);
then 8 threads each do what the SQS event source mapping does: receive up to 5 chunks, call the real
SQS handler (chalicelib.crediting.credit_chunks) with them, delete the applied ones, let the failed
ones come back. All against one emulator of the local stack's kind (tools/local/emulator.py), started here.

Then the check: every NIR's rights record (heures_cpf) and every year's record (heures) equal the
rule's, read back with BatchGetItem; and for 1,000 NIRs, their movements add up to heures_cpf (no
movement lost or doubled). Prints lines per second and AWS requests per line.
"""

import math
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.bench.bench_credit import start_emulator

if TYPE_CHECKING:
    from chalicelib.settings import Settings

LINES, PEOPLE, EMPLOYERS, CONSUMERS = 100_000, 30_000, 8, 8
YEARS = (2021, 2022, 2023, 2024)
HOURS = ("1607", "1200", "803,5", "400", "1000", "250,25", "0")
FULL_RATE, REFERENCE = 24, Fraction(1607)


def nir_of(person: int) -> str:
    from stdnum.fr import nir as nir_rules

    body = f"{1 + person % 2}{60 + person % 40:02d}{1 + person % 12:02d}75{person:06d}"[:13]
    return body + nir_rules.calc_check_digits(body + "00")


def employers() -> list[str]:
    from stdnum import luhn

    sirets = []
    for number in range(EMPLOYERS):
        siren = f"{31000000 + number * 7919:08d}"
        siren += luhn.calc_check_digit(siren)
        sirets.append(siren + "0001" + luhn.calc_check_digit(siren + "0001"))
    return sirets


def synthetic_file(path: Path, lines_wanted: int, people: int, seed: int = 2027) -> dict[str, dict[int, int]]:
    """Writes the file; returns the expected hours per NIR and year, by the rule, from the lines."""
    randomness, sirets = random.Random(seed), employers()
    lines: list[str] = []
    worked: defaultdict[tuple[str, int], Fraction] = defaultdict(Fraction)
    for person in range(people):
        nir = nir_of(person)
        count = 4 if person < lines_wanted - 3 * people else 3
        pairs = randomness.sample([(year, siret) for year in YEARS for siret in sirets], count)
        for year, siret in pairs:
            hours = randomness.choice(HOURS)
            lines.append(f"{siret};{nir};{year};{hours};")
            worked[nir, year] += Fraction(hours.replace(",", "."))
    randomness.shuffle(lines)
    assert len(lines) == lines_wanted
    path.write_text("siret;nir;annee;heures_travaillees;duree_reference\n" + "\n".join(lines) + "\n")
    expected: dict[str, dict[int, int]] = defaultdict(dict)
    for (nir, year), total in worked.items():
        expected[nir][year] = math.ceil(FULL_RATE * min(Fraction(1), total / REFERENCE))
    return expected


def count_requests(counts: Counter[tuple[str, str]], lock: threading.Lock) -> None:
    from chalicelib.dependencies import aws_client

    def counted(model: Any, service: str) -> None:  # model: botocore's OperationModel
        with lock:
            counts[service, model.name] += 1

    for service in ("dynamodb", "s3", "sqs"):
        aws_client(service).meta.events.register(
            f"before-call.{service}.*", lambda model, service=service, **_: counted(model, service)
        )


def consume(settings: "Settings", stop_when_idle: threading.Event) -> tuple[int, int]:
    """One consumer: what the event source mapping does, around the real SQS handler."""
    from chalice.app import SQSEvent

    from chalicelib import crediting
    from chalicelib.dependencies import aws_client

    sqs = aws_client("sqs", settings)
    url = sqs.get_queue_url(QueueName=settings.credit_queue)["QueueUrl"]
    applied = failed = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=crediting.CHUNKS_PER_INVOCATION,
            VisibilityTimeout=crediting.QUEUE_VISIBILITY_SECONDS,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
            WaitTimeSeconds=1,
        ).get("Messages", [])
        if not messages:
            if stop_when_idle.is_set():
                return applied, failed
            continue
        records = [
            {
                "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                "attributes": m.get("Attributes", {}), "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{settings.aws_region}:123456789012:{settings.credit_queue}",
            }
            for m in messages
        ]  # fmt: skip
        answer = crediting.credit_chunks(SQSEvent({"Records": records}, None))
        failures = {failure["itemIdentifier"] for failure in answer["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] in failures:
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
                failed += 1
            else:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                applied += 1


def waiting_chunks(settings: "Settings") -> int:
    """Chunks on the queue, waiting or being applied (in flight)."""
    from chalicelib.dependencies import aws_client

    sqs = aws_client("sqs", settings)
    url = sqs.get_queue_url(QueueName=settings.credit_queue)["QueueUrl"]
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    return sum(int(v) for v in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"].values())


def read_back(settings: "Settings", expected: dict[str, dict[int, int]]) -> list[str]:
    """Every NIR's and every year's hours as stored, against the rule's; movements for a sample.
    Read through the store, which finds each NIR's rights under the rights id its item names."""
    from chalicelib.dependencies import aws_client
    from chalicelib.store import Store

    store, problems = Store(aws_client("dynamodb", settings), settings.table_name), list[str]()
    known = store.read_rights({(nir, year) for nir, years in expected.items() for year in years})
    for nir, years in expected.items():
        rights = known.by_nir.get(nir)
        got = rights.cpf if rights else 0
        if got != sum(years.values()):
            problems.append(f"NIR #{len(problems)}: {got} h credited, the rule gives {sum(years.values())}")
        for year, hours in years.items():
            record = known.by_year.get((nir, year))
            got = record.hours if record else 0
            if got != hours:
                problems.append(f"a year: {got} h, the rule gives {hours}")
    for nir in random.Random(1).sample(sorted(expected), min(1_000, len(expected))):
        rights_id = known.rights_ids.get(nir)
        movements = store.get_rights_and_movements(rights_id)[1] if rights_id else []
        total = sum(movement.hours for movement in movements)
        if total != sum(expected[nir].values()):
            problems.append(f"movements add up to {total}, the rule gives {sum(expected[nir].values())}")
    return problems


def main() -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=LINES)
    parser.add_argument("--people", type=int, default=PEOPLE, help="from lines/4 to lines/3")
    options = parser.parse_args()
    lines = options.lines

    moto, url = start_emulator()
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3",
            # the emulator serialises requests: 8 consumers queue behind each other's transactions
            "AWS_READ_TIMEOUT_SECONDS": os.environ.get("AWS_READ_TIMEOUT_SECONDS", "30"),
        }
    )  # fmt: skip
    try:
        from chalice.test import Client

        from app import app
        from chalicelib.settings import get_settings
        from tools.local import credit
        from tools.local.bootstrap import bootstrap

        settings = get_settings()
        bootstrap(settings)
        counts, lock = Counter[tuple[str, str]](), threading.Lock()
        count_requests(counts, lock)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "parallele.csv"
            expected = synthetic_file(path, lines, options.people)
            print(f"File: {lines:,} lines, {options.people:,} NIRs, {path.stat().st_size:,} bytes")
            started = time.perf_counter()
            with Client(app, stage_name="local") as client, path.open("rb") as content:
                client.lambda_.invoke(credit.SPLIT_FUNCTION, credit.deposit(client, "parallele.csv", content, settings))
        split_seconds = time.perf_counter() - started
        print(f"Split: {split_seconds:.1f} s", flush=True)
        split_counts = Counter(counts)
        idle = threading.Event()
        started = time.perf_counter()
        with ThreadPoolExecutor(CONSUMERS) as pool:
            consumers = [pool.submit(consume, settings, idle) for _ in range(CONSUMERS)]
            while waiting_chunks(settings):
                time.sleep(2)
            idle.set()
            results = [consumer.result() for consumer in consumers]
        apply_seconds = time.perf_counter() - started
        applied, failed = sum(a for a, _ in results), sum(f for _, f in results)
        applying = counts - split_counts
        dynamodb = {op: n for (service, op), n in applying.items() if service == "dynamodb"}
        others = {f"{service}:{op}": n for (service, op), n in applying.items() if service != "dynamodb"}
        print(f"Applied by {CONSUMERS} consumers: {applied} chunks ({failed} deliveries failed and came back)")
        print(f"  {lines / apply_seconds:,.0f} lines/s ({apply_seconds:.1f} s for {lines:,} lines)")
        print(f"  DynamoDB: {sum(dynamodb.values()):,} requests, {sum(dynamodb.values()) / lines:.3f} a line: "
              f"{dict(sorted(dynamodb.items()))}")  # fmt: skip
        print(f"  S3 and SQS (the benchmark's own SQS calls included): {dict(sorted(others.items()))}")
        print(f"  Report: {credit.report_of('parallele.csv', settings)}")
        problems = read_back(settings, expected)
        print(f"Check against the rule: {len(expected):,} NIRs, {sum(map(len, expected.values())):,} years: "
              f"{len(problems)} difference(s)")  # fmt: skip
        for problem in problems[:20]:
            print("  " + problem)
        return 1 if problems else 0
    finally:
        os.killpg(moto.pid, 15)
        moto.wait()


if __name__ == "__main__":
    sys.exit(main())
