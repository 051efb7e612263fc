"""Section 6 of the contract, "Mes délégations", through the API on the emulated AWS.

Authorization is the heart of it: the `TestAttacker` class tries, as an attacker would, every way
in that the issue lists; each answers as the contract says.
"""

import secrets

import pytest

from chalicelib.domain.email_feedback import KIND_TAG
from tests.helpers.accounts import JEAN, LUCIE, MARIE, PAUL, emails_to, link_code, open_accounts
from tests.helpers.faults import SesRefusal
from tests.helpers.people import NIR, PASSWORD
from tests.helpers.verification import mark_email_invalid, verify_identity

DELEGATE_ROUTES = ("", "/heures", "/dossiers")


@pytest.fixture
def people(journey, clock):
    """Jean (the holder), Marie (whom he invites), Paul (someone else), logged in."""
    return open_accounts(journey, clock, JEAN, MARIE, PAUL)


@pytest.fixture
def jean(people):
    """The holder, his identity verified (a `gestion` délégation needs it: contract §14)."""
    verify_identity(JEAN["nir"])
    return people[0]


@pytest.fixture
def marie(people):
    return people[1]


@pytest.fixture
def paul(people):
    return people[2]


def grant(holder, courriel, portee="consultation", **fields):
    body = {"courriel": courriel, "portee": portee, "mot_de_passe": PASSWORD, **fields}
    return holder.post("/titulaire/delegations", body)


def invitation_code(sent_emails, courriel) -> str:
    return link_code(emails_to(sent_emails, courriel)[-1], "delegation")


def accept(person, code):
    return person.post("/delegations/acceptation", {"code": code})


def delegate(holder, person, sent_emails, portee="consultation", **fields) -> str:
    """A delegation from `holder` to `person`, granted and accepted; returns its id."""
    granted = grant(holder, person.courriel, portee, **fields)
    assert granted.status == 201, granted.body
    accepted = accept(person, invitation_code(sent_emails, person.courriel))
    assert accepted.status == 200, accepted.body
    return granted.body["id"]


def dossier(holder, heures=10, **fields) -> str:
    body = {"intitule": "Anglais professionnel", "organisme": "Centre de langues", "heures": heures, **fields}
    created = holder.post("/titulaire/dossiers", body)
    assert created.status == 201, created.body
    return created.body["id"]


def listed(holder) -> list[dict]:
    answer = holder.get("/titulaire/delegations")
    assert answer.status == 200, answer.body
    return answer.body["delegations"]


def problem(answer, status, code):
    assert (answer.status, answer.body["code"]) == (status, code), answer.body
    assert answer.headers["content-type"].startswith("application/problem+json")


# The holder grants ----------------------------------------------------------------------------------


