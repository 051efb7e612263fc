"""What the portal's edge does, in one place for the local front server (tools/local/front_server.py) and
the CloudFront distribution (tools/deploy/portal_template.py): which paths belong to the API, which are
pages of the single-page portal, and the security headers every page carries.

The API's paths are read from the Chalice app's own route table, so that a new route is forwarded
to the API, locally and in production, without anyone having to remember to list it.
"""

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES_ROOT = ROOT / "web" / "public"
INDEX = "index.html"


@lru_cache(maxsize=1)
def api_prefixes() -> tuple[str, ...]:
    """The first path segments of the app's routes (`cgu`, `inscriptions`, `titulaire`...), sorted."""
    from app import app  # imported late: reading the settings guard needs the caller's environment

    return prefixes_of(app.routes)


def prefixes_of(route_paths: Iterable[str]) -> tuple[str, ...]:
    prefixes = set()
    for path in route_paths:
        first = path.strip("/").split("/")[0]
        if not first or first.startswith("{"):
            # A route at the root or under a parameter would swallow every page path: refuse it here
            # rather than let the portal's pages disappear behind the API.
            raise ValueError(f"the route {path!r} has no fixed first segment: the portal could not be served")
        prefixes.add(first)
    return tuple(sorted(prefixes))


@lru_cache(maxsize=1)
def _route_patterns() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    from app import app

    return [
        (re.compile("^" + re.sub(r"{\w+}", "[^/]+", path) + "$"), tuple(sorted(methods)))
        for path, methods in app.routes.items()
    ]


def allowed_methods(path: str) -> tuple[str, ...]:
    """The methods a path accepts: its route's for the API (none when no route matches), GET and
    HEAD for the pages and files (both, for a page under the API). For the `Allow` header of a 405."""
    if not is_api_path(path):
        return PAGE_METHODS
    bare = path.split("?", 1)[0]
    methods = next((methods for pattern, methods in _route_patterns() if pattern.match(bare)), ())
    return tuple(sorted({*methods, *PAGE_METHODS})) if bare in PAGES_UNDER_API else methods


PAGE_METHODS = ("GET", "HEAD")

# Pages whose path is also an API route's: an identity provider sends the browser back, with a GET,
# to the redirect_uri registered with it (contract §14: `{PUBLIC_BASE_URL}/franceconnect/retour`),
# and that page posts what it got to the API's route of the same path. So a browser's GET or HEAD
# of these (its navigation asks for `text/html`) is the portal's page (index.html); every other
# request, an API client's GET included, is the API's (which answers a GET 405, as its description
# says). The front server asks is_page_request; CloudFront gives each its own behaviour whose
# function (PAGE_UNDER_API_FUNCTION) sends those GET and HEAD to the pages' origin.
PAGES_UNDER_API = ("/franceconnect/retour",)


def is_page_request(method: str, path: str, accept: str | None) -> bool:
    """A browser's GET or HEAD of a page under the API (PAGES_UNDER_API): index.html, not the API."""
    wants_a_page = "text/html" in (accept or "").lower()
    return method in PAGE_METHODS and path.split("?", 1)[0] in PAGES_UNDER_API and wants_a_page


def is_api_path(path: str, prefixes: tuple[str, ...] | None = None) -> bool:
    """Whole segments only: `/activations/renvoi` is the API's, `/activation` (the email's page) is not."""
    first = path.split("?", 1)[0].lstrip("/").split("/", 1)[0]
    return first in (api_prefixes() if prefixes is None else prefixes)


def cloudfront_path_patterns(prefixes: tuple[str, ...] | None = None) -> list[str]:
    """Two CloudFront path patterns a prefix (`/cgu` and `/cgu/*`): the same whole-segment rule as
    is_api_path (a pattern `/cgu*` would also take a page named `/cgu-quelque-chose`)."""
    patterns = []
    for prefix in api_prefixes() if prefixes is None else prefixes:
        patterns += [f"/{prefix}", f"/{prefix}/*"]
    return patterns


def is_page_path(path: str) -> bool:
    """A path whose last segment has no dot is a page of the portal (`/`, `/activation`,
    `/espace/dossiers/abc`): index.html answers it and the page's JavaScript routes it. Files
    (`/js/main.js`, `/vendor/dsfr/dsfr.min.css`) always have an extension. The CloudFront Function
    PAGE_REWRITE_FUNCTION applies the same rule."""
    last = path.split("?", 1)[0].rsplit("/", 1)[-1]
    return "." not in last


# The same rule, as CloudFront runs it on a viewer request to the pages' origin (cloudfront-js-2.0).
PAGE_REWRITE_FUNCTION = """\
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
"""

# The same for a page under the API, on its own CloudFront behaviour (whose origin is the API): a GET
# or HEAD goes to the pages' bucket for index.html, without the query (the provider's code and state
# reach no S3 log; the page reads them from the address bar) nor the bearer; any other method goes
# on to the API unchanged. cf.selectRequestOriginById: CloudFront Functions' origin modification.
PAGE_UNDER_API_FUNCTION = """\
import cf from 'cloudfront';

function handler(event) {
  var request = event.request;
  var accept = request.headers['accept'] ? request.headers['accept'].value.toLowerCase() : '';
  if ((request.method === 'GET' || request.method === 'HEAD') && accept.indexOf('text/html') !== -1) {
    cf.selectRequestOriginById('%(pages_origin)s');
    request.uri = '/index.html';
    request.querystring = {};
    delete request.headers['authorization'];
  }
  return request;
}
"""

# Nothing but the portal's own files: no inline script or style, no other origin. `data:` images are
# the captcha (a data URI from the API) and DSFR's small SVG backgrounds; the captcha's audio version
# is fetched with `Accept: audio/wav` and played from a `blob:` URL.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

# Every page and file of the portal carries these, locally and through CloudFront's response
# headers policy. The API's answers are forwarded as they are (they carry Cache-Control: no-store).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# HTTPS only: CloudFront adds it; the local server, on plain HTTP, does not.
STRICT_TRANSPORT_SECURITY_SECONDS = 63072000  # two years, as the ANSSI and HSTS preload ask

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")
