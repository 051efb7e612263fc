""" "Mon compte d'heures": the DIF balance the holder enters, the CPF hours, and their movements.

Hours belong to the NIR, not to the online account: employers' declarations credit them whether or
not the person has registered (domain/rights.py, domain/crediting.py). The NIR's rights record keeps
totals only: `heures_dif` and `heures_cpf` as credited, `heures_reservees` (held by validated
dossiers), `heures_debitees` (spent by closed ones) and `heures_libres`, their difference, kept
precomputed because a DynamoDB condition cannot do arithmetic ("enough free hours" is
`heures_libres >= :h`). Hours are spent DIF first, then CPF: which balance a reservation or a debit
falls on follows from the totals, so no write ever needs to know it.

The session knows its NIR; a caller that has only the account id (a session opened before sessions
carried it) pays one read of the account to learn it.
"""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from ..clock import Clock
from . import history
from .errors import Conflict, NotFound, Refusal, WriteConflict
from .records.accounts import Account
from .records.hours import DifEntry, Movement, Rights

DIF_MAX_HOURS = 120
UPDATED = "La modification a bien été effectuée."

DIF_LOCKED = Refusal(
    Conflict,
    "dif_verrouille",
    "Un dossier de formation a été validé : il n'est plus possible de saisir ou de modifier le solde DIF.",
)
ACCOUNT_NOT_FOUND = Refusal(NotFound, "compte_introuvable", "Ce compte est introuvable.")


class AccountReader(Protocol):
    def get_account(self, account_id: str) -> Account | None: ...


class HoursStore(Protocol):
    def get_rights_and_movements(self, rights_id: str) -> tuple[Rights | None, list[Movement]]: ...

    def set_dif(self, entry: DifEntry) -> None: ...


@dataclass(frozen=True)
class Figures:
    dif_entered: bool
    dif_balance: int
    cpf_balance: int
    dif_reserved: int
    cpf_reserved: int

    @property
    def dif_free(self) -> int:
        return self.dif_balance - self.dif_reserved

    @property
    def cpf_free(self) -> int:
        return self.cpf_balance - self.cpf_reserved


def figures(rights: Rights | None) -> Figures:
    """Balances and reservations by kind of hours, DIF first: debits, then reservations, eat the DIF
    before the CPF. A NIR with no rights record yet has none of either."""
    rights = rights or Rights()
    dif = rights.dif or 0
    debited, reserved = rights.debited, rights.reserved
    dif_balance = dif - min(dif, debited)
    cpf_balance = rights.cpf - (debited - min(dif, debited))
    dif_reserved = min(dif_balance, reserved)
    return Figures(rights.dif is not None, dif_balance, cpf_balance, dif_reserved, reserved - dif_reserved)


def round_dif(value: float | int) -> int:
    """To the nearest whole hour, halves up (72.5 → 73), on the decimal the person typed."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def set_dif(store: HoursStore, clock: Clock, account_id: str, value: float | int, rights_id: str) -> int:
    """Enter or change the DIF balance, until a dossier is validated. Returns the rounded hours."""
    hours = round_dif(value)
    now = clock()
    try:
        store.set_dif(DifEntry(account_id, rights_id, hours, history.event(history.DIF, now, heures=hours), now))
    except WriteConflict:
        raise DIF_LOCKED() from None
    return hours


# What a delegate reads for the movement of a confidential dossier: the hours, never the dossier.
CONFIDENTIAL_MOVEMENT = "Formation ({heures} h)"


@dataclass(frozen=True)
class Statement:
    """ "Mon compte d'heures": the figures and the movements, newest first."""

    figures: Figures
    dif_editable: bool
    movements: list[Movement]


def statement(store: HoursStore, rights_id: str, *, for_delegate: bool = False) -> Statement:
    """The balances and the movements (credits and debits), newest first, in one Query. A delegate
    reads the same figures, but a confidential dossier's movement without its label."""
    rights, movements = store.get_rights_and_movements(rights_id)
    shown = [_as_seen(movement, for_delegate) for movement in reversed(movements)]
    return Statement(figures(rights), not (rights is not None and rights.dif_locked), shown)


def _as_seen(movement: Movement, for_delegate: bool) -> Movement:
    if for_delegate and movement.confidential:
        return replace(movement, label=CONFIDENTIAL_MOVEMENT.format(heures=abs(movement.hours)))
    return movement
