"""Emails: the French templates and their delivery through SES.

An email carries nothing secret but its link: never the NIR, never the password. A link's code is in
its fragment (`/activation#c=<code>`, contract §13): a browser never sends a fragment, so no server,
proxy or CDN log sees it. A duration an email states is the setting's, written in words.
"""

import html
import logging
from datetime import date, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import metrics
from .domain.email_feedback import KIND_TAG, RECORD_TAG, MessageKind
from .domain.errors import DeliveryFailed
from .french_dates import date_in_full, in_full
from .settings import get_settings

log = logging.getLogger(__name__)

ACTIVATION_SUBJECT = "Mon Compte Formation : activez votre compte"
RESET_SUBJECT = "Mon Compte Formation : réinitialisation de votre mot de passe"
EMAIL_CHANGE_SUBJECT = "Mon Compte Formation : confirmez votre nouvelle adresse courriel"
EMAIL_CHANGE_NOTICE_SUBJECT = "Mon Compte Formation : demande de changement de votre adresse courriel"
CLOSURE_NOTICE_SUBJECT = "Mon Compte Formation : votre compte a été fermé"
INVITATION_SUBJECT = "Mon Compte Formation : {holder} vous propose une délégation"
DELEGATION_NOTICE_SUBJECT = "Mon Compte Formation : une délégation de votre compte a été accordée"
PASSWORD_CHANGED_SUBJECT = "Mon Compte Formation : votre mot de passe a été modifié"
PASSWORD_RESET_NOTICE_SUBJECT = "Mon Compte Formation : votre mot de passe a été réinitialisé"
# What the holder's notice says a delegate may do.
NOTICE_SCOPES = {
    "consultation": "consulter votre compte (synthèse, heures et dossiers de formation)",
    "gestion": "consulter votre compte et préparer pour vous des dossiers de formation, que vous seul(e) pourrez "
    "valider",
}
# The notices' last words (contract §14): what to do when the holder did not do it.
NOT_YOU = (
    "Si vous n'êtes pas à l'origine de cette action, {what} et signalez-le sur le formulaire de contact du "
    "portail du compte personnel de formation"
)
# What a delegate may do, as the invitation says it.
INVITATION_SCOPES = {
    "consultation": "consulter son compte (synthèse, heures et dossiers de formation)",
    "gestion": "consulter son compte et préparer pour cette personne des dossiers de formation, qu'elle seule "
    "pourra valider",
}
LINK = object()  # where the link stands, on a line of its own
_ASTERISK = "\x00"  # an asterisk of a value (a masked address), kept apart from the **bold** markup


def _literal(value: str) -> str:
    """A value put in a paragraph as it is: its asterisks are not markup."""
    return value.replace("*", _ASTERISK)


_UNITS = ((86_400, "jour", "jours"), (3_600, "heure", "heures"), (60, "minute", "minutes"), (1, "seconde", "secondes"))


def duration_in_full(seconds: int) -> str:
    """« 15 jours », « 1 heure », « 1 jour et 12 heures »: a setting's duration, in words; the two
    largest units that make it up (a setting in whole days, hours or minutes reads exactly)."""
    parts: list[str] = []
    left = seconds
    for size, one, many in _UNITS:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return " et ".join(parts[:2]) or "0 seconde"


def link_to(base_url: str, page: str, code: str) -> str:
    """`{PUBLIC_BASE_URL}/<page>#c=<code>`: the code in the fragment, never in the query string."""
    return f"{base_url.rstrip('/')}/{page}#c={code}"


