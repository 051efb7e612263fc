"""Copies what the portal's pages use of the DSFR (the État's design system) from web/node_modules,
where `npm ci` put the pinned @gouvfr/dsfr, into web/public/vendor/dsfr/ (git-ignored), so that the
pages serve it from their own origin (the Content-Security-Policy allows no other).

`python -m tools.local.vendor_dsfr` (run by `make install`): the entry files below, every file their CSS
references with url() (fonts, icons), and the licence. Nothing else of the package's 90 MB.
"""

import json
import re
import shutil
import sys
from pathlib import Path

from tools.portal import PAGES_ROOT, ROOT

PACKAGE = ROOT / "web" / "node_modules" / "@gouvfr" / "dsfr"
DIST = PACKAGE / "dist"
TARGET = PAGES_ROOT / "vendor" / "dsfr"

ENTRY_FILES = (
    "dsfr.min.css",
    "dsfr.module.min.js",  # the components' behaviour (menus, password display...); an ES module
    "utility/icons/icons.min.css",  # the fr-icon-* classes beyond those the components use
    "favicon/favicon.svg",
    "favicon/favicon.ico",
    "favicon/apple-touch-icon.png",
)
_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def referenced_files(css_file: Path) -> set[Path]:
    """The files a stylesheet loads, as paths inside the package's dist/."""
    found = set()
    for reference in _URL.findall(css_file.read_text(encoding="utf-8")):
        if reference.startswith(("data:", "#", "http:", "https:")):
            continue
        file = (css_file.parent / reference.split("?")[0].split("#")[0]).resolve()
        if not file.is_relative_to(DIST.resolve()):
            raise ValueError(f"{css_file.name} loads {reference}, outside the DSFR's dist/")
        found.add(file)
    return found


def files_to_copy() -> set[Path]:
    wanted = {(DIST / name).resolve() for name in ENTRY_FILES}
    for name in ENTRY_FILES:
        if name.endswith(".css"):
            wanted |= referenced_files(DIST / name)
    missing = sorted(str(path) for path in wanted if not path.is_file())
    if missing:
        raise FileNotFoundError(f"not in @gouvfr/dsfr: {missing}")
    return wanted


def version() -> str:
    pinned: str = json.loads((PACKAGE / "package.json").read_text())["version"]
    return pinned


def main() -> int:
    if not DIST.is_dir():
        print(f"{DIST} is missing: run `npm ci` in web/ first (make install does).", file=sys.stderr)
        return 1
    files = files_to_copy()
    if TARGET.exists():
        shutil.rmtree(TARGET)  # no file of an older version left behind
    for file in files:
        destination = TARGET / file.relative_to(DIST.resolve())
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, destination)
    shutil.copyfile(PACKAGE / "LICENSE.md", TARGET / "LICENSE.md")  # etalab-2.0 asks for attribution
    (TARGET / "VERSION").write_text(version() + "\n")
    size = sum(path.stat().st_size for path in TARGET.rglob("*") if path.is_file())
    print(f"DSFR {version()}: {len(files) + 2} files, {size / 1e6:.1f} MB in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
