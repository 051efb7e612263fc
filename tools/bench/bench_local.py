"""`make bench-local`: the journey over HTTP on a local stack whose table holds 0, 50,000 then 200,000
items. A benchmark, not a test: it prints each step's median and 95th percentile per table size, and
the whole journey's ratio to the empty table's (the target: within 1.5x at 200,000 items).

It starts a stack of its own per table size (tools/local/local_stack.py, on free ports, the captcha's
answer fixed), so that `make run` may go on beside them, fills each table with BatchWriteItem
against its emulator, with items shaped as the application's (accounts, their history and
dossiers, CPF rights and movements, sessions: 10 items a person) in partitions of their own, then
runs the journeys on the stacks in turn: every size meets the same load of the machine (which,
shared, varies by a factor of two within minutes).

Options: `--journeys N` per size (default 12), `--sizes 0,50000,200000`.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

from tools.bench.journey_http import Answer, Mailbox, Person, Send, nir_of, urllib_send, whole_journey
from tools.local.local_stack import LocalStack, clean_environment, free_ports

CAPTCHA = "AE23HJ"
ITEMS_A_PERSON = 11


def filler_items(person: int) -> list[dict[str, Any]]:
    """What one holder leaves in the table: their account, identifier, email, rights, movements,
    history, a dossier and a session (the shapes of chalicelib/store/keys.py, other values)."""
    nir, account, rights = nir_of(person, prefix="2"), f"remplissage-{person:08d}", f"droits-{person:08d}"
    now = "2026-11-02T10:00:00.000000Z"

    def item(pk: str, sk: str, **attributes: object) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": str(v)} for k, v in attributes.items()}}

    return [
        item(f"COMPTE#{account}", "COMPTE", nir=nir, courriel=f"p{person}@example.fr", statut="actif", cree=now),
        item(f"IDENTIFIANT#{nir}", "IDENTIFIANT", compte=account),
        item(f"COURRIEL#p{person}@example.fr", "COURRIEL", compte=account),
        item(f"NIR#{nir}", "DROITS", droits_id=rights),
        item(f"DROITS#{rights}", "DROITS", heures="120", dif="0"),
        item(f"DROITS#{rights}", "ANNEE#2024", heures="24", declarations="31000000100001"),
        item(f"DROITS#{rights}", f"DROITS#MOUVEMENT#{now}#a{person:07x}", heures="24", libelle="Alimentation 2024"),
        item(f"COMPTE#{account}", f"EVENEMENT#{now}#b{person:07x}", type="inscription", detail="Inscription"),
        item(f"COMPTE#{account}", f"EVENEMENT#{now}#c{person:07x}", type="activation", detail="Activation"),
        item(f"COMPTE#{account}", f"DOSSIER#d{person:07x}", intitule="Bureautique", heures="20", statut="clos"),
        item(f"SESSION#{person:064x}", "SESSION", compte=account, expire="2026-11-02T10:30:00Z"),
    ]


def fill(dynamodb: Any, table_name: str, people: range) -> None:
    batch: list[dict[str, Any]] = []
    for person in people:
        batch.extend({"PutRequest": {"Item": item}} for item in filler_items(person))
        while len(batch) >= 25:
            _write(dynamodb, table_name, batch[:25])
            batch = batch[25:]
    if batch:
        _write(dynamodb, table_name, batch)


def _write(dynamodb: Any, table_name: str, requests: list[dict[str, Any]]) -> None:
    unprocessed = {table_name: requests}
    while unprocessed:
        unprocessed = dynamodb.batch_write_item(RequestItems=unprocessed).get("UnprocessedItems") or {}


def timed_send(send: Send, timings: dict[str, list[Any]]) -> Send:
    """`send`, each step's duration added to `timings[step]`, and the steps answered with a 5xx to `timings["5xx"]`."""

    def timed(step: str, method: str, path: str, body: object, token: str | None) -> Answer:
        started = time.perf_counter()
        answer = send(step, method, path, body, token)
        timings[step].append(time.perf_counter() - started)
        if answer.status >= 500:
            timings["5xx"].append(step)
        return answer

    return timed


def run_journeys(stacks: dict[int, LocalStack], rounds: int, first: int) -> dict[int, dict[str, list[float]]]:
    """`rounds` journeys on each stack, interleaved (one on each in turn), so that every table size
    meets the same load of the machine."""
    timings: dict[int, dict[str, list[float]]] = {size: defaultdict(list) for size in stacks}
    for round_ in range(rounds):
        for position, (size, stack) in enumerate(stacks.items()):
            number = first + round_ * len(stacks) + position
            send, mailbox = timed_send(urllib_send(stack.api_url), timings[size]), Mailbox(stack.endpoint_url)
            person = Person(nir=nir_of(number), courriel=f"banc.{number}@example.fr")
            started = time.perf_counter()
            whole_journey(send, mailbox, person, CAPTCHA, email_change=round_ % 2 == 0)
            timings[size]["journey"].append(time.perf_counter() - started)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(results: dict[int, dict[str, list[float]]]) -> None:
    sizes = sorted(results)
    steps = [step for step in results[sizes[0]] if step not in ("5xx", "journey")] + ["journey"]
    header = "step".ljust(20) + "".join(f"{size:>9,} items: median / p95".rjust(32) for size in sizes)
    print(header)
    for step in steps:
        cells = []
        for size in sizes:
            values = [1000 * v for v in results[size].get(step, [])]
            cells.append(f"{statistics.median(values):9.1f} / {percentile(values, 0.95):7.1f} ms".rjust(32))
        print(step.ljust(20) + "".join(cells))
    empty = statistics.median(results[sizes[0]]["journey"])
    for size in sizes[1:]:
        ratio = statistics.median(results[size]["journey"]) / empty
        print(f"Whole journey, median, {size:,} items / empty table: {ratio:.2f}x")
    errors = {size: results[size].get("5xx", []) for size in sizes}
    print(f"5xx answers: {errors}")


def start_stack() -> LocalStack:
    api_port, moto_port = free_ports(2)
    stack = LocalStack(
        api_port, moto_port, {"CAPTCHA_FIXED_ANSWER": CAPTCHA}, environ=clean_environment(),
        capture_output=True, autoreload=False,
    )  # fmt: skip
    return stack.start()


def fill_stack(stack: LocalStack, size: int) -> None:
    import boto3

    env = stack.env
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=stack.endpoint_url, region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )  # fmt: skip
    started = time.perf_counter()
    fill(dynamodb, env.get("TABLE_NAME") or "mon-compte-formation", range(size // ITEMS_A_PERSON))
    print(f"Filled a table with {size:,} items in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=12)
    parser.add_argument("--sizes", default="0,50000,200000")
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(","))
    stacks: dict[int, LocalStack] = {}
    try:
        for size in sizes:
            stacks[size] = start_stack()
            if size:
                fill_stack(stacks[size], size)
        run_journeys(stacks, 2, 900_000)  # warm-up, not counted
        results = run_journeys(stacks, options.journeys, 1000)
    finally:
        for stack in stacks.values():
            stack.close()
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
