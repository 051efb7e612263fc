"""Emails: the French templates and their delivery through SES.

An email carries nothing secret but its link: never the NIR, never the password.
"""

import html
import logging
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError

from .domain.errors import DeliveryFailed
from .french_dates import in_full

log = logging.getLogger(__name__)

ACTIVATION_SUBJECT = "Mon Compte Formation : activez votre compte"


def activation_message(link: str, expires_at: datetime, contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the activation email."""
    deadline = in_full(expires_at)
    text = f"""Bonjour,

Afin de finaliser l'inscription à votre espace privé du portail Mon Compte Formation, cliquez sur le lien suivant ou copiez-le dans votre navigateur :

{link}

Vous pourrez alors vous connecter avec votre numéro de sécurité sociale et le mot de passe que vous avez défini lors de votre inscription.

À noter : ce lien d'activation ne sert qu'une seule fois. Vous avez un délai de 15 jours pour effectuer cette action, soit jusqu'au {deadline} (heure de Paris) ; passé ce délai, il vous faudra recommencer votre inscription.

Si vous n'êtes pas à l'origine de cette action, rendez-vous sur le formulaire de contact du portail du compte personnel de formation pour nous en informer, en signalant un problème technique et en précisant votre identité :
{contact_url}

Cordialement,
Votre correspondant CPF
"""
    e = html.escape
    body = f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{e(ACTIVATION_SUBJECT)}</title></head>
<body>
<p>Bonjour,</p>
<p>Afin de finaliser l'inscription à votre espace privé du portail Mon Compte Formation, cliquez sur le lien suivant ou copiez-le dans votre navigateur&nbsp;:</p>
<p><a href="{e(link)}">{e(link)}</a></p>
<p>Vous pourrez alors vous connecter avec votre numéro de sécurité sociale et le mot de passe que vous avez défini lors de votre inscription.</p>
<p><strong>À noter&nbsp;:</strong> ce lien d'activation ne sert qu'une seule fois. Vous avez un délai de <strong>15 jours</strong> pour effectuer cette action, soit jusqu'au <strong>{e(deadline)}</strong> (heure de Paris)&nbsp;; passé ce délai, il vous faudra recommencer votre inscription.</p>
<p>Si vous n'êtes pas à l'origine de cette action, rendez-vous sur le <a href="{e(contact_url)}">formulaire de contact</a> du portail du compte personnel de formation pour nous en informer, en signalant un problème technique et en précisant votre identité.</p>
<p>Cordialement,<br>Votre correspondant CPF</p>
</body>
</html>
"""
    return ACTIVATION_SUBJECT, text, body


RESET_SUBJECT = "Mon Compte Formation : réinitialisation de votre mot de passe"


def reset_message(link: str, expires_at: datetime, contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the password reset email."""
    deadline = in_full(expires_at)
    text = f"""Bonjour,

Vous avez demandé à réinitialiser le mot de passe de votre espace privé du portail Mon Compte Formation. Pour choisir un nouveau mot de passe, cliquez sur le lien suivant ou copiez-le dans votre navigateur :

{link}

À noter : ce lien ne sert qu'une seule fois et reste valable jusqu'au {deadline} (heure de Paris). Une nouvelle demande le remplace.

Si vous n'êtes pas à l'origine de cette demande, ignorez ce courriel : votre mot de passe actuel reste valable. Si vous pensez que quelqu'un tente d'accéder à votre compte, signalez-le sur le formulaire de contact du portail du compte personnel de formation :
{contact_url}

Cordialement,
Votre correspondant CPF
"""
    e = html.escape
    body = f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{e(RESET_SUBJECT)}</title></head>
<body>
<p>Bonjour,</p>
<p>Vous avez demandé à réinitialiser le mot de passe de votre espace privé du portail Mon Compte Formation. Pour choisir un nouveau mot de passe, cliquez sur le lien suivant ou copiez-le dans votre navigateur&nbsp;:</p>
<p><a href="{e(link)}">{e(link)}</a></p>
<p><strong>À noter&nbsp;:</strong> ce lien ne sert qu'une seule fois et reste valable jusqu'au <strong>{e(deadline)}</strong> (heure de Paris). Une nouvelle demande le remplace.</p>
<p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce courriel&nbsp;: votre mot de passe actuel reste valable. Si vous pensez que quelqu'un tente d'accéder à votre compte, signalez-le sur le <a href="{e(contact_url)}">formulaire de contact</a> du portail du compte personnel de formation.</p>
<p>Cordialement,<br>Votre correspondant CPF</p>
</body>
</html>
"""
    return RESET_SUBJECT, text, body


class SesMailer:
    def __init__(self, client, sender: str, public_base_url: str, contact_url: str):
        self._client = client
        self._sender = sender
        self._base_url = public_base_url.rstrip("/")
        self._contact_url = contact_url

    def send_activation(self, recipient: str, token: str, expires_at: datetime) -> None:
        link = f"{self._base_url}/activation?c={token}"
        self._send(recipient, *activation_message(link, expires_at, self._contact_url))

    def send_password_reset(self, recipient: str, token: str, expires_at: datetime) -> None:
        link = f"{self._base_url}/reinitialisation?c={token}"
        self._send(recipient, *reset_message(link, expires_at, self._contact_url))

    def _send(self, recipient: str, subject: str, text: str, body_html: str) -> None:
        try:
            self._client.send_email(
                Source=self._sender,
                Destination={"ToAddresses": [recipient]},
                Message={
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": text, "Charset": "UTF-8"},
                        "Html": {"Data": body_html, "Charset": "UTF-8"},
                    },
                },
            )
        except (ClientError, BotoCoreError) as error:
            # The address and the link stay out of the log.
            code = error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__
            log.warning("SES refused an email (%s): %s", subject, code)
            raise DeliveryFailed(code) from None
