"""The local mailbox, as Mailpit or Inbucket give other stacks: `make run` serves it beside the portal.

`python -m tools.local.mailbox --port 8025` lists the emails the local emulator's SES accepted, newest
first: recipient, subject, the French body (the HTML part moto keeps, its links clickable: they open
the portal), and on each a button to simulate its bounce or its complaint, which hands SES's
notification to the feedback function exactly as `make bounce` / `make complaint` do
(tools/local/ses_feedback.py). Standard library only; never shipped; refuses to start unless
AWS_ENDPOINT_URL points at a loopback emulator.

Each email's body is shown in a sandboxed frame (`srcdoc`: no script runs, its links open in the
top window), so that the email's own markup cannot reach the page around it.
"""

import argparse
import html
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.settings import Settings
from tools.local import ses_feedback

EVENTS = {"bounce": "Simuler un rejet définitif", "complaint": "Simuler une plainte"}
OUTCOMES = {
    "appliquee": "Le retour a été appliqué.",
    "deja_appliquee": "Rien de plus à faire : ce retour était déjà appliqué, ou son enregistrement a changé depuis.",
    "ignoree": "Ce retour ne change rien pour ce type de message.",
    "illisible": "Ce courriel n'a pas pu être relié à un enregistrement.",
}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'"
)
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #161616; }
article { border: 1px solid #ddd; margin: 1.5rem 0; padding: 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 .75rem; }
dt { font-weight: bold; }
iframe { border: 1px solid #eee; width: 100%; height: 28rem; }
form { display: inline; }
button { margin: .5rem .5rem 0 0; padding: .4rem .8rem; }
.resultat { background: #e8edff; padding: .75rem 1rem; }
"""


def page(messages: list[dict[str, Any]], outcome: str | None = None) -> str:
    """The mailbox: newest first."""
    articles = [_article(index, message) for index, message in reversed(list(enumerate(messages)))]
    told = f'<p class="resultat" role="status">{html.escape(OUTCOMES.get(outcome, outcome))}</p>' if outcome else ""
    listing = "\n".join(articles) or "<p>Aucun courriel envoyé pour l'instant.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Courriels envoyés — pile locale</title><style>{STYLE}</style></head>\n<body>\n<main>\n"
        "<h1>Courriels envoyés par la pile locale</h1>\n"
        f"<p>{len(messages)} courriel(s), le plus récent d'abord. Les liens ouvrent le portail local.</p>\n"
        f"{told}\n{listing}\n</main>\n</body>\n</html>\n"
    )


def _article(index: int, message: dict[str, Any]) -> str:
    recipients = ", ".join((message.get("destinations") or {}).get("ToAddresses", []))
    subject = message.get("subject") or "(sans objet)"
    body = message.get("body") or ""
    document = body if body.lstrip().startswith("<") else f"<pre>{html.escape(body)}</pre>"
    framed = document.replace("<head>", '<head><base target="_top">', 1) if "<head>" in document else document
    buttons = "".join(
        f'<form method="post" action="/retours"><input type="hidden" name="message" value="{index}">'
        f'<input type="hidden" name="evenement" value="{event}"><button type="submit">{label}</button></form>'
        for event, label in EVENTS.items()
    )
    return (
        f'<article aria-labelledby="objet-{index}">\n<h2 id="objet-{index}">{html.escape(subject)}</h2>\n'
        f"<dl><dt>À</dt><dd>{html.escape(recipients)}</dd>"
        f"<dt>Identifiant SES</dt><dd>{html.escape(str(message.get('id', '')))}</dd></dl>\n"
        f'<iframe title="Courriel : {html.escape(subject)}" sandbox="allow-top-navigation-by-user-activation" '
        f'srcdoc="{html.escape(framed)}"></iframe>\n<div>{buttons}</div>\n</article>'
    )


class MailboxHandler(BaseHTTPRequestHandler):
    server_version = "mon-compte-formation-courriels"
    sys_version = ""
    settings: Settings  # set by serve()

    def do_GET(self) -> None:
        path = urlsplit(self.path)
        if path.path != "/":
            return self._answer(HTTPStatus.NOT_FOUND, "<p>Page introuvable.</p>")
        outcome = parse_qs(path.query).get("resultat", [None])[0]
        return self._answer(HTTPStatus.OK, page(ses_feedback.sent_messages(self.settings), outcome))

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/retours":
            return self._answer(HTTPStatus.NOT_FOUND, "<p>Page introuvable.</p>")
        length = min(int(self.headers.get("Content-Length") or 0), 4096)
        fields = parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"))
        event = fields.get("evenement", [""])[0]
        index = fields.get("message", [""])[0]
        messages = ses_feedback.sent_messages(self.settings)
        if event not in EVENTS or not index.isdigit() or int(index) >= len(messages):
            return self._answer(HTTPStatus.BAD_REQUEST, "<p>Demande invalide.</p>")
        try:
            outcome = ses_feedback.deliver(event, messages[int(index)], self.settings)
        except LookupError:
            outcome = "illisible"
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", f"/?resultat={outcome}")
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _answer(self, status: HTTPStatus, content: str) -> None:
        encoded = content.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(encoded)))
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the emails' links carry codes: no request line in the stack's output


def serve(port: int, host: str = "127.0.0.1") -> None:
    MailboxHandler.settings = ses_feedback.local_settings()
    with ThreadingHTTPServer((host, port), MailboxHandler) as server:
        server.serve_forever()


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description="La boîte aux lettres de la pile locale.")
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args(arguments).port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
