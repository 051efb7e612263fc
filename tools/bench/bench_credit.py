"""`make bench-credit`: the crediting functions on a synthetic file, measured. A benchmark, not a test.

A file of 10,000 lines over 5,000 NIRs and 8 employers (for each person, a second line: another
employer the same year, the same employer another year, or another employer another year; lines
shuffled, so that one person's lines fall in different chunks), credited through both functions as
`make credit` does (tools/local/credit.py: in-process, through Chalice's test client), on a moto server of
its own (a process apart, so that the memory measured is the functions'). Then the same file again
(every line unchanged).

The emulator is the local stack's (tools/local/emulator.py), whose transactions back up only the items
they touch: moto's own copies the whole table before each, which would measure moto, not the functions.

Prints, for each run: lines per second, the functions' own CPU time per line, DynamoDB requests per
line (by operation), S3 and SQS requests, and memory: the peak resident size of this process, and
the Python heap's peak while splitting the file and while applying one chunk (tracemalloc).
"""

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalice.test import Client

LINES, PEOPLE, EMPLOYERS = 10_000, 5_000, 8
ROOT = Path(__file__).resolve().parents[2]


def synthetic_file(path: Path, seed: int = 2026) -> None:
    from stdnum import luhn
    from stdnum.fr import nir as nir_rules

    randomness = random.Random(seed)
    employers = []
    for number in range(EMPLOYERS):
        siren = f"{31000000 + number * 7919:08d}"
        siren += luhn.calc_check_digit(siren)
        employers.append(siren + "0001" + luhn.calc_check_digit(siren + "0001"))
    lines = []
    for person in range(PEOPLE):
        body = f"{1 + person % 2}{60 + person % 40:02d}{1 + person % 12:02d}75{person:06d}"[:13]
        nir = body + nir_rules.calc_check_digits(body + "00")
        first = randomness.randrange(EMPLOYERS)
        hours = randomness.choice(["1607", "1200", "803,5", "400", ""])
        lines.append(f"{employers[first]};{nir};2024;{hours or '1607'};")
        kind = person % 3
        other = employers[(first + 1) % EMPLOYERS] if kind != 1 else employers[first]
        year = 2024 if kind == 0 else 2023 if kind == 1 else 2025
        lines.append(f"{other};{nir};{year};{randomness.choice(['1607', '900', '300'])};")
    randomness.shuffle(lines)
    assert len(lines) == LINES
    path.write_text("siret;nir;annee;heures_travaillees;duree_reference\n" + "\n".join(lines) + "\n")


def start_emulator() -> tuple[subprocess.Popen[bytes], str]:
    from tools.local.local_stack import free_port, http_status

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen(
        [sys.executable, "-m", "tools.local.emulator", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while http_status(f"{url}/moto-api/data.json") is None:
        if time.monotonic() > deadline or moto.poll() is not None:
            moto.kill()
            raise RuntimeError("the emulator did not start")
        time.sleep(0.1)
    return moto, url


def count_requests() -> Counter[tuple[str, str]]:
    from chalicelib.dependencies import aws_client

    counts: Counter[tuple[str, str]] = Counter()
    for service in ("dynamodb", "s3", "sqs"):
        aws_client(service).meta.events.register(
            f"before-call.{service}.*", lambda model, service=service, **_: counts.update([(service, model.name)])
        )
    return counts


def run(client: "Client", name: str, path: Path, counts: Counter[tuple[str, str]]) -> dict[str, Any]:
    from tools.local import credit

    counts.clear()
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as content:
        report = credit.credit(client, name, content)
    if report is None:
        raise RuntimeError(f"{name}: a chunk failed for good, no report")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    dynamodb = {op: n for (service, op), n in counts.items() if service == "dynamodb"}
    others = {f"{service}:{op}": n for (service, op), n in counts.items() if service != "dynamodb"}
    total = sum(dynamodb.values())
    print(f"  report: { {k: v for k, v in report.items() if k != 'rejetees'} }, rejected {len(report['rejetees'])}")
    print(f"  {LINES / seconds:,.0f} lines/s ({seconds:.1f} s for {LINES:,} lines, one function at a time)")
    print(f"  CPU of the functions (this process, moto apart): {cpu:.1f} s, {1000 * cpu / LINES:.1f} ms a line")
    print(f"  DynamoDB: {total:,} requests, {total / LINES:.3f} a line: {dict(sorted(dynamodb.items()))}")
    print(f"  S3 and SQS: {dict(sorted(others.items()))}")
    return report


def heap_peaks(client: "Client", path: Path) -> tuple[float, float]:
    """The Python heap's peak while splitting the whole file, and while applying one chunk."""
    from chalicelib.settings import get_settings
    from tools.local import credit

    settings = get_settings()
    with path.open("rb") as content:
        event = credit.deposit(client, "memoire.csv", content, settings)
    tracemalloc.start()
    client.lambda_.invoke(credit.SPLIT_FUNCTION, event)
    split_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    from chalicelib.dependencies import aws_client

    sqs = aws_client("sqs", settings)
    url = sqs.get_queue_url(QueueName=settings.credit_queue)["QueueUrl"]
    message = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]
    sqs_event = client.events.generate_sqs_event([message["Body"]])
    tracemalloc.start()
    client.lambda_.invoke(credit.CHUNK_FUNCTION, sqs_event)
    chunk_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sqs.purge_queue(QueueUrl=url)
    return split_peak / 2**20, chunk_peak / 2**20


def main() -> int:
    moto, url = start_emulator()
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "eu-west-3",
            "AWS_DEFAULT_REGION": "eu-west-3",
        }
    )
    try:
        from chalice.test import Client

        from app import app
        from chalicelib.settings import get_settings
        from tools.local.bootstrap import bootstrap

        bootstrap(get_settings())
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "synthetique.csv"
            synthetic_file(path)
            size = path.stat().st_size
            print(f"Synthetic file: {LINES:,} lines, {PEOPLE:,} NIRs, {EMPLOYERS} employers, {size:,} bytes")
            counts = count_requests()
            with Client(app, stage_name="local") as client:
                print("First deposit (every line new):")
                run(client, "synthetique.csv", path, counts)
                print("The same file deposited again (every line unchanged):")
                run(client, "synthetique.csv", path, counts)
                split_peak, chunk_peak = heap_peaks(client, path)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"Memory: peak resident size of this process {rss:.0f} MiB (Python, boto3, Chalice, the app);")
        print(f"  Python heap peak: splitting the whole file {split_peak:.1f} MiB, one chunk {chunk_peak:.1f} MiB")
    finally:
        os.killpg(moto.pid, 15)
        moto.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