class TestGrant:
    def test_a_holder_invites_a_person_by_email(self, jean, marie, sent_emails, clock):
        answer = grant(jean, "Marie.Martin@example.fr")
        assert answer.status == 201, answer.body
        delegation = {key: answer.body[key] for key in ("courriel", "portee", "statut", "fin", "delegataire")}
        assert delegation == {
            "courriel": "Marie.Martin@example.fr",
            "portee": "consultation",
            "statut": "en_attente",
            "fin": "2027-12-01",  # one year ahead by default
            "delegataire": None,
        }
        assert answer.body["cree_le"] == "2026-12-01T10:00:01Z"
        assert answer.headers["location"] == f"/titulaire/delegations/{answer.body['id']}"
        assert answer.body["courriel_envoye"] is True
        assert len(emails_to(sent_emails, "Marie.Martin@example.fr")) == 1

    def test_the_invitation_names_the_holder_and_the_scope_never_the_nir(self, jean, marie, email_requests):
        assert grant(jean, marie.courriel, "gestion", fin="2027-06-30").status == 201
        (request,) = [r for r in email_requests if r["Destination"]["ToAddresses"] == [marie.courriel]]
        assert request["Message"]["Subject"]["Data"] == "Mon Compte Formation : Jean Dupont vous propose une délégation"
        parts = request["Message"]["Body"]
        for part in (parts["Text"]["Data"], parts["Html"]["Data"]):
            assert "http://127.0.0.1:8000/delegation#c=" in part
            assert "Jean Dupont" in part
            assert "préparer pour cette personne des dossiers de formation" in part
            assert "mercredi 30 juin 2027" in part  # the end date
            assert "une seule fois" in part
            assert "mercredi 16 décembre 2026 à 11 h 00" in part  # 15 days, Paris time
            assert "http://127.0.0.1:8000/contact" in part
            assert NIR not in part
            assert PASSWORD not in part
            assert JEAN["courriel"] not in part

    @pytest.mark.parametrize(
        ("fin", "status"),
        [("2026-12-01", 400), ("2026-12-02", 201), ("2027-12-01", 201), ("2027-12-02", 400), ("2025-01-01", 400)],
    )
    def test_the_end_date_is_from_tomorrow_to_one_year_ahead(self, jean, marie, fin, status):
        answer = grant(jean, marie.courriel, fin=fin)
        assert answer.status == status, answer.body
        if status == 400:
            assert answer.body["erreurs"][0]["champ"] == "fin"
            assert answer.body["code"] == "fin_hors_limites"

    def test_every_invalid_field_is_listed(self, jean):
        answer = jean.post("/titulaire/delegations", {"courriel": "pas une adresse", "portee": "tout", "fin": "1/2/27"})
        assert answer.status == 400
        assert sorted(e["champ"] for e in answer.body["erreurs"]) == ["courriel", "fin", "mot_de_passe", "portee"]
        problem(jean.post("/titulaire/delegations", {"portee": "gestion", "mot_de_passe": "x"}), 400, "champ_requis")
        unknown = {"courriel": "a@b.fr", "portee": "gestion", "mot_de_passe": PASSWORD, "x": 1}
        problem(
            jean.post("/titulaire/delegations", unknown),
            400,
            "champ_inconnu",
        )

    def test_one_s_own_address_is_refused(self, jean):
        problem(grant(jean, "JEAN.DUPONT@example.fr"), 400, "delegation_a_soi_meme")
        assert listed(jean) == []

    def test_a_second_invitation_to_an_address_pending_or_active_is_refused(self, jean, marie, sent_emails):
        assert grant(jean, marie.courriel).status == 201
        problem(grant(jean, "MARIE.martin@example.fr", "gestion"), 409, "delegation_existante")  # double submission
        accept(marie, invitation_code(sent_emails, marie.courriel))
        problem(grant(jean, marie.courriel), 409, "delegation_existante")
        assert len(listed(jean)) == 1

    def test_at_most_five_pending_or_active_and_an_ended_one_frees_its_place(self, jean, clock):
        for n in range(5):  # an invitation and its notice an hour (three emails an hour)
            assert grant(jean, f"conseiller{n}@example.fr").status == 201
            clock.advance(hours=1)
            jean.log_in()
        problem(grant(jean, "conseiller5@example.fr"), 409, "delegations_trop_nombreuses")
        assert jean.delete(f"/titulaire/delegations/{listed(jean)[0]['id']}").status == 204
        assert grant(jean, "conseiller5@example.fr").status == 201
        clock.advance(hours=1)
        problem(grant(jean.log_in(), "conseiller6@example.fr"), 409, "delegations_trop_nombreuses")
        clock.advance(days=15)  # the first invitations expire (the items stay: moto never deletes)
        jean.log_in()
        assert grant(jean, "conseiller6@example.fr").status == 201

    def test_invitations_and_their_notices_count_in_the_three_emails_an_hour(self, jean, clock):
        assert grant(jean, "conseiller0@example.fr").status == 201  # the invitation and the notice: two
        assert grant(jean, "conseiller1@example.fr").status == 201  # the third (its notice goes, beyond)
        refused = grant(jean, "conseiller2@example.fr")
        problem(refused, 429, "envois_trop_nombreux")
        assert 0 < int(refused.headers["retry-after"]) <= 3600
        assert len(listed(jean)) == 2  # nothing written
        clock.advance(hours=1)
        assert grant(jean.log_in(), "conseiller2@example.fr").status == 201

    def test_when_ses_fails_the_delegation_is_kept_and_the_email_given_back(self, jean, marie, monkeypatch):
        monkeypatch.setenv("SENDER_EMAIL", "non-verifie@moncompteformation.gouv.fr")  # SES refuses
        answer = grant(jean, marie.courriel)
        assert answer.status == 201
        assert answer.body["courriel_envoye"] is False
        assert "révoquez-la" in answer.body["detail"]
        monkeypatch.delenv("SENDER_EMAIL")
        assert jean.delete(f"/titulaire/delegations/{answer.body['id']}").status == 204
        # The failed invitation (and the notice that did not go with it) did not use the hour's allowance.
        for n in range(2):
            assert grant(jean, f"conseiller{n}@example.fr").status == 201


