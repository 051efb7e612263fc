"""The one retry: a write refused for a concurrent change is read and decided again, ATTEMPTS times
at most, then the caller's own refusal."""

import pytest

from chalicelib.domain import retry
from chalicelib.domain.errors import Conflict, Part, Refusal, WriteConflict

BUSY = Refusal(Conflict, "demande_concurrente", "Une autre demande vient d'être traitée au même moment.")


def test_the_first_write_that_passes_is_the_answer():
    refusals = iter([WriteConflict({Part.ACCOUNT})])

    def attempt(number: int) -> int:
        refusal = next(refusals, None)
        if refusal is not None:
            raise refusal
        return number

    assert retry.on_conflict_retry(attempt, BUSY) == 1


def test_after_the_last_attempt_the_caller_s_refusal_and_each_conflict_was_seen():
    seen = []

    def attempt(number: int) -> None:
        raise WriteConflict({Part.RIGHTS}, {Part.RIGHTS: number})

    with pytest.raises(Conflict) as refused:
        retry.on_conflict_retry(attempt, BUSY, lambda conflict, n: seen.append((conflict.current[Part.RIGHTS], n)))
    assert refused.value.code == BUSY.code
    assert seen == [(n, n) for n in range(retry.ATTEMPTS)]


def test_a_domain_refusal_is_not_retried():
    calls = []

    def attempt(number: int) -> None:
        calls.append(number)
        raise BUSY()

    with pytest.raises(Conflict):
        retry.on_conflict_retry(attempt, lambda: Conflict("autre", "."))
    assert calls == [0]
