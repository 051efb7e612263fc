"""Business counts as CloudWatch Embedded Metric Format (EMF) lines: one JSON object per line on
standard output, which CloudWatch Logs turns into metrics of the namespace MonCompteFormation (no
agent, no SDK call, no run-time dependency). Under `make run` the same lines appear in the output.

Dimensions stay few and never name a person: `kind` (an email's kind, a bounce's) and nothing else;
each line also carries the invocation's function, route and request ids as plain properties (not
dimensions), so a log query can join a count to its request. The names below are the contract of
the alarms and the dashboard (tools/deploy/operations_template.py) and of docs/operations.md.
"""

import json
import sys
import time
from typing import Final, Literal

from . import logs

NAMESPACE: Final = "MonCompteFormation"

REGISTRATIONS_STARTED: Final = "RegistrationsStarted"  # POST /inscriptions 201
REGISTRATIONS_RECORDED: Final = "RegistrationsRecorded"  # the password step's 201: a pending account
ACTIVATIONS: Final = "Activations"
LOGINS_ACCEPTED: Final = "LoginsAccepted"
LOGINS_REFUSED: Final = "LoginsRefused"  # wrong NIR or password, or an account not activated
LOGINS_LOCKED: Final = "LoginsLocked"  # refused by the lockout, whatever the password
EMAILS_SENT: Final = "EmailsSent"  # by kind
EMAILS_REFUSED: Final = "EmailsRefused"  # by kind: SES refused or could not be reached
DECLARATION_LINES_CREDITED: Final = "DeclarationLinesCredited"
DECLARATION_LINES_UNCHANGED: Final = "DeclarationLinesUnchanged"
DECLARATION_LINES_REGULARISED: Final = "DeclarationLinesRegularised"
DECLARATION_LINES_REJECTED: Final = "DeclarationLinesRejected"
CREDIT_CHUNKS_FAILED: Final = "CreditChunksFailed"  # a chunk that raised: back to the queue
REGISTRATIONS_REMOVED: Final = "RegistrationsRemoved"  # by the hourly cleanup
CLEANUP_RUNS: Final = "CleanupRuns"  # one per run, even with nothing to remove: its absence alarms
EMAIL_BOUNCES: Final = "EmailBounces"  # by kind (issue 18's SES feedback)
EMAIL_COMPLAINTS: Final = "EmailComplaints"  # by kind

# The metrics counted per email kind (the kinds are SES message tags: contract §10).
BY_KIND: Final = (EMAILS_SENT, EMAILS_REFUSED, EMAIL_BOUNCES, EMAIL_COMPLAINTS)
EMAIL_KINDS: Final = ("activation", "reinitialisation", "courriel_changement", "courriel_notice", "delegation")
ALL: Final = (
    REGISTRATIONS_STARTED,
    REGISTRATIONS_RECORDED,
    ACTIVATIONS,
    LOGINS_ACCEPTED,
    LOGINS_REFUSED,
    LOGINS_LOCKED,
    *BY_KIND,
    DECLARATION_LINES_CREDITED,
    DECLARATION_LINES_UNCHANGED,
    DECLARATION_LINES_REGULARISED,
    DECLARATION_LINES_REJECTED,
    CREDIT_CHUNKS_FAILED,
    REGISTRATIONS_REMOVED,
    CLEANUP_RUNS,
)


def count(name: str, value: int = 1, *, kind: str | None = None) -> None:
    """Add `value` to the metric `name` (by `kind` when given): one EMF line. A zero is written
    too (a run that removed nothing is still a data point)."""
    dimensions = [["kind"]] if kind is not None else [[]]
    line = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {"Namespace": NAMESPACE, "Dimensions": dimensions, "Metrics": [{"Name": name, "Unit": "Count"}]}
            ],
        },
        name: value,
        **({"kind": kind} if kind is not None else {}),
        **{field: text for field, text in logs.invocation().items() if field != "aws_request_id"},
    }
    request_id = logs.invocation().get("aws_request_id")
    if request_id:
        line["requestId"] = request_id
    sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def email_feedback(feedback: Literal["Bounce", "Complaint"], kind: str) -> None:
    """For SES's delivery feedback (issue 18): a bounce or a complaint about an email of `kind`
    (a §10 kind, never an address). Transient bounces are not counted by the caller's choice."""
    count(EMAIL_BOUNCES if feedback == "Bounce" else EMAIL_COMPLAINTS, kind=kind)