class TestSensitiveGrant:
    """Contract §14: a délégation is granted with the password given again, `gestion` needs a verified
    identity, and the holder gets a notice."""

    def test_the_password_is_required(self, jean, marie):
        answer = jean.post("/titulaire/delegations", {"courriel": marie.courriel, "portee": "consultation"})
        problem(answer, 400, "champ_requis")
        assert [e["champ"] for e in answer.body["erreurs"]] == ["mot_de_passe"]

    def test_a_wrong_password_is_refused_counted_towards_the_lockout_and_writes_nothing(
        self, jean, marie, journey, sent_emails
    ):
        before = len(sent_emails())
        for _ in range(4):
            answer = grant(jean, marie.courriel, mot_de_passe="Mauvais2015!")
            problem(answer, 403, "mot_de_passe_incorrect")
            (error,) = answer.body["erreurs"]
            assert (error["champ"], error["code"]) == ("mot_de_passe", "mot_de_passe_incorrect")
        problem(grant(jean, marie.courriel, mot_de_passe="Mauvais2015!"), 429, "compte_verrouille")
        locked = grant(jean, marie.courriel)  # the right one too, while locked
        problem(locked, 429, "compte_verrouille")
        assert int(locked.headers["retry-after"]) > 0
        problem(journey.log_in(NIR), 429, "compte_verrouille")  # the login's own lockout
        assert listed(jean) == []
        assert len(sent_emails()) == before
        assert [e["type"] for e in jean.history()][:5] == ["echec_connexion"] * 5

    def test_a_wrong_password_shares_its_count_with_the_logins(self, jean, marie, journey):
        for _ in range(3):
            assert journey.log_in(NIR, password="Mauvais2015!").status == 401
        problem(grant(jean, marie.courriel, mot_de_passe="Mauvais2015!"), 403, "mot_de_passe_incorrect")
        problem(grant(jean, marie.courriel, mot_de_passe="Mauvais2015!"), 429, "compte_verrouille")

    def test_a_session_that_ended_is_refused_before_the_password_is_tried(self, jean, marie, journey):
        old_token = jean.token
        assert jean.delete("/sessions/courante").status == 204
        for _ in range(6):  # past the lockout's threshold, had they counted
            jean.token = old_token
            problem(grant(jean, marie.courriel, mot_de_passe="Mauvais2015!"), 401, "session_invalide")
        assert journey.log_in(NIR).status == 201
        assert "echec_connexion" not in [e["type"] for e in jean.log_in().history()]

    def test_gestion_needs_a_verified_identity_consultation_does_not(self, people):
        jean, marie, paul = people  # Paul's identity is not verified
        refused = grant(paul, marie.courriel, "gestion")
        problem(refused, 403, "identite_non_verifiee")
        assert "FranceConnect" in refused.body["detail"]
        assert "vérifiez votre identité" in refused.body["detail"]
        assert refused.body["erreurs"][0]["champ"] == "portee"
        assert listed(paul) == []
        assert grant(paul, marie.courriel, "consultation").status == 201
        verify_identity(PAUL["nir"])
        paul.clock.advance(hours=1)
        assert grant(paul.log_in(), jean.courriel, "gestion").status == 201

    def test_the_synthesis_says_whether_the_identity_is_verified(self, people, sent_emails):
        jean, marie, paul = people
        assert paul.get("/titulaire").body["identite_verifiee"] is False
        verify_identity(JEAN["nir"])
        assert jean.get("/titulaire").body["identite_verifiee"] is True
        delegation = delegate(jean, marie, sent_emails)
        # The delegate sees it too (a `gestion` délégation stands on it), unlike `courriel_invalide`.
        assert marie.get(f"/titulaire/comptes-delegues/{delegation}").body["identite_verifiee"] is True

    def test_the_identity_refusal_costs_no_password_attempt(self, people, journey):
        _, marie, paul = people
        for _ in range(6):  # past the lockout's threshold, had they counted
            problem(grant(paul, marie.courriel, "gestion", mot_de_passe="Mauvais2015!"), 403, "identite_non_verifiee")
        assert journey.log_in(PAUL["nir"]).status == 201

    def test_the_holder_gets_a_notice_without_a_link(self, jean, marie, email_requests):
        assert grant(jean, marie.courriel, "gestion", fin="2027-06-30").status == 201
        (notice,) = [r for r in email_requests if r["Destination"]["ToAddresses"] == [jean.courriel]]
        assert notice["Message"]["Subject"]["Data"] == (
            "Mon Compte Formation : une délégation de votre compte a été accordée"
        )
        assert {"Name": KIND_TAG, "Value": "courriel_notice"} in notice["Tags"]  # a bounce marks the address
        for part in (notice["Message"]["Body"]["Text"]["Data"], notice["Message"]["Body"]["Html"]["Data"]):
            assert "m***@example.fr" in part  # the invited address, masked
            assert marie.courriel not in part
            assert "préparer pour vous des dossiers de formation" in part
            assert "mercredi 30 juin 2027" in part
            assert "Si vous n'êtes pas à l'origine de cette action" in part
            assert "http://127.0.0.1:8000/contact" in part
            assert "#c=" not in part  # no link but the contact form
            assert NIR not in part
            assert PASSWORD not in part

    def test_no_notice_to_an_address_marked_invalid_and_then_one_email_counts(self, jean, marie, paul, sent_emails):
        mark_email_invalid(JEAN["nir"])
        before = len(emails_to(sent_emails, jean.courriel))  # his registration's
        assert grant(jean, marie.courriel).status == 201
        assert len(emails_to(sent_emails, jean.courriel)) == before
        assert grant(jean, paul.courriel).status == 201  # the invitations alone count: two of three
        assert grant(jean, "conseil@example.fr").status == 201
        problem(grant(jean, "aide@example.fr"), 429, "envois_trop_nombreux")

    def test_a_notice_ses_refuses_never_fails_the_grant(self, jean, marie, sent_emails, capsys):
        refusing_notices = SesRefusal(lambda params: params["Destination"]["ToAddresses"] == [jean.courriel]).install()
        before = {person.courriel: len(emails_to(sent_emails, person.courriel)) for person in (jean, marie)}
        capsys.readouterr()
        answer = grant(jean, marie.courriel)
        assert answer.status == 201, answer.body
        assert answer.body["courriel_envoye"] is True  # the invitation went
        assert refusing_notices.refused == 1
        assert len(emails_to(sent_emails, marie.courriel)) == before[marie.courriel] + 1
        assert len(emails_to(sent_emails, jean.courriel)) == before[jean.courriel]
        assert len(listed(jean)) == 1
        output = capsys.readouterr().out
        assert '"EmailsRefused": 1' in output and '"kind": "courriel_notice"' in output
        assert jean.courriel not in output


