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


def test_each_holder_route_costs_at_most_three_dynamodb_requests_and_no_scan(holder, dynamodb_calls):
    holder.set_dif(50)
    dossier = holder.create_dossier()
    costs = {}
    for method, path, body in HOLDER_ROUTES:
        dynamodb_calls.clear()
        path = path.format(id=dossier)
        answer = getattr(holder, method if method != "get" else "get")(path, *([body] if method != "get" else []))
        assert answer.status in (200, 201), (path, answer.body)
        costs[f"{method.upper()} {path.replace(dossier, '{id}')}"] = list(dynamodb_calls)
    for route, calls in costs.items():
        assert calls[0] == "UpdateItem", route  # the authentication
        assert "Scan" not in calls
    two = {route: calls for route, calls in costs.items() if "validation" not in route and "cloture" not in route}
    assert all(len(calls) == 2 for calls in two.values()), two
    # A transition reads the dossier (its hours), then writes it, the account and the events together.
    for route in ("POST /titulaire/dossiers/{id}/validation", "POST /titulaire/dossiers/{id}/cloture"):
        assert costs[route] == ["UpdateItem", "GetItem", "TransactWriteItems"], costs[route]
