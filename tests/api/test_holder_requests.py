"""What each route of the holder space costs in DynamoDB requests (the README's table)."""

HOLDER_ROUTES = [
    ("get", "/titulaire", None),
    ("get", "/titulaire/informations", None),
    ("patch", "/titulaire/informations", {"prenom": "Paul"}),
    ("get", "/titulaire/heures", None),
    ("put", "/titulaire/heures/dif", {"solde_dif": 40}),
    ("post", "/titulaire/dossiers", {"intitule": "A", "organisme": "B", "heures": 10}),
    ("get", "/titulaire/dossiers", None),
    ("get", "/titulaire/dossiers/{id}", None),
    ("post", "/titulaire/dossiers/{id}/validation", None),
    ("post", "/titulaire/dossiers/{id}/cloture", None),
    ("get", "/titulaire/historique", None),
]


# Each route's requests when the session's idle deadline is fresh (the rule: chalicelib/domain/sessions.py).
# A read whose data can be fetched by key is one BatchGetItem with the session; a Query or a plain
# write needs the session checked by its own request (the UpdateItem that also pushes it back); a
# transition reads the session with the dossier, then writes everything, the deadline included, at once.
EXPECTED = {
    "GET /titulaire": ["BatchGetItem"],  # session, account, the NIR's rights
    "GET /titulaire/informations": ["BatchGetItem"],  # session, account
    "PATCH /titulaire/informations": ["UpdateItem", "TransactWriteItems"],
    "GET /titulaire/heures": ["UpdateItem", "Query"],
    "PUT /titulaire/heures/dif": ["UpdateItem", "TransactWriteItems"],
    "POST /titulaire/dossiers": ["UpdateItem", "TransactWriteItems"],
    "GET /titulaire/dossiers": ["UpdateItem", "Query"],
    "GET /titulaire/dossiers/{id}": ["BatchGetItem"],  # session, dossier
    "POST /titulaire/dossiers/{id}/validation": ["BatchGetItem", "TransactWriteItems"],
    "POST /titulaire/dossiers/{id}/cloture": ["BatchGetItem", "TransactWriteItems"],
    "GET /titulaire/historique": ["UpdateItem", "Query"],
}


def test_each_holder_route_costs_its_floor_and_no_scan(holder, dynamodb_calls):
    holder.set_dif(50)
    dossier = holder.create_dossier()
    costs = {}
    for method, path, body in HOLDER_ROUTES:
        dynamodb_calls.clear()
        path = path.format(id=dossier)
        answer = getattr(holder, method)(path, *([body] if method != "get" else []))
        assert answer.status in (200, 201), (path, answer.body)
        costs[f"{method.upper()} {path.replace(dossier, '{id}')}"] = list(dynamodb_calls)
    assert costs == EXPECTED
