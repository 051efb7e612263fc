"""Activation ("Valider son inscription"): the link from the email, used once, within its validity.

The API never activates on a GET (mail scanners open links): the portal's page posts the code. The
code is the token's bare secret (it names nothing of the person: contract §13), so activation reads
the token, which names the records it makes permanent, then writes them in one conditional
transaction: the token unused and live, the account still pending.
"""

from datetime import datetime
from typing import Protocol

from ..clock import Clock
from . import history, tokens
from .errors import Conflict, Expired, NotFound, Part, Refusal, WriteConflict
from .expiry import has_expired
from .records.tokens import Activation, ActivationUse


class ActivationStore(Protocol):
    def get_activation(self, activation_digest: str) -> Activation | None: ...

    def activate_account(self, use: ActivationUse) -> None: ...


ACTIVATED = (
    "Votre compte a bien été activé, vous pouvez vous connecter avec votre numéro de sécurité sociale "
    "et le mot de passe que vous avez choisi lors de votre inscription."
)
UNKNOWN = Refusal(
    NotFound, "activation_invalide", "Ce lien d'activation n'est pas valide : vérifiez qu'il a été copié en entier."
)
ALREADY_USED = Refusal(
    Conflict,
    "compte_deja_active",
    "Ce lien d'activation a déjà servi : votre compte est actif, vous pouvez vous connecter.",
)
EXPIRED = Refusal(
    Expired,
    "activation_expiree",
    "Ce lien d'activation a expiré : son délai de validité est dépassé, merci de recommencer votre inscription.",
)


def activate(store: ActivationStore, clock: Clock, code: str) -> None:
    secret = tokens.activation_secret(code)
    if secret is None:
        raise UNKNOWN()
    now = clock()
    activation = _usable(store.get_activation(tokens.digest(secret)), now)
    try:
        store.activate_account(ActivationUse(activation, history.event(history.ACTIVATION, now), now))
    except WriteConflict as conflict:
        if Part.ACTIVATION in conflict.failed:
            _usable(conflict.found(Part.ACTIVATION, Activation), now)
        # The token was fine but the account is no longer the pending one it named: its time is over.
        raise EXPIRED() from None


def _usable(activation: Activation | None, now: datetime) -> Activation:
    if activation is None:
        raise UNKNOWN()
    if activation.used_at is not None:
        raise ALREADY_USED()
    if has_expired(activation, now):
        raise EXPIRED()
    return activation
