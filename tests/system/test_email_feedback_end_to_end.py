"""End to end over HTTP (contract §10): `make bounce` / `make complaint` on a running local stack hand
SES's notification about the last email to an address to the feedback function, as SNS would. A
mistyped address frees the NIR at once; a bounced reset marks the account and the synthesis says so;
a bounced invitation frees its place; the person's own requests keep their answers."""

from tests.helpers.http import Http, link_code, logged_in, make_on, register_over_http
from tests.helpers.people import PASSWORD, make_nir
from tests.helpers.verification import email_hour_passes_on_stack

NIR = make_nir("1840575123789")
WRONG = "luc.girad@example.fr"
RIGHT = "luc.girard@example.fr"
OTHER_NIR = make_nir("2920169123789")


def make(stack, target: str, address: str) -> str:
    done = make_on(stack, target, EMAIL=address)
    assert done.returncode == 0, done.stdout + done.stderr
    assert NIR not in done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_mistyped_address_bounces_and_the_same_nir_registers_again_at_once(stack):
    http = Http(stack)
    assert register_over_http(http, WRONG, nir=NIR).status == 201
    taken = register_over_http_refused(http, RIGHT)
    assert taken == "nir_deja_inscrit"
    resend = http.post("/activations/renvoi", {"nir": NIR, "courriel": WRONG})
    assert resend.status == 202
    assert make(stack, "bounce", WRONG) == "bounce : appliquee"
    assert http.post("/activations/renvoi", {"nir": NIR, "courriel": WRONG}).status == 202  # the same answer
    assert register_over_http(http, RIGHT, nir=NIR).status == 201  # the same NIR, at once
    assert http.post("/activations", {"code": link_code(stack, RIGHT, "activation")}).status == 200
    assert make(stack, "bounce", WRONG) == "bounce : deja_appliquee"


def register_over_http_refused(http, courriel) -> str:
    from tests.helpers.http import CAPTCHA
    from tests.helpers.people import identity

    version = http.get("/cgu").body["version"]
    draft_id = http.post("/inscriptions", {"cgu_acceptees": True, "cgu_version": version}).body["id"]
    captcha_id = http.post("/captchas").body["id"]
    person = {**identity(nir=NIR, courriel=courriel), "captcha_id": captcha_id, "captcha_reponse": CAPTCHA}
    return http.put(f"/inscriptions/{draft_id}/identite", person).body["code"]


def test_a_bounced_reset_marks_the_account_and_the_synthesis_says_so(stack):
    address = "marie.fabre@example.fr"
    holder = logged_in(stack, OTHER_NIR, address, prenom="Marie", civilite="MME")
    assert holder.get("/titulaire").body["courriel_invalide"] is False
    asked = Http(stack).post("/mots-de-passe/oubli", {"nir": OTHER_NIR, "courriel": address})
    assert make(stack, "bounce", address) == "bounce : appliquee"
    assert holder.get("/titulaire").body["courriel_invalide"] is True
    assert holder.get("/titulaire/informations").body["courriel_invalide"] is True
    again = Http(stack).post("/mots-de-passe/oubli", {"nir": OTHER_NIR, "courriel": address})
    assert (again.status, again.body) == (asked.status, asked.body)  # no enumeration


def test_a_bounced_invitation_frees_its_place(stack):
    nir = make_nir("1750275123987")
    holder = logged_in(stack, nir, "paul.durand@example.fr", prenom="Paul", nom_naissance="Durand")
    invitation = {"courriel": "consiel@example.fr", "portee": "consultation", "mot_de_passe": PASSWORD}
    granted = holder.post("/titulaire/delegations", invitation)
    assert granted.status == 201, granted
    assert make(stack, "bounce", "consiel@example.fr") == "bounce : appliquee"
    (listed,) = holder.get("/titulaire/delegations").body["delegations"]
    assert listed["statut"] == "courriel_invalide"
    email_hour_passes_on_stack(stack, nir)  # the invitation and its notice leave the hour's allowance
    again = holder.post("/titulaire/delegations", invitation)
    assert again.status == 201, again


def test_a_complaint_marks_the_account_too_and_an_unknown_address_is_told(stack):
    nir = make_nir("2880675123111")
    address = "lea.petit@example.fr"
    holder = logged_in(stack, nir, address, prenom="Léa", civilite="MME", nom_naissance="Petit")
    Http(stack).post("/mots-de-passe/oubli", {"nir": nir, "courriel": address})
    assert make(stack, "complaint", address) == "complaint : appliquee"
    assert holder.get("/titulaire").body["courriel_invalide"] is True
    done = make_on(stack, "bounce", EMAIL="personne@example.fr")
    assert done.returncode != 0 and "aucun courriel" in done.stderr
