"""The Lambda zip without the AWS API models the functions never use: `make package` runs it on the
zip `chalice package` made.

botocore carries the models of every AWS service (459 folders under botocore/data, 16 MB of the
31 MB zip); the functions create clients for four. The SDK stays the pinned one the tests run
(requirements.txt), not whatever version the Lambda runtime bundles; only the models of services no
code of chalicelib/ asks for are left out. The services kept are read from the code itself (every
`aws_client("<service>"` in chalicelib/), so a new client cannot be forgotten; botocore's own files
(endpoints, partitions, retry and default settings) at the top of botocore/data stay.

`python -m tools.deploy.slim_package <zip>` rewrites the zip in place. A tool: build time only.
"""

import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = "botocore/data/"
CLIENT_CALL = re.compile(r"""aws_client\(\s*["']([a-z0-9-]+)["']""")


def services_the_code_uses(source_root: Path = ROOT / "chalicelib") -> set[str]:
    return {name for path in source_root.rglob("*.py") for name in CLIENT_CALL.findall(path.read_text())}


def is_needed(name: str, services: set[str]) -> bool:
    """Everything but the model folders of services no code uses."""
    if not name.startswith(MODELS):
        return True
    service, slash, _ = name[len(MODELS) :].partition("/")
    return not slash or service in services


def slim(package: Path, services: set[str]) -> tuple[int, int]:
    """Rewrite `package` without the unneeded entries; its sizes before and after, in bytes."""
    before = package.stat().st_size
    slimmed = package.with_suffix(".slim.zip")
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(slimmed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if is_needed(entry.filename, services):
                target.writestr(entry, source.read(entry), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    slimmed.replace(package)
    return before, package.stat().st_size


def main(arguments: list[str]) -> int:
    (package,) = arguments
    services = services_the_code_uses()
    before, after = slim(Path(package), services)
    print(f"{package}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB (API models kept: {', '.join(sorted(services))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
