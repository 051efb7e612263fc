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


def test_each_holder_route_costs_two_dynamodb_requests_and_no_scan(holder, dynamodb_calls):
    holder.set_dif(50)
    dossier = holder.create_dossier()
    costs = {}
    for method, path, body in HOLDER_ROUTES:
        dynamodb_calls.clear()
        path = path.format(id=dossier)
        answer = getattr(holder, method if method != "get" else "get")(path, *([body] if method != "get" else []))
        assert answer.status in (200, 201), (path, answer.body)
        costs[f"{method.upper()} {path.replace(dossier, '{id}')}"] = list(dynamodb_calls)
    assert all(len(calls) == 2 and "Scan" not in calls for calls in costs.values()), costs
    transitions = ("POST /titulaire/dossiers/{id}/validation", "POST /titulaire/dossiers/{id}/cloture")
    for route, calls in costs.items():
        if route not in transitions:
            assert calls[0] == "UpdateItem", route  # the authentication, which pushes the idle deadline back
    # A transition reads the session and the dossier (its hours) together, then writes the dossier,
    # the NIR's rights, the event and the session's idle deadline in one transaction.
    for route in transitions:
        assert costs[route] == ["BatchGetItem", "TransactWriteItems"], costs[route]
