"""People the tests register: valid NIRs, email addresses, passwords, and the identity form's body."""

from stdnum.fr import nir as nir_rules

PASSWORD = "Formation2015!"  # 9 letters, one upper-case, 4 digits, a special character
NEW_PASSWORD = "Nouveau2026!"  # another valid one, for password changes and resets
EMAIL = "jean.dupont@example.fr"


def make_nir(body13: str) -> str:
    """A NIR with its right key, from its 13 first characters."""
    return body13 + nir_rules.calc_check_digits(body13 + "00")


NIR = make_nir("1840575123456")  # a man born in May 1984 in Paris
OTHER_NIR = make_nir("2920169123045")
OTHER_PERSON = {"nir": OTHER_NIR, "courriel": "marie.martin@example.fr", "prenom": "Marie"}


def identity(nir: str = NIR, courriel: str = EMAIL, **overrides) -> dict:
    """The identity step's body for a valid person (Jean Dupont unless told otherwise)."""
    body = {
        "nir": nir,
        "civilite": "M",
        "prenom": "Jean",
        "nom_naissance": "Dupont",
        "telephone_fixe": "01 23 45 67 89",
        "telephone_portable": "06 12 34 56 78",
        "courriel": courriel,
        "courriel_confirmation": courriel,
    }
    body.update(overrides)
    return body
