"""One-time links (activation, reset, email change) as items: which attribute holds what, both ways."""

from ..domain.records.tokens import Activation, EmailChange, Reset
from .keys import Item, expiry_of


def activation_attributes(activation: Activation) -> Item:
    return {
        "compte_id": activation.account_id,
        "nir": activation.nir,
        "courriel_cle": activation.email_key,
        "evenement_inscription": activation.registration_event,
        "franceconnect_sub": activation.franceconnect_sub,
    }


def activation_from(digest: str, item: Item | None) -> Activation | None:
    if item is None:
        return None
    return Activation(
        digest,
        item["compte_id"],
        item["nir"],
        item["courriel_cle"],
        item.get("evenement_inscription"),
        item.get("utilise_le"),
        expiry_of(item),
        item.get("franceconnect_sub"),
    )


def reset_attributes(reset: Reset) -> Item:
    return {"compte_id": reset.account_id, "nir": reset.nir}


def reset_from(digest: str, item: Item | None) -> Reset | None:
    return None if item is None else Reset(digest, item["compte_id"], item["nir"], expiry_of(item))


def email_change_attributes(change: EmailChange) -> Item:
    return {
        "compte_id": change.account_id,
        "courriel": change.new_email,
        "courriel_cle": change.new_email_key,
        "ancien_courriel": change.old_email,
        "ancien_courriel_cle": change.old_email_key,
    }


def email_change_from(digest: str, item: Item | None) -> EmailChange | None:
    if item is None:
        return None
    return EmailChange(
        digest,
        item["compte_id"],
        item["courriel"],
        item["courriel_cle"],
        item["ancien_courriel"],
        item["ancien_courriel_cle"],
        expiry_of(item),
    )
