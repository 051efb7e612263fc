"""Sealers on keyrings held in memory, for the rules' tests, with a monotonic clock they move."""

from dataclasses import dataclass, field

from chalicelib.sealing import Sealer
from tools.local import rotate_keys


@dataclass
class Keyrings:
    """The keyring's successive texts, as a secret would hold them; counts its reads."""

    text: str = field(default_factory=rotate_keys.first_keyring_text)
    reads: int = 0
    now: float = 0.0  # the sealer's monotonic clock, in seconds

    def read(self) -> str:
        self.reads += 1
        return self.text

    def rotate(self) -> None:
        self.text = rotate_keys.rotated_text(self.text)

    def sealer(self, cache_seconds: float = 300) -> Sealer:
        return Sealer(self.read, cache_seconds, lambda: self.now)


def sealer() -> Sealer:
    """A sealer of a keyring of its own."""
    return Keyrings().sealer()