def activation_message(
    link: str, expires_at: datetime, contact_url: str, *, valid_for_seconds: int
) -> tuple[str, str, str]:
    """Subject, text and HTML of the activation email. `valid_for_seconds`: ACTIVATION_TTL_SECONDS,
    counted from the registration (a link mailed again keeps the registration's deadline)."""
    return _render(
        ACTIVATION_SUBJECT,
        [
            "Afin de finaliser l'inscription à votre espace privé du portail Mon Compte Formation, cliquez "
            "sur le lien suivant ou copiez-le dans votre navigateur :",
            LINK,
            "Vous pourrez alors vous connecter avec votre numéro de sécurité sociale et le mot de passe que "
            "vous avez défini lors de votre inscription.",
            "**À noter :** ce lien d'activation ne sert qu'une seule fois. Vous avez un délai de "
            f"**{duration_in_full(valid_for_seconds)}** à compter de votre inscription pour effectuer cette action, "
            f"soit jusqu'au **{in_full(expires_at)}** (heure de Paris) ; passé ce "
            "délai, il vous faudra recommencer votre inscription.",
        ],
        "Si vous n'êtes pas à l'origine de cette action, rendez-vous sur le formulaire de contact du portail "
        "du compte personnel de formation pour nous en informer, en signalant un problème technique et en "
        "précisant votre identité",
        link,
        contact_url,
    )


