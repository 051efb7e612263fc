"""The portal's local edge, as CloudFront is in production: one origin for the pages and the API.

`python -m tools.local.front_server --port 8000 --api http://127.0.0.1:54321` serves web/public/ with the
security headers of tools/portal.py, answers every page path with index.html, and forwards every
request whose path belongs to the API (tools/portal.is_api_path) to `chalice local`: method, path,
query, headers and body go as they came (Host excepted, as CloudFront's AllViewerExceptHostHeader
does), and status, headers and body come back unchanged. Standard library only, one thread a request.
"""

import argparse
import http.client
import json
import socket
import sys
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tools import portal

# Connection-level headers, which belong to each hop and are never forwarded (RFC 9110, 7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own limit; the API refuses more than 16 KiB anyway
UPSTREAM_TIMEOUT_SECONDS = 30  # API Gateway's integration timeout is 29 s
STATIC_METHODS = ("GET", "HEAD")


def _problem(status: int, code: str, detail: str) -> bytes:
    """As API Gateway's own refusals are shaped in production (tools/deploy/deploy_template.py)."""
    from chalicelib.api.problems import TITLES

    document = {"status": status, "title": TITLES.get(status, "Erreur"), "detail": detail, "code": code}
    return json.dumps(document, ensure_ascii=False).encode()


class FrontHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive for the browser; every answer has a Content-Length
    server_version = "mon-compte-formation-front"
    sys_version = ""

    # Set by serve(): the static root, the API's address, its path prefixes.
    root: Path
    upstream: tuple[str, int]
    prefixes: tuple[str, ...]

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def __getattr__(self, name: str) -> Callable[[], None]:
        # Any other method (TRACE, CONNECT, QUERY, PROPFIND...): a 405 that says what is accepted,
        # rather than http.server's 501 HTML page.
        if name.startswith("do_"):
            return self._refuse_method
        raise AttributeError(name)

    def _refuse_method(self) -> None:
        """TRACE is never echoed back (cross-site tracing): refused like any method nothing here accepts."""
        self.close_connection = True
        allowed = portal.allowed_methods(urlsplit(self.path).path)
        self._answer(
            HTTPStatus.METHOD_NOT_ALLOWED,
            _problem(405, "methode_non_autorisee", "Cette méthode n'est pas acceptée à cette adresse."),
            {"Content-Type": "application/problem+json", "Allow": ", ".join(allowed)},
        )

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        page_request = portal.is_page_request(self.command, path, self.headers.get("Accept"))
        if portal.is_api_path(path, self.prefixes) and not page_request:
            self._forward()
        elif self.command not in STATIC_METHODS:
            self.close_connection = True  # its body, unread, must not be taken for the next request
            self._answer(HTTPStatus.METHOD_NOT_ALLOWED, b"", {"Allow": ", ".join(STATIC_METHODS)})
        else:
            self._serve_static(path)

    # The API ----------------------------------------------------------------------------------

    def _forward(self) -> None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._answer_problem(411, "longueur_requise", "La requête doit indiquer sa longueur (Content-Length).")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._answer_problem(413, "corps_trop_volumineux", "Le corps de la requête dépasse la taille autorisée.")
            return
        body = self.rfile.read(length) if length else None
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP and name.lower() != "host"
        }
        connection = http.client.HTTPConnection(*self.upstream, timeout=UPSTREAM_TIMEOUT_SECONDS)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        except OSError:
            self._answer_problem(
                502,
                "service_indisponible",
                "Le service est momentanément indisponible : merci de réessayer dans quelques instants.",
            )
            return
        finally:
            connection.close()
        kept = [(name, value) for name, value in response.getheaders() if name.lower() not in HOP_BY_HOP]
        self._answer(response.status, answer, kept, reason=response.reason)

    def _answer_problem(self, status: int, code: str, detail: str) -> None:
        self._answer(status, _problem(status, code, detail), {"Content-Type": "application/problem+json"})

    # The pages --------------------------------------------------------------------------------

    def _serve_static(self, path: str) -> None:
        if self.headers.get("Content-Length", "0").strip() not in ("", "0") or self.headers.get("Transfer-Encoding"):
            # A page's GET with a body (a client's mistake): the body is never read, so it must not be
            # taken for the next request on this connection.
            self.close_connection = True
        file = self._file_for(path)
        if file is None:
            self._answer(
                HTTPStatus.NOT_FOUND,
                b"Fichier introuvable.\n",
                {"Content-Type": portal.CONTENT_TYPES[".txt"], **portal.SECURITY_HEADERS},
            )
            return
        headers = {
            "Content-Type": portal.content_type(file.name),
            # Revalidated each time: a new version of the pages shows at once (CloudFront gets the
            # same header from the upload, see the README).
            "Cache-Control": "no-cache",
            **portal.SECURITY_HEADERS,
        }
        self._answer(HTTPStatus.OK, file.read_bytes(), headers)

    def _file_for(self, path: str) -> Path | None:
        if portal.is_page_path(path):
            return self.root / portal.INDEX
        decoded = unquote(path)
        if "\x00" in decoded or any(part == ".." for part in decoded.split("/")):
            return None
        file = (self.root / decoded.lstrip("/")).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        return file

    # Answers ----------------------------------------------------------------------------------

    def _answer(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | list[tuple[str, str]],
        reason: str | None = None,
    ) -> None:
        items = list(headers.items() if isinstance(headers, dict) else headers)
        self.log_request(int(status))
        self.send_response_only(int(status), reason)
        if not any(name.lower() == "date" for name, _ in items):  # the API's own Date is forwarded
            self.send_header("Date", self.date_time_string())
        for name, value in items:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # chalice local logs the API's requests; here only what went wrong, so the terminal stays readable.
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)


def serve(port: int, api_url: str, root: Path = portal.PAGES_ROOT, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server bound and ready (call serve_forever on it)."""
    upstream = urlsplit(api_url)
    handler = type(
        "BoundFrontHandler",
        (FrontHandler,),
        {
            "root": root.resolve(),
            "upstream": (upstream.hostname, upstream.port or 80),
            "prefixes": portal.api_prefixes(),
        },
    )
    server = _FrontServer((host, port), handler)
    server.daemon_threads = True
    return server


class _FrontServer(ThreadingHTTPServer):
    # Python's default backlog of 5 waiting connections refuses people beyond it when many arrive
    # at once (`make load`); CloudFront does not.
    request_queue_size = socket.SOMAXCONN


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description="The portal's pages and the API on one origin, locally.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", required=True, help="the address of chalice local, e.g. http://127.0.0.1:54321")
    parser.add_argument("--root", type=Path, default=portal.PAGES_ROOT)
    options = parser.parse_args(arguments)
    server = serve(options.port, options.api, options.root)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
