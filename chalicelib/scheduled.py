"""The scheduled functions' bodies: wiring between the Lambda event and the domain (app.py only routes)."""

import json
import logging

from . import dependencies, metrics
from .domain import cleanup

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)  # Lambda keeps the root logger at WARNING


def cleanup_expired_registrations(context=None) -> dict:
    """Remove expired registrations; stop before the Lambda's timeout. Returns and logs counts only."""
    time_left = None
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        time_left = lambda: context.get_remaining_time_in_millis() / 1000  # noqa: E731
    report = cleanup.clean_up(dependencies.store(), dependencies.clock(), time_left).as_dict()
    logger.info("cleanup_expired_registrations %s", json.dumps(report))
    metrics.count(metrics.REGISTRATIONS_REMOVED, report["supprimees"])
    metrics.count(metrics.CLEANUP_RUNS)  # the alarm "cleanup not run for 2 hours" watches this one
    return report