def reset_message(link: str, expires_at: datetime, contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the password reset email."""
    return _render(
        RESET_SUBJECT,
        [
            "Vous avez demandé à réinitialiser le mot de passe de votre espace privé du portail Mon Compte "
            "Formation. Pour choisir un nouveau mot de passe, cliquez sur le lien suivant ou copiez-le dans "
            "votre navigateur :",
            LINK,
            f"**À noter :** ce lien ne sert qu'une seule fois et reste valable jusqu'au **{in_full(expires_at)}** "
            "(heure de Paris). Une nouvelle demande le remplace.",
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce courriel : votre mot de passe actuel "
            "reste valable.",
        ],
        "Si vous pensez que quelqu'un tente d'accéder à votre compte, signalez-le sur le formulaire de "
        "contact du portail du compte personnel de formation",
        link,
        contact_url,
    )


def email_change_message(link: str, expires_at: datetime, contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the link sent to the new address of an email change."""
    return _render(
        EMAIL_CHANGE_SUBJECT,
        [
            "Vous avez demandé que cette adresse devienne celle de votre espace privé du portail Mon Compte "
            "Formation. Pour confirmer ce changement, cliquez sur le lien suivant ou copiez-le dans votre "
            "navigateur :",
            LINK,
            f"**À noter :** ce lien ne sert qu'une seule fois et reste valable jusqu'au **{in_full(expires_at)}** "
            "(heure de Paris). Une nouvelle demande le remplace. Tant qu'il n'a pas servi, votre adresse actuelle "
            "reste celle de votre compte.",
        ],
        "Si vous n'êtes pas à l'origine de cette demande, n'utilisez pas ce lien et signalez-le sur le formulaire "
        "de contact du portail du compte personnel de formation",
        link,
        contact_url,
    )


def email_change_notice(new_address_masked: str, expires_at: datetime, contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice sent to the current address of an email change: no link."""
    return _render(
        EMAIL_CHANGE_NOTICE_SUBJECT,
        [
            "Une demande de changement de l'adresse courriel de votre espace privé du portail Mon Compte "
            f"Formation vient d'être faite, vers l'adresse **{_literal(new_address_masked)}**.",
            "Elle ne prendra effet que si le lien envoyé à cette nouvelle adresse est utilisé, au plus tard le "
            f"**{in_full(expires_at)}** (heure de Paris). Si vous êtes à l'origine de cette demande, vous n'avez "
            "rien à faire.",
        ],
        "Si vous n'êtes pas à l'origine de cette demande, changez sans attendre votre mot de passe et "
        "signalez-le sur le formulaire de contact du portail du compte personnel de formation",
        None,
        contact_url,
    )


def account_closed_notice(contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice sent to the address of an account closed because a
    registration verified with FranceConnect took its NIR over (contract §14): no link."""
    return _render(
        CLOSURE_NOTICE_SUBJECT,
        [
            "Votre compte du portail Mon Compte Formation vient d'être fermé : une personne s'est inscrite avec "
            "le même numéro de sécurité sociale en prouvant son identité avec FranceConnect. Le numéro de "
            "sécurité sociale et les droits à la formation qui s'y attachent lui reviennent désormais.",
            "Votre mot de passe ne permet plus de vous connecter ; vos sessions ont été fermées, vos délégations "
            "révoquées et vos dossiers de formation non clos annulés (les heures qu'ils réservaient ont été "
            "rendues au compte d'heures de ce numéro).",
            "Si ce numéro de sécurité sociale est bien le vôtre, vous pouvez vous inscrire de nouveau en "
            "prouvant votre identité avec FranceConnect.",
        ],
        "Si vous n'êtes pas à l'origine de cette action, ou pour contester cette fermeture, rendez-vous sur le "
        "formulaire de contact du portail du compte personnel de formation",
        None,
        contact_url,
    )


def invitation_message(
    link: str, expires_at: datetime, contact_url: str, *, holder: str, scope: str, ends_on: date
) -> tuple[str, str, str]:
    """Subject, text and HTML of a delegation's invitation: it names the holder and the scope, never the NIR."""
    return _render(
        INVITATION_SUBJECT.format(holder=holder),
        [
            f"{holder}, titulaire d'un compte personnel de formation, vous invite à devenir son délégataire sur le "
            f"portail Mon Compte Formation : vous pourriez {INVITATION_SCOPES[scope]}, jusqu'au "
            f"**{date_in_full(ends_on)}** inclus, ou jusqu'à ce que cette personne y mette fin.",
            "Pour accepter, connectez-vous à votre propre espace privé (avec votre numéro de sécurité sociale et "
            "votre mot de passe), puis ouvrez le lien suivant ou copiez-le dans votre navigateur :",
            LINK,
            f"**À noter :** ce lien ne sert qu'une seule fois et reste valable jusqu'au **{in_full(expires_at)}** "
            "(heure de Paris). Il ne peut être accepté que depuis un compte dont l'adresse courriel est celle à "
            "laquelle ce message a été envoyé ; si vous n'avez pas encore de compte, inscrivez-vous avec cette "
            "adresse.",
            "Si vous ne connaissez pas cette personne, ignorez ce courriel : rien ne se passera.",
        ],
        "Si vous pensez que ce message vous a été envoyé par erreur ou pour vous tromper, signalez-le sur le "
        "formulaire de contact du portail du compte personnel de formation",
        link,
        contact_url,
    )


def delegation_notice(
    invited_masked: str, scope: str, ends_on: date, moment: datetime, contact_url: str
) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice to the holder that a délégation was granted: no link."""
    return _render(
        DELEGATION_NOTICE_SUBJECT,
        [
            f"Le **{in_full(moment)}** (heure de Paris), une délégation de votre compte personnel de formation a été "
            f"accordée depuis votre espace privé à l'adresse **{_literal(invited_masked)}** : la personne qui "
            f"l'acceptera pourra {NOTICE_SCOPES[scope]}, jusqu'au **{date_in_full(ends_on)}** inclus.",
            "Si vous êtes à l'origine de cette action, vous n'avez rien à faire. Vous pouvez y mettre fin à tout "
            "moment depuis « Mes délégations ».",
        ],
        NOT_YOU.format(
            what="connectez-vous sans attendre pour y mettre fin depuis « Mes délégations », changez votre mot de passe"
        ),
        None,
        contact_url,
    )


def password_changed_notice(moment: datetime, contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice that the password was changed from the holder space: no link."""
    return _render(
        PASSWORD_CHANGED_SUBJECT,
        [
            f"Le mot de passe de votre espace privé du portail Mon Compte Formation a été modifié le "
            f"**{in_full(moment)}** (heure de Paris), depuis votre espace privé. Vos autres sessions ont été fermées.",
            "Si vous êtes à l'origine de cette action, vous n'avez rien à faire.",
        ],
        NOT_YOU.format(
            what="réinitialisez sans attendre votre mot de passe avec « Mot de passe oublié » sur la page de connexion"
        ),
        None,
        contact_url,
    )


def password_reset_notice(moment: datetime, delegations_ended: int, contact_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice that the password was reset from an emailed link: no link."""
    ended = (
        []
        if delegations_ended == 0
        else [
            f"Comme demandé, {'la délégation' if delegations_ended == 1 else f'les {delegations_ended} délégations'} "
            f"que vous aviez accordée{'s' if delegations_ended > 1 else ''} "
            f"{'a pris' if delegations_ended == 1 else 'ont pris'} fin en même temps."
        ]
    )
    return _render(
        PASSWORD_RESET_NOTICE_SUBJECT,
        [
            "Le mot de passe de votre espace privé du portail Mon Compte Formation a été réinitialisé le "
            f"**{in_full(moment)}** (heure de Paris), avec le lien envoyé à cette adresse. Toutes vos sessions ont "
            "été fermées.",
            *ended,
            "Si vous êtes à l'origine de cette action, vous n'avez rien à faire.",
        ],
        NOT_YOU.format(
            what="faites sans attendre une nouvelle demande avec « Mot de passe oublié » sur la page de connexion, "
            "changez le mot de passe de votre messagerie"
        ),
        None,
        contact_url,
    )


def _render(
    subject: str, paragraphs: list[object], contact_sentence: str, link: str | None, contact_url: str
) -> tuple[str, str, str]:
    """The same message as text and as HTML; **…** marks what the HTML shows in bold. A message
    without a link (`link` None) has no LINK paragraph."""
    text_blocks: list[str] = []
    html_blocks: list[str] = []
    for paragraph in paragraphs:
        if paragraph is LINK and link is not None:
            text_blocks.append(link)
            html_blocks.append(f'<a href="{html.escape(link)}">{html.escape(link, quote=False)}</a>')
        elif isinstance(paragraph, str):
            text_blocks.append(paragraph.replace("**", ""))
            html_blocks.append(_bold(html.escape(paragraph, quote=False)))
    text_blocks.append(f"{contact_sentence} :\n{contact_url}")
    html_blocks.append(
        f'{html.escape(contact_sentence, quote=False)}&nbsp;: <a href="{html.escape(contact_url)}">'
        f"{html.escape(contact_url, quote=False)}</a>"
    )
    text = "\n\n".join(["Bonjour,", *text_blocks, "Cordialement,\nVotre correspondant CPF"]) + "\n"
    body = "\n".join(
        f"<p>{block}</p>" for block in ["Bonjour,", *html_blocks, "Cordialement,<br>Votre correspondant CPF"]
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>{html.escape(subject, quote=False)}'
        f"</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return subject, text.replace(_ASTERISK, "*"), page.replace(_ASTERISK, "*")


def _bold(escaped: str) -> str:
    parts = escaped.split("**")
    return "".join(f"<strong>{part}</strong>" if index % 2 else part for index, part in enumerate(parts))


class SesMailer:
    """Every email goes with the configuration set (its Bounce and Complaint events come back to the
    feedback function) and two message tags: its kind and the opaque id of the record it serves
    (an account or a délégation), never a NIR or an address (contract §10)."""

    def __init__(
        self, client: Any, sender: str, public_base_url: str, contact_url: str, configuration_set: str | None = None
    ) -> None:
        self._client = client
        self._sender = sender
        self._base_url = public_base_url.rstrip("/")
        self._contact_url = contact_url
        self._configuration_set = configuration_set

    def send_activation(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None:
        link = link_to(self._base_url, "activation", token)
        valid_for = get_settings().activation_ttl_seconds
        message = activation_message(link, expires_at, self._contact_url, valid_for_seconds=valid_for)
        self._send(recipient, *message, kind=MessageKind.ACTIVATION, record_id=record_id)

    def send_password_reset(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None:
        link = link_to(self._base_url, "reinitialisation", token)
        message = reset_message(link, expires_at, self._contact_url)
        self._send(recipient, *message, kind=MessageKind.RESET, record_id=record_id)

    def send_email_change_link(self, recipient: str, token: str, expires_at: datetime, *, record_id: str) -> None:
        link = link_to(self._base_url, "courriel", token)
        message = email_change_message(link, expires_at, self._contact_url)
        self._send(recipient, *message, kind=MessageKind.EMAIL_CHANGE, record_id=record_id)

    def send_email_change_notice(
        self, recipient: str, new_address_masked: str, expires_at: datetime, *, record_id: str
    ) -> None:
        message = email_change_notice(new_address_masked, expires_at, self._contact_url)
        self._send(recipient, *message, kind=MessageKind.EMAIL_CHANGE_NOTICE, record_id=record_id)

    def send_account_closed_notice(self, recipient: str, *, record_id: str) -> None:
        message = account_closed_notice(self._contact_url)
        self._send(recipient, *message, kind=MessageKind.CLOSURE_NOTICE, record_id=record_id)

    def send_delegation_invitation(
        self,
        recipient: str,
        token: str,
        expires_at: datetime,
        *,
        holder: str,
        scope: str,
        ends_on: date,
        record_id: str,
    ) -> None:
        link = link_to(self._base_url, "delegation", token)
        message = invitation_message(link, expires_at, self._contact_url, holder=holder, scope=scope, ends_on=ends_on)
        self._send(recipient, *message, kind=MessageKind.DELEGATION, record_id=record_id)

    # Notices to the holder (contract §14): no link; SES's feedback marks the address (kind `courriel_notice`).

    def send_delegation_notice(
        self, recipient: str, invited_masked: str, scope: str, ends_on: date, moment: datetime, *, record_id: str
    ) -> None:
        message = delegation_notice(invited_masked, scope, ends_on, moment, self._contact_url)
        self._send(recipient, *message, kind=MessageKind.EMAIL_CHANGE_NOTICE, record_id=record_id)

    def send_password_changed_notice(self, recipient: str, moment: datetime, *, record_id: str) -> None:
        message = password_changed_notice(moment, self._contact_url)
        self._send(recipient, *message, kind=MessageKind.EMAIL_CHANGE_NOTICE, record_id=record_id)

    def send_password_reset_notice(
        self, recipient: str, moment: datetime, delegations_ended: int, *, record_id: str
    ) -> None:
        message = password_reset_notice(moment, delegations_ended, self._contact_url)
        self._send(recipient, *message, kind=MessageKind.EMAIL_CHANGE_NOTICE, record_id=record_id)

    def _send(
        self, recipient: str, subject: str, text: str, body_html: str, *, kind: MessageKind, record_id: str
    ) -> None:
        arguments: dict[str, Any] = {
            "Source": self._sender,
            "Destination": {"ToAddresses": [recipient]},
            "Message": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": text, "Charset": "UTF-8"},
                    "Html": {"Data": body_html, "Charset": "UTF-8"},
                },
            },
            "Tags": [{"Name": KIND_TAG, "Value": kind.value}, {"Name": RECORD_TAG, "Value": record_id}],
        }
        if self._configuration_set:
            arguments["ConfigurationSetName"] = self._configuration_set
        try:
            self._client.send_email(**arguments)
        except (ClientError, BotoCoreError) as error:
            # The address, the link and the subject (an invitation's names the holder) stay out of the log.
            code = error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__
            log.warning("SES refused an email (%s): %s", kind.value, code)
            metrics.count(metrics.EMAILS_REFUSED, kind=kind.value)
            raise DeliveryFailed(code) from None
        metrics.count(metrics.EMAILS_SENT, kind=kind.value)
