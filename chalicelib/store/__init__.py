"""DynamoDB: the only package that speaks to the table. One object, `Store`, whose methods live in a
module per aggregate (the way Ory Kratos splits its persister by flow); which module owns what, and
the table's items, are mapped once, in docs/architecture.md.

It takes and returns the domain's records (chalicelib/domain/records/): a read gives a record (or
None), a transaction takes a record or a small command object. Attribute names, keys and DynamoDB
types live here only. A transaction that spans aggregates lives, whole, in the module of the
aggregate it creates or changes first, and uses the others' key builders. Each domain module names
the methods it uses in a `typing.Protocol`; mypy (`make typecheck`) checks that `Store` gives them.

`Store` is imported on first use: importing the package must not load boto3.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store as Store


def __getattr__(name: str) -> type["Store"]:
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(name)
