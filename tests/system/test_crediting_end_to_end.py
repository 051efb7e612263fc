"""End to end: `make credit` against a running local stack (moto server, bootstrap, `chalice local`
on free ports: the stack the end-to-end modules share), then the holder registers and reads the
hours over HTTP, as a client would."""

import json

from tests.helpers.crediting import SECOND_EMPLOYER, declarations, line
from tests.helpers.http import logged_in, make_on
from tests.helpers.people import make_nir


def test_make_credit_on_the_local_stack_then_the_holder_reads_the_hours_over_http(stack, tmp_path):
    nir, courriel = make_nir("2870533123456"), "lea.moreau@example.fr"
    declared = tmp_path / "employeurs 2025.csv"
    declared.write_bytes(
        declarations(
            line(nir, 2024),
            line(nir, 2025, heures="1000"),
            line(nir, 2025, heures="300", siret=SECOND_EMPLOYER),
            line(nir, 2014),
        )
    )
    done = make_on(stack, "credit", FILE=str(declared))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {
        "fichier": "employeurs 2025.csv",
        "lignes": 4,
        "appliquees": 2,
        "inchangees": 0,
        "regularisees": 1,  # the second employer of 2025
        "rejetees": [{"ligne": 5, "code": "annee_invalide"}],
    }
    assert nir not in done.stdout + done.stderr

    http = logged_in(stack, nir, courriel, prenom="Léa", civilite="MME")  # registered after the credit

    # 2024: 24 h; 2025: 1300/1607 of a year from 24, 19.4 → 20 (15, then 5 more for the late employer)
    statement = http.get("/titulaire/heures")
    assert statement.status == 200, statement
    assert statement.body["heures_cpf"] == 44, statement
    assert sorted((m["heures"], m["libelle"]) for m in statement.body["mouvements"]) == [
        (5, "Régularisation de vos droits 2025"),
        (15, "Alimentation de vos droits au titre de 2025"),
        (24, "Alimentation de vos droits au titre de 2024"),
    ]
    assert http.get("/titulaire").body["heures_cpf_disponibles"] == 44
