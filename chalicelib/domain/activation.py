"""Activation ("Valider son inscription"): the link from the email, used once, within its validity.

The API never activates on a GET (mail scanners open links): the portal's page posts the code. The
code names the records it activates (tokens.new_activation_code), so activation is one conditional
transaction: the token unused and live, the account still pending; a refusal says which from the
records the refused conditions return, without a read.
"""

from datetime import datetime
from typing import Protocol

from . import history, tokens
from .errors import Conflict, Expired, NotFound, WriteConflict
from .expiry import has_expired


class ActivationStore(Protocol):
    def get_activation(self, activation_digest: str) -> dict | None: ...

    def activate_account(self, *, activation_digest: str, activation: dict, event: dict, now: datetime) -> None: ...


ACTIVATED = (
    "Votre compte a bien été activé, vous pouvez vous connecter avec votre numéro de sécurité sociale "
    "et le mot de passe que vous avez choisi lors de votre inscription."
)
UNKNOWN = NotFound(
    "activation_invalide", "Ce lien d'activation n'est pas valide : vérifiez qu'il a été copié en entier."
)
ALREADY_USED = Conflict(
    "compte_deja_active", "Ce lien d'activation a déjà servi : votre compte est actif, vous pouvez vous connecter."
)
EXPIRED = Expired(
    "activation_expiree",
    "Ce lien d'activation a expiré : le délai de 15 jours est dépassé, merci de recommencer votre inscription.",
)


def activate(store: ActivationStore, clock, code: str, key: bytes) -> None:
    named = tokens.read_activation_code(code, key)
    now = clock()
    if named is not None:
        digest, activation = named.digest, named.records()
    elif tokens.is_well_formed_token(code):
        # A link mailed before codes named their records (15 days at most): its token says what.
        digest = tokens.digest(code)
        activation = store.get_activation(digest)
        _refuse_unusable(activation, now)
    else:
        raise UNKNOWN
    try:
        store.activate_account(
            activation_digest=digest, activation=activation, event=history.event(history.ACTIVATION, now), now=now
        )
    except WriteConflict as conflict:
        if "activation" in conflict.failed:
            _refuse_unusable(conflict.current.get("activation"), now)
        # The token was fine but the account is no longer the pending one it named: its time is over.
        raise EXPIRED from None


def _refuse_unusable(activation: dict | None, now) -> None:
    if activation is None:
        raise UNKNOWN
    if "utilise_le" in activation:
        raise ALREADY_USED
    if has_expired(activation, now):
        raise EXPIRED
