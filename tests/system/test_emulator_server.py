"""The emulator's server (`python -m tools.local.emulator`, what `make run` starts) under concurrent requests
over HTTP: 8 threads of conditional writes, transactions, queries and reads of the dashboard give no
5xx, and the transactions stay atomic (each moves one unit between two counters, so the total holds).

moto's own threaded server fails here with "dictionary changed size during iteration" (a 500) and
interleaves transactions' items."""

import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib import table
from tests.helpers.http import clean_environment
from tools.local.local_stack import FAKE_CREDENTIALS, ROOT, free_port, http_status

THREADS, ROUNDS, COUNTERS = 8, 25, 4
TABLE = "emulateur-concurrence"
EXPECTED_REFUSALS = {"ConditionalCheckFailedException", "TransactionCanceledException"}


@pytest.fixture(scope="module")
def endpoint():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "tools.local.emulator", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # werkzeug logs every request: an unread pipe would fill and block it
    )
    deadline = time.monotonic() + 30
    while http_status(f"{url}/moto-api/data.json") != 200:
        assert server.poll() is None and time.monotonic() < deadline, "the emulator did not start"
        time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


_clients_made = threading.Lock()


def client(endpoint: str):
    # No retry: a 500 must show, not be retried away. Clients are made one at a time (boto3's
    # session is not thread-safe), then used by one thread each.
    with _clients_made:
        return boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="eu-west-3",
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(retries={"mode": "standard", "max_attempts": 1}, read_timeout=30),
        )


def counter_key(number: int) -> dict:
    return {"pk": {"S": f"COMPTEUR#{number}"}, "sk": {"S": "A"}}


def move_one_unit(dynamodb, source: int, target: int) -> None:
    """Reads both counters, then moves a unit from one to the other if neither changed meanwhile."""
    read = dynamodb.batch_get_item(
        RequestItems={TABLE: {"Keys": [counter_key(source), counter_key(target)], "ConsistentRead": True}}
    )["Responses"][TABLE]
    versions = {item["pk"]["S"]: item["version"]["N"] for item in read}

    def moved(number: int, delta: str) -> dict:
        return {
            "Update": {
                "TableName": TABLE,
                "Key": counter_key(number),
                "UpdateExpression": "ADD unites :delta, version :one",
                "ConditionExpression": "version = :seen",
                "ExpressionAttributeValues": {
                    ":delta": {"N": delta},
                    ":one": {"N": "1"},
                    ":seen": {"N": versions[f"COMPTEUR#{number}"]},
                },
            }
        }

    dynamodb.transact_write_items(TransactItems=[moved(source, "-1"), moved(target, "1")])


def one_round(dynamodb, endpoint: str, number: int, round_: int) -> list:
    """A transaction, a conditional write racing the other threads', a query and a dashboard read."""
    return [
        lambda: move_one_unit(dynamodb, (number + round_) % COUNTERS, (number + round_ + 1) % COUNTERS),
        lambda: dynamodb.put_item(
            TableName=TABLE,
            Item={"pk": {"S": f"UNIQUE#{round_}"}, "sk": {"S": "A"}, "par": {"N": str(number)}},
            ConditionExpression="attribute_not_exists(pk)",
        ),
        lambda: dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"UNIQUE#{round_}"}},
        ),
        lambda: urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=30).read(),
    ]


def worker(endpoint: str, number: int) -> tuple[int, list[str]]:
    dynamodb, moves, errors = client(endpoint), 0, []
    for round_ in range(ROUNDS):
        for index, attempt in enumerate(one_round(dynamodb, endpoint, number, round_)):
            try:
                attempt()
                moves += index == 0
            except ClientError as error:
                code = error.response["Error"]["Code"]
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                if code not in EXPECTED_REFUSALS or status >= 500:
                    errors.append(f"{status} {code}: {error}")
            except Exception as error:  # a 500 from the dashboard, a dropped connection...
                errors.append(repr(error))
    return moves, errors


def test_eight_threads_of_conditional_writes_and_transactions_get_no_server_error(endpoint):
    dynamodb = client(endpoint)
    table.ensure_table(dynamodb, TABLE)
    for number in range(COUNTERS):
        dynamodb.put_item(TableName=TABLE, Item={**counter_key(number), "unites": {"N": "100"}, "version": {"N": "0"}})
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda number: worker(endpoint, number), range(THREADS)))
    errors = [error for _, thread_errors in results for error in thread_errors]
    assert errors == []
    counters = [
        dynamodb.get_item(TableName=TABLE, Key=counter_key(number), ConsistentRead=True)["Item"]
        for number in range(COUNTERS)
    ]
    assert sum(int(item["unites"]["N"]) for item in counters) == 100 * COUNTERS
    # every transaction that succeeded moved a unit: each adds 1 to the version of both its counters
    moves = sum(moved for moved, _ in results)
    assert moves > 0
    assert sum(int(item["version"]["N"]) for item in counters) == 2 * moves
    uniques = [
        dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": f"UNIQUE#{round_}"}, "sk": {"S": "A"}}).get("Item")
        for round_ in range(ROUNDS)
    ]
    assert all(uniques)
