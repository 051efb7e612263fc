"""Set up an AWS account (real or emulated) for the app: the table, with TTL on, and a verified sender.

Both steps are idempotent: running this again changes nothing. `make run` calls it on the local
emulator; run it by hand with `python -m tools.bootstrap` (settings come from the environment).
"""

import sys

from chalicelib import table
from chalicelib.dependencies import aws_client
from chalicelib.settings import ConfigurationError, Settings, get_settings


def bootstrap(settings: Settings) -> None:
    """Create the table (TTL on) unless it exists, and verify the sender identity with SES."""

    table.ensure_table(aws_client("dynamodb", settings), settings.table_name)
    aws_client("ses", settings).verify_email_identity(EmailAddress=settings.sender_email)


def main() -> None:
    try:
        settings = get_settings()
    except ConfigurationError as error:
        sys.exit(f"bootstrap: {error}")
    bootstrap(settings)
    where = settings.aws_endpoint_url or f"AWS {settings.aws_region}"
    print(f"bootstrap: table {settings.table_name} ready (TTL on), sender {settings.sender_email} verified, on {where}")


if __name__ == "__main__":
    main()
