"""The holder space ("Espace Titulaire") once logged in."""

from .errors import NotFound



def synthesis(store, account_id: str) -> dict:
    """"Synthèse de votre compte": the figures are kept on the account item, one read."""
    account = store.get_account(account_id)
    if account is None:
        raise NotFound("compte_introuvable", "Ce compte est introuvable.")
    dif = account.get("heures_dif")
    return {
        "civilite": account["civilite"],
        "prenom": account.get("prenom"),
        "nom_naissance": account["nom_naissance"],
        "heures_cpf_disponibles": account.get("heures_cpf", 0),
        "heures_dif": dif,
        "dif_modifiable": not account.get("dif_verrouille", False),
        "dossiers_en_cours": account.get("dossiers_en_cours", 0),
        "dossiers_clos": account.get("dossiers_clos", 0),
    }
