"""DynamoDB: the only package that speaks to the table. One object, `Store`, whose methods live in a
module per aggregate (the way Ory Kratos splits its persister by flow):

  keys.py           keys, sort-key prefixes, the item codec, the history cursor
  base.py           get, put, query, batches, transactions and their named conflicts
  registrations.py  captchas, drafts, the identity step, the password step (the pending account)
  accounts.py       accounts, credentials and reservations, failed logins
  tokens.py         activation, reset and email change tokens (activation, a new link, the reset,
                    the confirmed email change)
  sessions.py       sessions and their pointers
  holder.py         hours (DIF), dossiers and their transitions (on the NIR's rights), a delegate's dossiers
  rights.py         a NIR's rights: figures, movements, years credited; crediting's writes
  declaration_files.py  a deposited declaration file's counts and chunks
  delegations.py    delegations, their holder's copies, invitations, the delegates' pointers
  history.py        the account's history
  email_feedback.py what SES's bounces and complaints change: an address's mark, a voided change, an invitation
  expiry.py         the cleanup's expiry index and deletions

A transaction that spans aggregates lives, whole, in the module of the aggregate it creates or
changes first, and uses the others' key builders. Each domain module names the methods it uses in a
`typing.Protocol` (tests/store checks that `Store` satisfies every one).

`Store` is imported on first use: the domain imports `store.keys` at cold start, and that must not
load boto3.
"""


def __getattr__(name: str):
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(name)
