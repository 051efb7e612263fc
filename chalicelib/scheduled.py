"""The scheduled functions' bodies: wiring between the Lambda event and the domain (app.py only routes)."""

import json
import logging
from collections.abc import Callable
from typing import Any

from . import dependencies, metrics
from .domain import cleanup

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)  # Lambda keeps the root logger at WARNING


def cleanup_expired_registrations(context: Any = None) -> dict[str, int | bool]:
    """Remove expired registrations; stop before the Lambda's timeout. Returns and logs counts only."""
    time_left: Callable[[], float] | None = None
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):

        def remaining() -> float:
            return float(context.get_remaining_time_in_millis()) / 1000

        time_left = remaining

    report = cleanup.clean_up(dependencies.store(), dependencies.clock(), time_left).as_dict()
    logger.info("cleanup_expired_registrations %s", json.dumps(report))
    metrics.count(metrics.REGISTRATIONS_REMOVED, report["supprimees"])
    metrics.count(metrics.CLEANUP_RUNS)  # the alarm "cleanup not run for 2 hours" watches this one
    return report
