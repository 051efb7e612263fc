"""Mon Compte Formation: the wiring of the API (no logic here; see chalicelib/)."""

from typing import Any

from chalice.app import Chalice, CloudWatchEvent, Rate, S3Event, SNSEvent, SQSEvent

from chalicelib import crediting, email_feedback, logs, observability, scheduled, settings
from chalicelib.api import (
    delegation_routes,
    email_routes,
    franceconnect_routes,
    holder_routes,
    openapi,
    portal_routes,
    problems,
    recovery_routes,
    registration_routes,
    session_routes,
)

settings.refuse_unsafe_environment()
logs.configure()

app = Chalice(app_name="mon-compte-formation", configure_logs=False)
logs.adopt(app.log)  # its "Caught exception" lines are JSON like ours, without the path
# First, so that it binds the request ids before anything logs and counts the answer finally sent.
app.register_middleware(observability.observe, "all")
app.register_middleware(problems.problem_documents, "http")
app.register_blueprint(registration_routes.blueprint)
app.register_blueprint(session_routes.blueprint)
app.register_blueprint(recovery_routes.blueprint)
app.register_blueprint(holder_routes.blueprint)
app.register_blueprint(email_routes.blueprint)
app.register_blueprint(delegation_routes.blueprint)
app.register_blueprint(franceconnect_routes.blueprint)
app.register_blueprint(openapi.blueprint)
app.register_blueprint(portal_routes.blueprint)


@app.schedule(Rate(1, unit=Rate.HOURS))
def cleanup_expired_registrations(event: CloudWatchEvent) -> dict[str, Any]:
    return scheduled.cleanup_expired_registrations(event.context)


# CPF hours crediting: decorators are read at import, and by `chalice package` (see chalicelib/crediting.py).
DECLARATIONS_BUCKET, CREDIT_QUEUE = crediting.decorator_names()


@app.on_s3_event(bucket=DECLARATIONS_BUCKET, events=["s3:ObjectCreated:*"], prefix=crediting.DECLARATIONS_PREFIX)
def split_declarations(event: S3Event) -> list[dict[str, Any]]:
    return crediting.split_declarations(event)


@app.on_sqs_message(
    queue=CREDIT_QUEUE, batch_size=crediting.CHUNKS_PER_INVOCATION, maximum_concurrency=crediting.MAX_CONCURRENCY
)
def credit_chunks(event: SQSEvent) -> dict[str, Any]:
    return crediting.credit_chunks(event)


# SES's Bounce and Complaint events, published by the configuration set to this topic (contract §10).
@app.on_sns_message(topic=email_feedback.topic_name())
def apply_email_feedback(event: SNSEvent) -> str:
    return email_feedback.apply_notification(event.message)
