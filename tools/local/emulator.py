"""The one AWS emulator of everything local: moto 5.2, patched where it does not hold as data grows or
under concurrent requests. `make run`, the system tests, `make credit`, the benchmarks and the in-process
`aws` fixture of the tests all run it (`install()`, or `python -m tools.local.emulator -H host -p port` for
moto's server).

What moto does, and what this module changes (each patch is one function below):

1. `TransactWriteItems` deep-copies every table it names before applying the transaction, to roll
   back a cancelled one: a cost in proportion to the table (a table of 200,000 items copied for a
   two-item transaction). Here the transaction backs up only the items it touches and puts exactly
   those back when it is cancelled: the same rollback, in proportion to the transaction.
2. A `Query` on a table's own key walks and sorts every item of the table to keep one partition's.
   Here it reads that partition only (queries of an index are left as moto does them).
3. Every DynamoDB item moto creates is remembered for its dashboard (`/moto-api/data.json`) and never
   forgotten: memory that grows with every write, and a dashboard (where the local stack reads its
   emails) that walks every item. Here items are not remembered; the dashboard still shows the rest.
4. moto's server answers requests on threads, and its backends are plain dicts and lists without
   locks: concurrent requests fail with "dictionary changed size during iteration", and interleaved
   transactions are not atomic. Here one lock serialises every DynamoDB and SES request (parsing,
   backend and answer) and the dashboard's reads, which is also DynamoDB's isolation for
   transactions. SQS is left concurrent: its queues have their own lock, and a long-polling
   ReceiveMessage holding ours would stall every service for its wait. S3 objects carry their own
   lock too, and the local stack writes one object per deposited file.

5. An UpdateExpression is parsed again by each of the three places that read it, and two of the
   validator's checks (the count of each clause, paths updated twice) run again at every node of
   the expression over the node's whole subtree: a cost in the square of the expression's length
   (10 ms for the 15 assignments of a registration's identity). Here an expression's text is
   parsed once (the validator works on its own copy of the tree, as before) and both checks run
   once, on the whole expression: any part of it holds a subset of its clauses and paths, so the
   verdict is the same for every expression the application sends. A ConditionExpression is
   parsed three times a request (to check its names, to check the condition, to write): here the
   parse of one text with the same names and values is kept for the next ones (the tree it gives
   is only read), and a text is split into tokens once (the tokens are immutable). The validator
   copies an expression's tree before working on it: through pickle, 3.6 times as fast as
   `copy.deepcopy` for the same copy; and its checks' table of node kinds is built once each
   rather than at every node.

And one addition: `GET /moto-api/emails?to=<address>` answers the emails SES accepted for that
address (oldest first, as the dashboard shows them: id, source, destinations, subject, body), without
walking every model of every service as `/moto-api/data.json` does: the load test reads its emails
there while thousands have been sent.

Each patch reaches into moto's internals (private names, the layout of its backends), so this module
is written for one moto version, `MOTO_VERSION`, the one requirements-dev.txt pins, and refuses to be
imported with another: on an upgrade, re-check every patch against the new moto (and drop those its
comment says moto now makes unneeded), then change `MOTO_VERSION`. Each patch says which change of
moto would retire it; each is small enough to be proposed upstream.
"""

import copy
import functools
import importlib.metadata
import json
import pickle
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

MOTO_VERSION = "5.2.5"  # the version these patches were written for and checked against


def _check_moto_version(installed: str) -> None:
    if installed != MOTO_VERSION:
        raise ImportError(
            f"tools/local/emulator.py patches moto {MOTO_VERSION}'s internals, and moto {installed} is installed: "
            "re-check each patch against the new moto, then set MOTO_VERSION (and the pin in requirements-dev.txt)"
        )


_check_moto_version(importlib.metadata.version("moto"))

# One lock for the emulated services; re-entrant because a request may call back into the backend.
LOCK = threading.RLock()
_installed = False


def install() -> None:
    """Patches moto, in this process, once (idempotent)."""
    global _installed
    with LOCK:
        if _installed:
            return
        _back_up_only_the_touched_items()
        _query_one_partition()
        _forget_items_for_the_dashboard()
        _serialise_requests()
        _read_each_expression_once()
        _answer_emails_by_recipient()
        _installed = True


def _replace(owner: object, name: str, value: object) -> None:
    """One patch: `owner.name` (a module's global, a class's method) becomes `value`. Through setattr,
    because a method assigned on its class is what mypy refuses to type, and a patch is exactly that."""
    setattr(owner, name, value)


# 1. Transactions
# Retired when moto's `DynamoDBBackend.transact_write_items` backs up the items a transaction names
# rather than `copy.deepcopy` of every table it names (the rollback it needs is per item).


