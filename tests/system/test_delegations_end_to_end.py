"""End to end, over real HTTP: a delegation's whole life (grant, accept, read, revoke, refused
afterwards) and the confirmed email change, against the local stack of `make run` (moto server,
bootstrap, `chalice local`) on free ports, the emails read on the emulator."""

import json

from tests.helpers.http import Http, link_code, logged_in
from tests.helpers.people import PASSWORD, make_nir
from tests.helpers.verification import verify_on_stack

HOLDER_NIR = make_nir("2850344123789")


def test_a_delegation_s_life_over_http(stack):
    holder = logged_in(
        stack,
        HOLDER_NIR,
        "claire.vidal@example.fr",
        prenom="Claire",
        civilite="MME",
        nom_naissance="Vidal",
    )
    delegate = logged_in(
        stack, make_nir("1790231123456"), "marc.leroy@example.fr", prenom="Marc", nom_naissance="Leroy"
    )
    assert holder.put("/titulaire/heures/dif", {"solde_dif": 30}).status == 200
    secret = holder.post(
        "/titulaire/dossiers", {"intitule": "Reconversion", "organisme": "Centre", "heures": 10, "confidentiel": True}
    )
    assert secret.status == 201, secret

    verify_on_stack(stack, HOLDER_NIR)  # `gestion` needs an identity verified with FranceConnect
    body = {"courriel": "marc.leroy@example.fr", "portee": "gestion", "mot_de_passe": PASSWORD}
    granted = holder.post("/titulaire/delegations", body)
    assert granted.status == 201, granted
    code = link_code(stack, "marc.leroy@example.fr", "delegation")
    accepted = delegate.post("/delegations/acceptation", {"code": code})
    assert accepted.status == 200, accepted
    assert accepted.body["titulaire"] == {"prenom": "Claire", "nom_naissance": "Vidal"}

    base = f"/titulaire/comptes-delegues/{granted.body['id']}"
    synthesis = delegate.get(base)
    assert synthesis.status == 200, synthesis
    assert synthesis.body["dossiers_en_cours"] == 0  # the confidential dossier is not counted
    assert delegate.get(f"{base}/dossiers").body == {"dossiers": []}
    drafted = delegate.post(f"{base}/dossiers", {"intitule": "Bureautique", "organisme": "Centre", "heures": 5})
    assert drafted.status == 201, drafted
    validated = holder.post(f"/titulaire/dossiers/{drafted.body['id']}/validation")
    assert validated.status == 200, validated  # only the holder validates

    assert holder.delete(f"/titulaire/delegations/{granted.body['id']}").status == 204
    for path in (base, f"{base}/heures", f"{base}/dossiers", f"{base}/dossiers/{drafted.body['id']}"):
        refused = delegate.get(path)
        assert (refused.status, refused.body["code"]) == (404, "delegation_introuvable"), path
    assert delegate.get("/titulaire/comptes-delegues").body == {"comptes": []}
    kinds = [event["type"] for event in holder.get("/titulaire/historique").body["evenements"]]
    assert kinds[:5] == [
        "delegation_revoquee",
        "dossier_valide",
        "dossier_cree_par_delegataire",
        "delegation_acceptee",
        "delegation_accordee",
    ]


def test_the_confirmed_email_change_over_http(stack):
    nir = make_nir("1920699123789")
    person = logged_in(stack, nir, "pierre.morel@example.fr", prenom="Pierre", nom_naissance="Morel")
    asked = person.post(
        "/titulaire/courriel",
        {"courriel": "pierre.m@example.org", "courriel_confirmation": "pierre.m@example.org", "mot_de_passe": PASSWORD},
    )
    assert asked.status == 202, asked
    notice = [m for m in stack.sent_emails() if "pierre.morel@example.fr" in json.dumps(m.get("destinations", {}))][-1]
    assert "#c=" not in notice["body"] and "?c=" not in notice["body"]
    assert "p***@example.org" in notice["body"]

    code = link_code(stack, "pierre.m@example.org", "courriel")
    changed = Http(stack).post("/courriels/confirmation", {"code": code})  # no session needed
    assert (changed.status, changed.body["courriel"]) == (200, "pierre.m@example.org"), changed
    assert person.get("/titulaire/informations").body["courriel"] == "pierre.m@example.org"
    again = Http(stack).post("/courriels/confirmation", {"code": code})
    assert (again.status, again.body["code"]) == (404, "code_invalide")
    history = person.get("/titulaire/historique").body["evenements"]
    assert history[0]["detail"] == "Adresse courriel modifiée : p***@example.fr remplacée par p***@example.org."
