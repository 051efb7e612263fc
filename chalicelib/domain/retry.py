"""One way to meet a concurrent write: read again and decide again, a few times, then give up.

Every write that may meet another change to the same records (an email sent meanwhile, a delegation
accepted while being revoked, a NIR credited by two chunks at once) is conditional on what its
attempt read; a refused condition (WriteConflict) means "read again". After ATTEMPTS tries the
caller's `busy` refusal is raised.
"""

from collections.abc import Callable

from .errors import WriteConflict

ATTEMPTS = 3  # reads and writes of one request that meets other writes, at most


def on_conflict_retry[T](
    attempt: Callable[[int], T],
    busy: Callable[[], Exception],
    after_conflict: Callable[[WriteConflict, int], None] | None = None,
) -> T:
    """What `attempt(number)` returns the first time its write is not refused; `after_conflict`
    learns each refusal (to keep what it says, to pause) before the next attempt."""
    for number in range(ATTEMPTS):
        try:
            return attempt(number)
        except WriteConflict as conflict:
            if after_conflict is not None:
                after_conflict(conflict, number)
    raise busy()
