"""The portal's local edge (tools/local/front_server.py): pages with their security headers, index.html for
every page path, and the API's requests forwarded unchanged, as CloudFront does in production. The
API here is a small recording server, so that what arrives and what comes back can be compared."""

import http.client
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools import portal
from tools.local import front_server
from tools.local.local_stack import free_port


class RecordingApi(BaseHTTPRequestHandler):
    """Answers every request with what it received, and headers of its own to pass back."""

    protocol_version = "HTTP/1.1"
    received: list = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()), "body": body.decode()}
        self.received.append(seen)
        answer = json.dumps(seen).encode()
        self.send_response(418 if self.path.endswith("/teapot") else 201)
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Retry-After", "7")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

    def log_message(self, *args):
        pass


def serving(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    (root / "index.html").write_text("<!doctype html><title>Portail</title>")
    (root / "js").mkdir()
    (root / "js" / "main.js").write_text("export {};")
    (tmp_path_factory.getbasetemp() / "secret.txt").write_text("hors du site")
    api = ThreadingHTTPServer(("127.0.0.1", free_port()), RecordingApi)
    serving(api)
    server = front_server.serve(free_port(), f"http://127.0.0.1:{api.server_port}", root)
    serving(server)
    yield server.server_port
    server.shutdown()
    api.shutdown()
    server.server_close()
    api.server_close()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_the_api_prefixes_are_the_first_segments_of_the_app_s_routes():
    from app import app

    assert set(portal.api_prefixes()) == {path.strip("/").split("/")[0] for path in app.routes}
    assert {"cgu", "inscriptions", "titulaire", "mots-de-passe"} <= set(portal.api_prefixes())


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/cgu", True),
        ("/titulaire/dossiers/abc/validation", True),
        ("/mots-de-passe/regles?x=1", True),
        ("/activation", False),  # the email's page, not POST /activations
        ("/activations", True),
        ("/cgu-quelque-chose", False),
        ("/inscription/identite", False),
        ("/", False),
    ],
)
def test_a_path_is_the_api_s_by_whole_first_segment(path, api):
    assert portal.is_api_path(path) is api


def test_a_route_without_a_fixed_first_segment_is_refused():
    with pytest.raises(ValueError, match="no fixed first segment"):
        portal.prefixes_of(["/cgu", "/{anything}"])


def test_the_api_gets_the_request_as_sent_and_its_answer_comes_back_unchanged(front):
    RecordingApi.received.clear()
    body = json.dumps({"nir": "1 84 05 75 123 456 25"}).encode()
    status, headers, raw = request(
        front,
        "PATCH",
        "/titulaire/informations?etat=clos&x=%C3%A9",
        body,
        {"Authorization": "Bearer jeton", "Content-Type": "application/json", "Accept": "application/json", "X-A": "1"},
    )
    path = "/titulaire/informations?etat=clos&x=%C3%A9"
    (seen,) = RecordingApi.received
    assert (seen["method"], seen["path"], seen["body"]) == ("PATCH", path, body.decode())
    assert seen["headers"]["Authorization"] == "Bearer jeton"
    assert seen["headers"]["X-A"] == "1"
    assert seen["headers"]["Host"] != f"127.0.0.1:{front}"  # the API's own host, as AllViewerExceptHostHeader
    assert status == 201
    assert json.loads(raw) == seen
    assert headers["content-type"] == "application/problem+json"
    assert headers["cache-control"] == "no-store"
    assert headers["retry-after"] == "7"
    assert "content-security-policy" not in headers  # the pages' headers are the pages'


def test_every_method_and_status_goes_through(front):
    for method in ("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"):
        status, _, _ = request(front, method, "/sessions/courante")
        assert status == 201, method
    assert request(front, "GET", "/cgu/teapot")[0] == 418


@pytest.mark.parametrize("path", ["/", "/activation?c=abc", "/espace/dossiers/123", "/reinitialisation"])
def test_a_page_path_is_answered_by_index_html_with_the_security_headers(front, path):
    status, headers, raw = request(front, "GET", path)
    assert status == 200
    assert raw == b"<!doctype html><title>Portail</title>"
    assert headers["content-type"] == "text/html; charset=utf-8"
    for name, value in portal.SECURITY_HEADERS.items():
        assert headers[name.lower()] == value, name
    assert "script-src 'self'" in headers["content-security-policy"]


def test_files_are_served_with_their_type_and_missing_ones_are_404(front):
    status, headers, raw = request(front, "GET", "/js/main.js")
    assert (status, raw) == (200, b"export {};")
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    assert request(front, "GET", "/js/absent.js")[0] == 404
    assert request(front, "HEAD", "/js/main.js")[2] == b""


ESCAPES = ["/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/js/%2e%2e/%2e%2e/secret.txt"]


@pytest.mark.parametrize("path", ESCAPES)
def test_nothing_outside_the_pages_folder_is_served(front, path):
    status, _, raw = request(front, "GET", path)
    assert status == 404
    assert b"hors du site" not in raw


def test_pages_take_no_other_method_than_get_and_head(front):
    status, headers, _ = request(front, "POST", "/activation", b"{}", {"Content-Type": "application/json"})
    assert status == 405
    assert headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "QUERY", "PROPFIND"])
def test_any_other_method_is_a_405_saying_what_is_accepted_never_a_501(front, method):
    """Found by schema fuzzing: http.server answered these with a 501 HTML page (a server error)."""
    status, headers, raw = request(front, method, "/titulaire/dossiers/abc")
    assert status == 405 and headers["content-type"] == "application/problem+json"
    assert headers["allow"] == "GET" and json.loads(raw)["code"] == "methode_non_autorisee"
    status, headers, _ = request(front, method, "/activation")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_an_unreachable_api_is_a_problem_document(tmp_path):
    server = front_server.serve(free_port(), f"http://127.0.0.1:{free_port()}", tmp_path)
    serving(server)
    try:
        status, headers, raw = request(server.server_port, "GET", "/cgu")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 502
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(raw)["code"] == "service_indisponible"


def test_a_page_s_get_with_a_body_never_lets_that_body_pass_for_the_next_request(front):
    """A GET with a body (a client's mistake) gets its page, and its unread body is never parsed as
    the next request on the same connection: the connection closes after the answer."""
    smuggled = b"POST /inscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    request_bytes = b"GET /espace HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(smuggled), smuggled)
    with socket.create_connection(("127.0.0.1", front), timeout=10) as connection:
        connection.sendall(request_bytes)
        received = b""
        while chunk := connection.recv(65536):  # until the front closes the connection
            received += chunk
    assert received.startswith(b"HTTP/1.1 200") and received.count(b"HTTP/1.1 ") == 1


def test_the_return_page_is_a_browser_s_and_the_api_s_for_any_other_client(front):
    RecordingApi.received.clear()
    status, headers, raw = request(
        front, "GET", "/franceconnect/retour?code=c&state=s", headers={"Accept": "text/html"}
    )
    assert status == 200 and raw.startswith(b"<!doctype html>") and not RecordingApi.received
    status, _, _ = request(front, "GET", "/franceconnect/retour", headers={"Accept": "application/json"})
    assert status == 201 and [seen["method"] for seen in RecordingApi.received] == ["GET"]  # forwarded