class TestHolderList:
    def test_newest_first_each_with_its_status_computed_now(self, jean, marie, paul, sent_emails, clock):
        active = delegate(jean, marie, sent_emails, fin="2026-12-20")
        clock.advance(hours=1)  # an invitation and its notice an hour
        pending = grant(jean.log_in(), paul.courriel, "gestion").body["id"]
        clock.advance(hours=1)
        revoked = grant(jean.log_in(), "ancien.conseiller@example.fr").body["id"]
        assert jean.delete(f"/titulaire/delegations/{revoked}").status == 204
        found = {d["id"]: d for d in listed(jean)}
        assert [d["id"] for d in listed(jean)] == [revoked, pending, active]
        assert found[active]["statut"] == "active"
        assert found[active]["delegataire"] == {"prenom": "Marie", "nom_naissance": "Martin"}
        assert found[pending]["statut"] == "en_attente"
        assert found[revoked]["statut"] == "revoquee"
        clock.advance(days=20)  # past the invitation's 15 days and the end of 20 December
        statuses = {d["id"]: d["statut"] for d in listed(jean.log_in())}
        assert statuses == {active: "expiree", pending: "expiree", revoked: "revoquee"}


class TestRevocation:
    def test_revocation_takes_effect_at_once(self, jean, marie, sent_emails):
        delegation = delegate(jean, marie, sent_emails)
        assert marie.get(f"/titulaire/comptes-delegues/{delegation}").status == 200
        assert jean.delete(f"/titulaire/delegations/{delegation}").status == 204
        problem(marie.get(f"/titulaire/comptes-delegues/{delegation}"), 404, "delegation_introuvable")
        assert marie.get("/titulaire/comptes-delegues").body == {"comptes": []}
        assert listed(jean)[0]["statut"] == "revoquee"

    def test_a_revoked_invitation_s_code_has_expired(self, jean, marie, sent_emails):
        delegation = grant(jean, marie.courriel).body["id"]
        assert jean.delete(f"/titulaire/delegations/{delegation}").status == 204
        problem(accept(marie, invitation_code(sent_emails, marie.courriel)), 410, "code_expire")

    def test_revoking_twice_is_harmless_and_recorded_once(self, jean, marie):
        delegation = grant(jean, marie.courriel).body["id"]
        assert jean.delete(f"/titulaire/delegations/{delegation}").status == 204
        assert jean.delete(f"/titulaire/delegations/{delegation}").status == 204
        assert [e["type"] for e in jean.history()].count("delegation_revoquee") == 1

    def test_another_holder_s_delegation_is_not_found(self, jean, marie, paul):
        delegation = grant(jean, marie.courriel).body["id"]
        problem(paul.delete(f"/titulaire/delegations/{delegation}"), 404, "delegation_introuvable")
        problem(marie.delete(f"/titulaire/delegations/{delegation}"), 404, "delegation_introuvable")
        problem(paul.delete("/titulaire/delegations/pas-un-identifiant"), 404, "delegation_introuvable")
        assert listed(jean)[0]["statut"] == "en_attente"

    def test_a_password_change_keeps_the_delegations(self, jean, marie, sent_emails):
        delegation = delegate(jean, marie, sent_emails)
        changed = jean.put(
            "/titulaire/mot-de-passe",
            {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": "Nouveau2026!!", "confirmation": "Nouveau2026!!"},
        )
        assert changed.status == 200
        assert marie.get(f"/titulaire/comptes-delegues/{delegation}").status == 200


# The invited person accepts ---------------------------------------------------------------------------


class TestAcceptance:
    def test_the_invited_person_accepts_from_their_own_session(self, jean, marie, sent_emails):
        delegation = grant(jean, "MARIE.MARTIN@example.fr", "gestion", fin="2027-03-31").body["id"]
        answer = accept(marie, invitation_code(sent_emails, "MARIE.MARTIN@example.fr"))
        assert answer.status == 200, answer.body
        assert answer.body == {
            "id": delegation,
            "titulaire": {"prenom": "Jean", "nom_naissance": "Dupont"},
            "portee": "gestion",
            "fin": "2027-03-31",
        }
        assert marie.get("/titulaire/comptes-delegues").body == {
            "comptes": [
                {
                    "delegation_id": delegation,
                    "prenom": "Jean",
                    "nom_naissance": "Dupont",
                    "portee": "gestion",
                    "fin": "2027-03-31",
                }
            ]
        }
        assert listed(jean)[0]["statut"] == "active"

    def test_an_unknown_or_malformed_code_is_not_found(self, marie):
        problem(accept(marie, secrets.token_urlsafe(32)), 404, "code_invalide")
        problem(accept(marie, "inconnu"), 404, "code_invalide")

    def test_an_expired_invitation_answers_410_before_ttl_deletes_it(self, jean, marie, sent_emails, clock):
        grant(jean, marie.courriel)
        clock.advance(days=15)
        problem(accept(marie.log_in(), invitation_code(sent_emails, marie.courriel)), 410, "code_expire")

    def test_an_invitation_cannot_outlive_the_delegation_s_end(self, jean, marie, sent_emails, clock):
        grant(jean, marie.courriel, fin="2026-12-02")  # ends at midnight, Paris time, the 2nd
        clock.advance(days=1, hours=13)  # 2026-12-03 00:00:0x in Paris (2 December, 23:00 UTC)
        problem(accept(marie.log_in(), invitation_code(sent_emails, marie.courriel)), 410, "code_expire")

    def test_one_s_own_invitation_cannot_be_accepted(self, jean, sent_emails):
        """Jean invites an address, then makes it his own: his invitation is still not his to accept."""
        grant(jean, "nouvelle.adresse@example.fr")
        code = invitation_code(sent_emails, "nouvelle.adresse@example.fr")
        jean.clock.advance(hours=1)
        jean.log_in()
        asked = jean.post(
            "/titulaire/courriel",
            {
                "courriel": "nouvelle.adresse@example.fr",
                "courriel_confirmation": "nouvelle.adresse@example.fr",
                "mot_de_passe": PASSWORD,
            },
        )
        assert asked.status == 202, asked.body
        change = link_code(emails_to(sent_emails, "nouvelle.adresse@example.fr")[-1], "courriel")
        assert jean.api.post("/courriels/confirmation", {"code": change}).status == 200
        problem(accept(jean, code), 400, "delegation_a_soi_meme")

    def test_acceptance_needs_a_session(self, jean, marie, sent_emails, api):
        grant(jean, marie.courriel)
        problem(
            api.post("/delegations/acceptation", {"code": invitation_code(sent_emails, marie.courriel)}),
            401,
            "session_invalide",
        )

    def test_both_histories_record_the_steps(self, jean, marie, sent_emails):
        delegation = delegate(jean, marie, sent_emails, "gestion", fin="2027-06-30")
        jean.delete(f"/titulaire/delegations/{delegation}")
        events = jean.history()
        assert [e["type"] for e in events[:3]] == ["delegation_revoquee", "delegation_acceptee", "delegation_accordee"]
        details = [e["detail"] for e in events[:3]]
        assert details == [
            "Délégation révoquée : Marie Martin.",
            "Délégation acceptée par Marie Martin (consultation et préparation de dossiers de formation) "
            "jusqu'au mercredi 30 juin 2027.",
            "Délégation accordée à m***@example.fr (consultation et préparation de dossiers de formation) "
            "jusqu'au mercredi 30 juin 2027 : invitation envoyée.",
        ]
        received = marie.history()[0]
        assert received["type"] == "delegation_recue"
        assert received["detail"] == (
            "Délégation acceptée : Jean Dupont vous confie la consultation et préparation de dossiers de "
            "formation de son compte jusqu'au mercredi 30 juin 2027."
        )


# The delegate reads -----------------------------------------------------------------------------------


@pytest.fixture
def jean_s_account(jean):
    """Jean's DIF, a dossier, a confidential one validated then closed, a confidential draft."""
    assert jean.put("/titulaire/heures/dif", {"solde_dif": 100}).status == 200
    shown = dossier(jean, 20, intitule="Bureautique")
    secret = dossier(jean, 30, intitule="Reconversion", confidentiel=True)
    assert jean.post(f"/titulaire/dossiers/{secret}/validation").status == 200
    assert jean.post(f"/titulaire/dossiers/{secret}/cloture").status == 200
    draft_secret = dossier(jean, 5, intitule="Bilan de compétences", confidentiel=True)
    return {"visible": shown, "confidentiel": secret, "confidentiel_brouillon": draft_secret}


class TestDelegateReads:
    def test_the_synthesis_counts_no_confidential_dossier_and_shows_no_contact(
        self, jean, marie, sent_emails, jean_s_account
    ):
        delegation = delegate(jean, marie, sent_emails)
        own = jean.get("/titulaire").body
        seen = marie.get(f"/titulaire/comptes-delegues/{delegation}")
        assert seen.status == 200
        assert (own["dossiers_en_cours"], own["dossiers_clos"]) == (2, 1)
        assert (seen.body["dossiers_en_cours"], seen.body["dossiers_clos"]) == (1, 0)
        assert {k: v for k, v in seen.body.items() if not k.startswith("dossiers")} == {
            k: v for k, v in own.items() if not k.startswith("dossiers")
        }
        assert not {"nir", "nir_masque", "courriel", "telephone_fixe", "telephone_portable"} & set(seen.body)

    def test_the_dossiers_but_the_confidential_ones(self, jean, marie, sent_emails, jean_s_account):
        delegation = delegate(jean, marie, sent_emails)
        base = f"/titulaire/comptes-delegues/{delegation}/dossiers"
        assert [d["id"] for d in marie.get(base).body["dossiers"]] == [jean_s_account["visible"]]
        assert marie.get(f"{base}?etat=clos").body == {"dossiers": []}
        problem(marie.get(f"{base}?etat=tous"), 400, "etat_invalide")
        read = marie.get(f"{base}/{jean_s_account['visible']}")
        assert read.status == 200
        assert read.body == jean.get(f"/titulaire/dossiers/{jean_s_account['visible']}").body

    def test_the_hours_as_the_holder_sees_them_without_a_confidential_label(
        self, jean, marie, sent_emails, jean_s_account
    ):
        delegation = delegate(jean, marie, sent_emails)
        own = jean.get("/titulaire/heures").body
        seen = marie.get(f"/titulaire/comptes-delegues/{delegation}/heures").body
        assert {k: v for k, v in seen.items() if k != "mouvements"} == {
            k: v for k, v in own.items() if k != "mouvements"
        }
        assert [m["heures"] for m in seen["mouvements"]] == [-30]
        assert seen["mouvements"][0]["libelle"] == "Formation (30 h)"
        assert "confidentiel" in own["mouvements"][0]["libelle"]

    def test_a_delegate_has_no_route_to_change_anything(self, jean, marie, sent_emails, jean_s_account):
        """Under comptes-delegues: reads, and the draft dossiers of `gestion`; nothing else exists."""
        from app import app

        delegate_routes = {
            (path, method)
            for path, methods in app.routes.items()
            if path.startswith("/titulaire/comptes-delegues")
            for method in methods
        }
        assert delegate_routes == {
            ("/titulaire/comptes-delegues", "GET"),
            ("/titulaire/comptes-delegues/{delegation_id}", "GET"),
            ("/titulaire/comptes-delegues/{delegation_id}/heures", "GET"),
            ("/titulaire/comptes-delegues/{delegation_id}/dossiers", "GET"),
            ("/titulaire/comptes-delegues/{delegation_id}/dossiers", "POST"),
            ("/titulaire/comptes-delegues/{delegation_id}/dossiers/{dossier_id}", "GET"),
        }
        delegation = delegate(jean, marie, sent_emails, "gestion")
        base = f"/titulaire/comptes-delegues/{delegation}"
        visible = jean_s_account["visible"]
        hours_before = jean.get("/titulaire/heures").body
        for method, path in [
            ("put", "/heures/dif"),
            ("post", f"/dossiers/{visible}/validation"),
            ("post", f"/dossiers/{visible}/cloture"),
            ("patch", "/informations"),
            ("put", "/mot-de-passe"),
            ("post", "/courriel"),
            ("delete", f"/dossiers/{visible}"),
        ]:
            answer = (
                getattr(marie, method)(base + path) if method == "delete" else getattr(marie, method)(base + path, {})
            )
            # No route: API Gateway answers (404 deployed; `chalice local` and its test client say 403).
            assert answer.status in (403, 404, 405), (method, path, answer.status)
        assert jean.get(f"/titulaire/dossiers/{visible}").body["statut"] == "en_cours_elaboration"
        assert jean.get("/titulaire/heures").body == hours_before


class TestDelegateDossiers:
    def test_with_gestion_a_delegate_drafts_a_dossier_only_the_holder_validates(self, jean, marie, sent_emails):
        jean.put("/titulaire/heures/dif", {"solde_dif": 40})
        delegation = delegate(jean, marie, sent_emails, "gestion")
        created = marie.post(
            f"/titulaire/comptes-delegues/{delegation}/dossiers",
            {"intitule": "Comptabilité", "organisme": "Institut", "heures": 25, "confidentiel": False},
        )
        assert created.status == 201, created.body
        assert created.body["statut"] == "en_cours_elaboration"
        assert created.headers["location"] == f"/titulaire/comptes-delegues/{delegation}/dossiers/{created.body['id']}"
        assert jean.get(f"/titulaire/dossiers/{created.body['id']}").body["intitule"] == "Comptabilité"
        assert jean.get("/titulaire").body["dossiers_en_cours"] == 1
        event = jean.history()[0]
        assert event["type"] == "dossier_cree_par_delegataire"
        assert (
            event["detail"] == "Dossier de formation créé par votre délégataire Marie Martin : « Comptabilité » (25 h)."
        )
        assert jean.post(f"/titulaire/dossiers/{created.body['id']}/validation").status == 200

    def test_a_delegate_cannot_create_a_confidential_dossier(self, jean, marie, sent_emails):
        jean.put("/titulaire/heures/dif", {"solde_dif": 40})
        delegation = delegate(jean, marie, sent_emails, "gestion")
        answer = marie.post(
            f"/titulaire/comptes-delegues/{delegation}/dossiers",
            {"intitule": "Secret", "organisme": "Institut", "heures": 5, "confidentiel": True},
        )
        problem(answer, 400, "confidentiel_non_autorise")
        assert answer.body["erreurs"][0]["champ"] == "confidentiel"
        assert jean.get("/titulaire/dossiers").body == {"dossiers": []}

    def test_the_holder_s_dif_comes_first(self, jean, marie, sent_emails):
        delegation = delegate(jean, marie, sent_emails, "gestion")
        answer = marie.post(
            f"/titulaire/comptes-delegues/{delegation}/dossiers",
            {"intitule": "Comptabilité", "organisme": "Institut", "heures": 25},
        )
        problem(answer, 409, "dif_non_renseigne")


# The attacker's ways in ------------------------------------------------------------------------------


class TestAttacker:
    """Each way in from the issue's list, with its own test."""

    def test_a_delegate_cannot_reach_another_holder_through_their_own_delegation_id(
        self, journey, clock, jean, marie, paul, sent_emails
    ):
        """Marie is Jean's delegate. Paul's dossier, and the delegation Paul gave Lucie, stay out of her reach."""
        (lucie,) = open_accounts(journey, clock, LUCIE)
        marie.log_in(), jean.log_in(), paul.log_in()
        mine = delegate(jean, marie, sent_emails)
        paul.put("/titulaire/heures/dif", {"solde_dif": 10})
        paul_s_dossier = dossier(paul, 5)
        paul_s_delegation = delegate(paul, lucie, sent_emails)
        problem(marie.get(f"/titulaire/comptes-delegues/{mine}/dossiers/{paul_s_dossier}"), 404, "dossier_introuvable")
        for suffix in DELEGATE_ROUTES:
            problem(
                marie.get(f"/titulaire/comptes-delegues/{paul_s_delegation}{suffix}"), 404, "delegation_introuvable"
            )
        assert lucie.get(f"/titulaire/comptes-delegues/{paul_s_delegation}").status == 200

    def test_a_revoked_delegation_answers_404_on_every_route(self, jean, marie, sent_emails):
        jean.put("/titulaire/heures/dif", {"solde_dif": 40})
        delegation = delegate(jean, marie, sent_emails, "gestion")
        visible = dossier(jean)
        assert jean.delete(f"/titulaire/delegations/{delegation}").status == 204
        base = f"/titulaire/comptes-delegues/{delegation}"
        for path in [*(base + suffix for suffix in DELEGATE_ROUTES), f"{base}/dossiers/{visible}"]:
            problem(marie.get(path), 404, "delegation_introuvable")
        problem(
            marie.post(f"{base}/dossiers", {"intitule": "A", "organisme": "B", "heures": 1}),
            404,
            "delegation_introuvable",
        )
        assert len(jean.get("/titulaire/dossiers").body["dossiers"]) == 1

    def test_an_expired_delegation_answers_404_though_its_item_is_still_there(self, jean, marie, sent_emails, clock):
        delegation = delegate(jean, marie, sent_emails, fin="2026-12-02")  # until midnight, Paris time
        clock.advance(days=1, hours=12, minutes=59)  # 2026-12-02 23:59:xx in Paris (22:59 UTC)
        assert marie.log_in().get(f"/titulaire/comptes-delegues/{delegation}").status == 200
        clock.advance(minutes=1)  # 2026-12-03 00:00:xx in Paris
        for suffix in DELEGATE_ROUTES:
            problem(marie.get(f"/titulaire/comptes-delegues/{delegation}{suffix}"), 404, "delegation_introuvable")
        assert marie.get("/titulaire/comptes-delegues").body == {"comptes": []}
        assert listed(jean.log_in())[0]["statut"] == "expiree"

    def test_a_consultation_delegate_posting_a_dossier_is_refused(self, jean, marie, sent_emails):
        jean.put("/titulaire/heures/dif", {"solde_dif": 40})
        delegation = delegate(jean, marie, sent_emails, "consultation")
        answer = marie.post(
            f"/titulaire/comptes-delegues/{delegation}/dossiers",
            {"intitule": "Comptabilité", "organisme": "Institut", "heures": 25},
        )
        problem(answer, 403, "portee_insuffisante")
        assert jean.get("/titulaire/dossiers").body == {"dossiers": []}
        assert jean.get("/titulaire").body["dossiers_en_cours"] == 0

    def test_a_delegate_guessing_dossier_ids_finds_nothing_not_even_confidential_ones(
        self, jean, marie, sent_emails, jean_s_account
    ):
        delegation = delegate(jean, marie, sent_emails)
        base = f"/titulaire/comptes-delegues/{delegation}/dossiers"
        unknown = marie.get(f"{base}/{secrets.token_urlsafe(16)}")
        problem(unknown, 404, "dossier_introuvable")
        for secret in (jean_s_account["confidentiel"], jean_s_account["confidentiel_brouillon"]):
            hidden = marie.get(f"{base}/{secret}")
            assert (hidden.status, hidden.body) == (unknown.status, unknown.body)  # indistinguishable
        for junk in ("x", "..%2F..%2Fheures", "A" * 200, "DOSSIER%23abc"):
            problem(marie.get(f"{base}/{junk}"), 404, "dossier_introuvable")

    def test_the_holder_s_own_token_opens_no_delegate_route(self, jean, marie, sent_emails, jean_s_account):
        delegation = delegate(jean, marie, sent_emails, "gestion")
        base = f"/titulaire/comptes-delegues/{delegation}"
        for suffix in DELEGATE_ROUTES:
            problem(jean.get(base + suffix), 404, "delegation_introuvable")
        problem(jean.get(f"{base}/dossiers/{jean_s_account['visible']}"), 404, "delegation_introuvable")
        problem(
            jean.post(f"{base}/dossiers", {"intitule": "A", "organisme": "B", "heures": 1}),
            404,
            "delegation_introuvable",
        )
        assert jean.get("/titulaire/comptes-delegues").body == {"comptes": []}

    def test_a_code_accepted_by_the_wrong_account_is_refused_and_stays_usable(self, jean, marie, paul, sent_emails):
        grant(jean, marie.courriel)
        code = invitation_code(sent_emails, marie.courriel)
        problem(accept(paul, code), 403, "delegation_autre_destinataire")
        assert paul.get("/titulaire/comptes-delegues").body == {"comptes": []}
        assert listed(jean)[0]["statut"] == "en_attente"
        assert accept(marie, code).status == 200

    def test_a_code_used_twice_is_not_found_the_second_time(self, jean, marie, paul, sent_emails):
        grant(jean, marie.courriel)
        code = invitation_code(sent_emails, marie.courriel)
        assert accept(marie, code).status == 200
        problem(accept(marie, code), 404, "code_invalide")  # a double submission
        problem(accept(paul, code), 404, "code_invalide")
        assert len(marie.get("/titulaire/comptes-delegues").body["comptes"]) == 1

    def test_no_session_no_delegate_route(self, jean, marie, sent_emails, api):
        delegation = delegate(jean, marie, sent_emails)
        for suffix in DELEGATE_ROUTES:
            problem(api.get(f"/titulaire/comptes-delegues/{delegation}{suffix}"), 401, "session_invalide")


# What each route costs --------------------------------------------------------------------------------


def test_a_delegate_read_costs_two_dynamodb_requests_session_included(
    jean, marie, sent_emails, jean_s_account, dynamodb_calls
):
    delegation = delegate(jean, marie, sent_emails, "gestion")
    base = f"/titulaire/comptes-delegues/{delegation}"
    costs = {}
    for path in [
        "/titulaire/comptes-delegues",
        base,
        f"{base}/heures",
        f"{base}/dossiers",
        f"{base}/dossiers/{jean_s_account['visible']}",
    ]:
        dynamodb_calls.clear()
        assert marie.get(path).status == 200, path
        costs[f"GET {path}"] = list(dynamodb_calls)
    dynamodb_calls.clear()
    assert marie.post(f"{base}/dossiers", {"intitule": "A", "organisme": "B", "heures": 1}).status == 201
    costs[f"POST {base}/dossiers"] = list(dynamodb_calls)
    assert costs["GET /titulaire/comptes-delegues"] == ["UpdateItem", "Query"]
    # The session and the delegation in one BatchGetItem (the idle deadline is fresh), then the holder's data.
    assert costs[f"GET {base}"] == ["BatchGetItem", "BatchGetItem"]  # then the account and its NIR's rights
    assert costs[f"GET {base}/heures"] == ["BatchGetItem", "Query"]
    assert costs[f"GET {base}/dossiers"] == ["BatchGetItem", "Query"]
    assert costs[f"GET {base}/dossiers/{jean_s_account['visible']}"] == ["BatchGetItem", "GetItem"]
    assert costs[f"POST {base}/dossiers"] == ["BatchGetItem", "TransactWriteItems"]


def test_the_holder_s_routes_and_the_acceptance_cost(jean, marie, sent_emails, dynamodb_calls):
    costs = {}
    dynamodb_calls.clear()
    delegation = grant(jean, marie.courriel).body["id"]
    costs["POST /titulaire/delegations"] = list(dynamodb_calls)
    dynamodb_calls.clear()
    listed(jean)
    costs["GET /titulaire/delegations"] = list(dynamodb_calls)
    dynamodb_calls.clear()
    assert accept(marie, invitation_code(sent_emails, marie.courriel)).status == 200
    costs["POST /delegations/acceptation"] = list(dynamodb_calls)
    dynamodb_calls.clear()
    assert jean.delete(f"/titulaire/delegations/{delegation}").status == 204
    costs["DELETE /titulaire/delegations/{id}"] = list(dynamodb_calls)
    assert costs == {
        # The account and its délégations, then the session with the password's records, then the write.
        "POST /titulaire/delegations": ["Query", "BatchGetItem", "TransactWriteItems"],
        "GET /titulaire/delegations": ["UpdateItem", "Query"],
        "POST /delegations/acceptation": ["UpdateItem", "BatchGetItem", "TransactWriteItems"],
        "DELETE /titulaire/delegations/{id}": ["UpdateItem", "GetItem", "TransactWriteItems"],
    }
    assert all("Scan" not in calls for calls in costs.values())
