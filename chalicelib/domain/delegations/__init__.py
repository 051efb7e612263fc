""" "Mes délégations": a holder lets another person, who has their own active account, consult their
account (`consultation`) or also prepare draft training dossiers for them (`gestion`), until an end
date or until the holder revokes it.

Authorization is re-checked on every delegate call, from the delegation record itself: it must be
active, not past its end (computed here, with the clock: TTL deletes late), and name the caller's
account as its delegate; anything else is "not found", so a delegate learns nothing about other
delegations. Confidential dossiers are never listed, counted or readable by a delegate. A dossier a
delegate creates is written on condition that the delegation is still active at that very instant.

The flows live apart: granting.py (the holder's side), accepting.py (the invited person's),
delegate.py (the delegate's reads and dossiers); rules.py holds what they share.
"""

from .accepting import AcceptStore, accept
from .delegate import (
    DelegateStore,
    create_dossier,
    delegated_dossier,
    delegated_dossiers,
    delegated_hours,
    delegated_synthesis,
    list_delegated,
)
from .granting import Granted, GrantStore, Seen, grant, list_granted, revoke
from .rules import display_name, ends_at, names_of, one_year_after, status_of, today

__all__ = [
    "AcceptStore",
    "DelegateStore",
    "GrantStore",
    "Granted",
    "Seen",
    "accept",
    "create_dossier",
    "delegated_dossier",
    "delegated_dossiers",
    "delegated_hours",
    "delegated_synthesis",
    "display_name",
    "ends_at",
    "grant",
    "list_delegated",
    "list_granted",
    "names_of",
    "one_year_after",
    "revoke",
    "status_of",
    "today",
]