class _TablesNotCopied:
    """Stands for the `copy` module inside moto's DynamoDB backend, whose only deep copies are of the
    tables a transaction names (not copied: `transact_write_items` below backs up items instead) and
    of an item in `update_item` (copied as before)."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _back_up_only_the_touched_items() -> None:
    import moto.dynamodb.models as models

    _replace(models, "copy", _TablesNotCopied)
    apply_transaction = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: models.DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        backups = [backup for item in transact_items if (backup := _item_backup(self, item)) is not None]
        try:
            return apply_transaction(self, transact_items)
        except Exception:
            for restore in reversed(backups):  # an item named twice gets its first (original) state last
                restore()
            raise

    _replace(models.DynamoDBBackend, "transact_write_items", transact_write_items)


def _item_backup(backend: Any, transact_item: dict[str, Any]) -> Callable[[], None] | None:
    """A function that puts back the item this part of a transaction names, as it is now (absent
    included); None when the part names no item moto could write (moto refuses it anyway)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        (operation,) = transact_item.values()
        table = backend.get_table(operation["TableName"])
        attributes = operation["Item"] if "Item" in operation else operation["Key"]
        hash_key = DynamoType(attributes[table.hash_key_attr])
        range_key = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
    except Exception:  # a malformed part: moto answers it with the right error and writes nothing of it
        return None
    if range_key is None:
        saved = copy.deepcopy(table.items.get(hash_key))
    else:
        saved = copy.deepcopy(table.items[hash_key].get(range_key) if hash_key in table.items else None)

    def restore() -> None:
        if range_key is None:
            if saved is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = saved
        elif saved is None:
            table.items[hash_key].pop(range_key, None)
        else:
            table.items[hash_key][range_key] = saved

    return restore


# 2. Queries of a table's own key
# Retired when moto's `Table.query` reads `self.items[hash_key]` for a query of the table's own key
# instead of filtering `all_items()`.


