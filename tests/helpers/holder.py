"""One logged-in holder going through the holder space's menus, through the API."""

from tests.helpers.api import bearer
from tests.helpers.people import NEW_PASSWORD, PASSWORD


class Holder:
    """One logged-in holder; the clock moves a second before each change so the history's order is certain."""

    def __init__(self, api, clock, token: str):
        self.api, self.clock, self.token = api, clock, token

    def get(self, path):
        return self.api.get(path, headers=bearer(self.token))

    def _change(self, method, path, body=None):
        self.clock.advance(seconds=1)
        return getattr(self.api, method)(path, body, headers=bearer(self.token))

    def post(self, path, body=None):
        return self._change("post", path, body)

    def put(self, path, body=None):
        return self._change("put", path, body)

    def patch(self, path, body=None):
        return self._change("patch", path, body)

    def set_dif(self, value):
        return self.put("/titulaire/heures/dif", {"solde_dif": value})

    def create_dossier(self, heures=30, **fields):
        body = {"intitule": "Anglais professionnel", "organisme": "Centre de langues", "heures": heures, **fields}
        answer = self.post("/titulaire/dossiers", body)
        assert answer.status == 201, answer.body
        return answer.body["id"]

    def validate(self, dossier_id):
        return self.post(f"/titulaire/dossiers/{dossier_id}/validation")

    def close(self, dossier_id):
        return self.post(f"/titulaire/dossiers/{dossier_id}/cloture")

    def change_password(self, current=PASSWORD, new=NEW_PASSWORD, confirmation=None):
        body = {"mot_de_passe_actuel": current, "nouveau_mot_de_passe": new, "confirmation": confirmation or new}
        return self.put("/titulaire/mot-de-passe", body)
