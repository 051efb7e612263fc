"""DynamoDB: the only package that speaks to the table. One object, `Store`, whose methods live in a
module per aggregate (the way Ory Kratos splits its persister by flow):

  keys.py           keys, sort-key prefixes, the item codec, the history cursor
  base.py           get, put, query, batches, transactions and their named conflicts
  *_items.py        each aggregate's records as items: attribute names and types, both ways
  registrations.py  captchas, drafts, the identity step, the password step (the pending account)
  accounts.py       accounts, credentials and reservations, failed logins
  tokens.py         activation, reset and email change tokens (activation, a new link, the reset,
                    the confirmed email change)
  sessions.py       sessions and their pointers
  dossiers.py       the DIF, dossiers and their transitions (on the NIR's rights), a delegate's dossiers
  rights.py         a NIR's rights: figures, movements, years credited; crediting's writes
  declaration_files.py  a deposited declaration file's counts and chunks
  delegations.py    delegations, their holder's copies, invitations, the delegates' pointers
  history.py        the account's history
  email_feedback.py what SES's bounces and complaints change: an address's mark, a voided change, an invitation
  expiry.py         the cleanup's expiry index and deletions

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