def _query_one_partition() -> None:
    from moto.dynamodb.models.table import Table

    query_every_item = Table.query

    def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name or hash_key is None:
            return query_every_item(self, hash_key, *args, **kwargs)
        partition = self.items.get(hash_key)
        # moto keeps the items whose hash key matches, from all_items(): give it that partition only.
        # An attribute of this one table, for the length of the call.
        _replace(self, "all_items", lambda: [] if partition is None else list(partition.values()))
        try:
            return query_every_item(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    _replace(Table, "query", query)


# 3. The dashboard's record of items
# Retired when moto lets a model class stay out of `BaseModel`'s `instances_tracked` (DynamoDB's
# items are on the dashboard through their tables anyway), or offers a setting to track no instances.


def _forget_items_for_the_dashboard() -> None:
    from moto.core.model_instances import model_data
    from moto.dynamodb.models.dynamo_type import Item

    # BaseModel.__new__ appends every instance to Item.instances_tracked
    _replace(Item, "__new__", staticmethod(_new_untracked))
    _replace(Item, "instances_tracked", [])
    model_data["dynamodb"].pop("Item", None)


def _new_untracked(cls: type, *args: Any, **kwargs: Any) -> Any:
    return object.__new__(cls)


# 4. One request at a time where moto needs it
# Retired when moto's DynamoDB and SES backends are safe under its threaded server (a lock per
# backend, as its SQS queues have), and its dashboard reads the models under the same locks.


def _serialise_requests() -> None:
    from moto.dynamodb.responses import DynamoHandler
    from moto.moto_api._internal.responses import MotoAPIResponse
    from moto.ses.responses import EmailResponse

    for handler in (DynamoHandler, EmailResponse):
        _replace(handler, "_dispatch", _one_at_a_time(handler._dispatch))
    _replace(MotoAPIResponse, "model_data", _one_at_a_time(MotoAPIResponse.model_data))


def _one_at_a_time[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)  # and so `__wrapped__`, the unpatched function
    def serialised(*args: P.args, **kwargs: P.kwargs) -> R:
        with LOCK:
            return function(*args, **kwargs)

    return serialised


# 5. Expressions read once
# Retired, piece by piece, when moto keeps the parse of an UpdateExpression's text (`lru_cache` on
# `UpdateExpressionParser.make`) and of a ConditionExpression with its names and values; runs
# `ActionCountValidator` and `OverlappingPathsValidator` once on the root rather than at every node;
# copies a tree without `copy.deepcopy` (pickle, or a copy method of the nodes); and builds a
# traverser's `_processing_map()` once rather than at every node.


EXPRESSIONS_KEPT = 4096  # distinct texts: the application builds its expressions from a few dozen templates
CONDITIONS_KEPT = 64  # parsed conditions with their values: a request's own, parsed again within it


def _read_each_expression_once() -> None:
    from collections import OrderedDict, deque

    from moto.dynamodb.comparisons import ConditionExpressionParser
    from moto.dynamodb.parsing import validators

    # Both modules start with `# type: ignore`: moto leaves them out of its own type check, so mypy
    # sees none of their names.
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser  # type: ignore[attr-defined]
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    parsed = functools.lru_cache(EXPRESSIONS_KEPT)(UpdateExpressionParser.make.__func__)

    def make_once(cls: type, expression_str: str) -> Any:
        return parsed(cls, expression_str)

    _replace(UpdateExpressionParser, "make", classmethod(make_once))
    for check in (validators.ActionCountValidator, validators.OverlappingPathsValidator):
        _replace(check, "traverse", _on_the_whole_expression_only)
    _replace(validators, "deepcopy", _copy_of)
    _replace(DepthFirstTraverser, "nodes_to_be_processed", _kinds_kept)
    _replace(DepthFirstTraverser, "process", _process_with_the_kept_table)

    lex = ConditionExpressionParser._lex_condition_expression

    @functools.lru_cache(EXPRESSIONS_KEPT)
    def split_into_tokens(text: str) -> tuple[Any, ...]:
        return tuple(lex(ConditionExpressionParser(text, {}, {})))

    def tokens(self: ConditionExpressionParser) -> deque[Any]:
        return deque(split_into_tokens(self.condition_expression))

    _replace(ConditionExpressionParser, "_lex_condition_expression", tokens)

    parse_condition = ConditionExpressionParser.parse
    # text, names and values -> the condition and the names and values it found; under LOCK, as
    # every DynamoDB request
    recent: OrderedDict[tuple[str, str, str], tuple[Any, tuple[str, ...], tuple[str, ...]]] = OrderedDict()

    def parse(self: ConditionExpressionParser) -> Any:
        if not self.condition_expression:
            return parse_condition(self)
        names, values = self.expression_attribute_names or {}, self.expression_attribute_values or {}
        key = (
            self.condition_expression,
            json.dumps(names, sort_keys=True),
            json.dumps(values, sort_keys=True, default=str),
        )
        if key not in recent:
            condition = parse_condition(self)
            recent[key] = (condition, tuple(self.expr_attr_names_found), tuple(self.expr_attr_values_found))
            if len(recent) > CONDITIONS_KEPT:
                recent.popitem(last=False)
        condition, names_found, values_found = recent[key]
        self.expr_attr_names_found, self.expr_attr_values_found = list(names_found), list(values_found)
        return condition

    _replace(ConditionExpressionParser, "parse", parse)


def _copy_of(value: Any) -> Any:
    """An expression's tree copied through pickle (cycles and all); anything else as deepcopy does."""
    from moto.dynamodb.parsing.ast_nodes import Node  # type: ignore[attr-defined]  # (a module moto does not type)

    if isinstance(value, Node):
        return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return copy.deepcopy(value)


def _kept_table(traverser: Any) -> dict[type, Callable[[Any], Any]]:
    """A traverser's table of node kinds and their processing: the same for its whole life."""
    if "_kept_table" not in traverser.__dict__:
        traverser.__dict__["_kept_table"] = traverser._processing_map()
    table: dict[type, Callable[[Any], Any]] = traverser.__dict__["_kept_table"]
    return table


def _kinds_kept(self: Any) -> tuple[type, ...]:
    return tuple(_kept_table(self))


def _process_with_the_kept_table(self: Any, node: Any) -> Any:
    for kind, processing in _kept_table(self).items():
        if isinstance(node, kind):
            return processing(node)
    return None


def _on_the_whole_expression_only(self: Any, node: Any) -> Any:
    """A check's `traverse` that processes the root (the UpdateExpression) alone."""
    return self.process(node) if isinstance(node, self.nodes_to_be_processed()) else node


# 6. The emails of one recipient
# An addition, not a fix: retired when moto's API answers SES's sent messages by recipient (or pages
# `/moto-api/data.json` by service and model).

EMAILS_PATH = "/moto-api/emails"


def _answer_emails_by_recipient() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    dispatch = DomainDispatcherApplication.__call__

    def call(
        self: DomainDispatcherApplication, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != EMAILS_PATH:
            answer: Iterable[bytes] = dispatch(self, environ, start_response)
            return answer
        recipient = parse_qs(environ.get("QUERY_STRING", "")).get("to", [""])[0].lower()
        body = json.dumps(emails_to(recipient)).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    _replace(DomainDispatcherApplication, "__call__", call)


def emails_to(recipient: str) -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends

    with LOCK:
        messages = [
            message
            for regions in ses_backends.values()
            for backend in regions.values()
            for message in backend.sent_messages
            if recipient in _addresses(getattr(message, "destinations", None))
        ]
        fields = ("id", "source", "destinations", "subject", "body")
        return [{name: getattr(message, name, None) for name in fields} for message in messages]


def _addresses(destinations: dict[str, list[str]] | list[str] | None) -> set[str]:
    """The addresses of moto's record: {"ToAddresses": [...], ...} for an email, a list for a raw one."""
    if isinstance(destinations, dict):
        return {address.lower() for addresses in destinations.values() for address in addresses}
    return {address.lower() for address in destinations or ()}


def serve(argv: list[str]) -> None:
    """moto's server (same arguments: -H host -p port), patched."""
    from moto.server import main

    install()
    main(argv)


if __name__ == "__main__":
    serve(sys.argv[1:])
