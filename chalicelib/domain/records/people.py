"""How a person is named, the same on an account, a délégation and an invitation."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Names:
    civilite: str
    nom_naissance: str
    prenom: str | None = None
