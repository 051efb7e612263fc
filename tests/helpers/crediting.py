"""Helpers for the crediting tests: valid employers, declaration files, and a file credited through
the two functions of app.py on the emulated AWS, as `make credit` does (tools/local/credit.py)."""

from stdnum import luhn

HEADER = "siret;nir;annee;heures_travaillees;duree_reference"


def make_siret(siren_body: str, establishment: str = "0001") -> str:
    """A valid SIRET: a SIREN (8 digits and its Luhn key), the establishment's 4 digits, the Luhn key
    of the whole."""
    siren = siren_body + luhn.calc_check_digit(siren_body)
    return siren + establishment + luhn.calc_check_digit(siren + establishment)


EMPLOYER = "73282932000074"
SECOND_EMPLOYER = make_siret("55208340")
THIRD_EMPLOYER = make_siret("44201999")


def line(nir: str, annee: int, heures="1607", duree="", siret: str = EMPLOYER) -> str:
    return f"{siret};{nir};{annee};{heures};{duree}"


def declarations(*lines: str) -> bytes:
    """A declaration file: the header, then the lines."""
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def ensure_crediting_resources() -> None:
    """The bucket and the queues on the emulator, as the local stack's bootstrap makes them."""
    from chalicelib.dependencies import aws_client
    from chalicelib.settings import get_settings
    from tools.local import bootstrap

    settings = get_settings()
    bootstrap.ensure_declarations_bucket(aws_client("s3"), settings.declarations_bucket, settings.aws_region)
    bootstrap.ensure_credit_queues(aws_client("sqs"), settings.credit_queue)


def credit(client, name: str, content: bytes) -> dict | None:
    """Deposit `content` as `declarations/<name>` and run both functions on it, as S3 and SQS
    would; returns the file's report."""
    from tools.local.credit import credit as run

    ensure_crediting_resources()
    return run(client, name, content)


def lines_for_hours(hours: int, nir: str, first_year: int = 2016) -> list[str]:
    """Declarations that credit exactly `hours` (at most 120) to a NIR that has none: full years of
    24 hours, then a part-time year for the rest."""
    assert 0 <= hours <= 120, "the full rate stops at 120"
    full_years, rest = divmod(hours, 24)
    found = [line(nir, first_year + n) for n in range(full_years)]
    if rest:
        found.append(line(nir, first_year + full_years, heures=str(rest * 1607 // 24)))
    return found


_credited_files = 0


def credit_hours(hours: int, nir: str) -> None:
    """`hours` CPF hours for a NIR that has none, credited by the crediting functions."""
    from chalice.test import Client

    from app import app

    global _credited_files
    _credited_files += 1
    with Client(app, stage_name="local") as client:
        report = credit(client, f"credit-{_credited_files}.csv", declarations(*lines_for_hours(hours, nir)))
    assert report is not None, "a chunk failed for good"
    assert report["rejetees"] == [], report
