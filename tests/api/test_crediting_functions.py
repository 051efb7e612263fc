"""§7 of the contract through the two crediting functions of app.py, on the emulated AWS: a file
deposited in the bucket, the S3-triggered split, the SQS-triggered chunks (tools/local/credit.py runs them
as S3 and SQS would), then what the holder reads. The rule, corrections and late employers, the
idempotency cases, races, bad files, the report, and what a line costs."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from chalice.app import SQSEvent

from chalicelib import crediting, dependencies
from chalicelib.domain import dossiers, hours, retry, sessions
from chalicelib.settings import get_settings
from tests.helpers.crediting import (
    EMPLOYER,
    SECOND_EMPLOYER,
    THIRD_EMPLOYER,
    declarations,
    ensure_crediting_resources,
    line,
    lines_for_hours,
)
from tests.helpers.people import NIR, OTHER_NIR, make_nir
from tests.helpers.table import rights_id_of
from tools.local import credit as runner

NIR_B, NIR_C, NIR_D = make_nir("1920699123456"), make_nir("2850344123456"), make_nir("1750275321654")


class Crediting:
    """Files through the functions, and what a NIR's rights then hold."""

    def __init__(self, client):
        self.client = client
        self.files = 0

    def credit(self, *lines: str, name: str | None = None, content: bytes | None = None) -> dict:
        self.files += 1
        name = name or f"declarations-{self.files}.csv"
        return runner.credit(self.client, name, content if content is not None else declarations(*lines))

    def split(self, *lines: str, name: str = "a-repartir.csv") -> dict:
        """Deposit and split only: the chunks wait on the queue."""
        event = runner.deposit(self.client, name, declarations(*lines), get_settings())
        self.client.lambda_.invoke(runner.SPLIT_FUNCTION, event)
        return event

    def waiting_chunks(self) -> list[dict]:
        """The chunks on the queue, received (as the event source mapping would) but not deleted."""
        sqs = dependencies.aws_client("sqs")
        url = sqs.get_queue_url(QueueName=get_settings().credit_queue)["QueueUrl"]
        messages = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get(
            "Messages", []
        ):
            messages += batch
            for message in batch:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return messages

    def sqs_event(self, *messages: dict) -> dict:
        event = self.client.events.generate_sqs_event([m["Body"] for m in messages])
        for record, message in zip(event["Records"], messages, strict=True):
            record["messageId"] = message["MessageId"]
        return event

    def deliver(self, *messages: dict) -> dict:
        return self.client.lambda_.invoke(runner.CHUNK_FUNCTION, self.sqs_event(*messages)).payload

    def report(self, name: str) -> dict | None:
        return runner.report_of(name, get_settings())

    @staticmethod
    def rights(nir: str) -> tuple[int, list[dict]]:
        """The NIR's CPF balance and its movements, oldest first (as "Mon compte d'heures" shows them)."""
        rights_id = rights_id_of(nir)
        if rights_id is None:
            return 0, []
        record, movements = dependencies.store().get_rights_and_movements(rights_id)
        return hours.figures(record).cpf_balance, [{"heures": m.hours, "libelle": m.label} for m in movements]

    def balance(self, nir: str) -> int:
        return self.rights(nir)[0]

    def labels(self, nir: str) -> list[tuple[int, str]]:
        return sorted((m["heures"], m["libelle"]) for m in self.rights(nir)[1])

    @staticmethod
    def year(nir: str, year: int) -> dict | None:
        """A year's record: its base, the hours it credited, its declarations by SIRET."""
        record = dependencies.store().read_rights({(nir, year)}).by_year[(nir, year)]
        if record is None:
            return None
        return {"base": record.base, "heures": record.hours, "declarations": record.declarations}


@pytest.fixture
def crediting_(api):
    ensure_crediting_resources()
    return Crediting(api.client)


def to_140(nir: str) -> list[str]:
    """120 in five full years, then 12 at the reduced rate, then 8 (a 1071/1607 year: 7.997 → 8)."""
    return [*lines_for_hours(120, nir), line(nir, 2021), line(nir, 2022, heures="1071")]


class TestTheRule:
    def test_the_contract_s_worked_examples(self, crediting_):
        crediting_.credit(*lines_for_hours(110, NIR_B), *to_140(NIR_C))
        assert (crediting_.balance(NIR_B), crediting_.balance(NIR_C)) == (110, 140)
        report = crediting_.credit(
            line(NIR, 2024),  # b = 0, f = 1
            line(NIR_B, 2024),  # b = 110, f = 1
            line(NIR_C, 2024),  # b = 140, f = 1
            line(NIR_D, 2024, heures="1000"),  # b = 0, f = 1000/1607
        )
        assert report["appliquees"] == 4
        assert [crediting_.balance(nir) for nir in (NIR, NIR_B, NIR_C, NIR_D)] == [24, 127, 150, 15]
        assert crediting_.labels(NIR) == [(24, "Alimentation de vos droits au titre de 2024")]
        assert (17, "Alimentation de vos droits au titre de 2024") in crediting_.labels(NIR_B)
        assert (10, "Alimentation de vos droits au titre de 2024") in crediting_.labels(NIR_C)
        assert crediting_.labels(NIR_D) == [(15, "Alimentation de vos droits au titre de 2024")]

    def test_at_the_ceiling_a_year_is_recorded_but_no_hour_moves(self, crediting_):
        crediting_.credit(*to_140(NIR), line(NIR, 2023))
        assert crediting_.balance(NIR) == 150
        report = crediting_.credit(line(NIR, 2024))
        assert (report["appliquees"], crediting_.balance(NIR)) == (1, 150)
        assert all("2024" not in label for _, label in crediting_.labels(NIR))
        assert crediting_.year(NIR, 2024)["heures"] == 0

    def test_several_employers_in_one_year_add_up_to_a_full_year_at_most(self, crediting_):
        report = crediting_.credit(
            line(NIR, 2024, heures="1000"), line(NIR, 2024, heures="1000", siret=SECOND_EMPLOYER)
        )
        assert (report["appliquees"], report["regularisees"]) == (1, 1)
        assert crediting_.balance(NIR) == 24  # 2000/1607 is a full year
        assert crediting_.labels(NIR) == [
            (9, "Régularisation de vos droits 2024"),
            (15, "Alimentation de vos droits au titre de 2024"),
        ]

    def test_a_zero_hour_line_credits_nothing_but_sets_the_year_s_base(self, crediting_):
        crediting_.credit(*lines_for_hours(110, NIR), line(NIR, 2024, heures="0"))
        assert crediting_.balance(NIR) == 110
        crediting_.credit(line(NIR, 2025))  # another year moves the balance on: 110 → 127
        report = crediting_.credit(line(NIR, 2024, siret=SECOND_EMPLOYER))  # late employer for 2024
        assert report["regularisees"] == 1
        assert crediting_.balance(NIR) == 127 + 17  # from the year's base, 110: +17, not +12
        assert crediting_.year(NIR, 2024)["base"] == 110

    def test_part_time(self, crediting_):
        crediting_.credit(line(NIR, 2024, heures="803,5"), line(OTHER_NIR, 2024, heures="910", duree="1820"))
        assert (crediting_.balance(NIR), crediting_.balance(OTHER_NIR)) == (12, 12)


class TestCorrections:
    def test_a_correction_recomputes_the_year_from_its_first_base_as_one_signed_regularisation(self, crediting_):
        crediting_.credit(*lines_for_hours(110, NIR))
        crediting_.credit(line(NIR, 2024))  # from 110: +17 → 127
        crediting_.credit(line(NIR, 2025))  # from 127: +12 → 139
        report = crediting_.credit(line(NIR, 2024, heures="803.5"))  # a half year, from 110: 11
        assert (report["regularisees"], report["appliquees"]) == (1, 0)
        assert crediting_.balance(NIR) == 139 - 6
        assert (-6, "Régularisation de vos droits 2024") in crediting_.labels(NIR)
        report = crediting_.credit(line(NIR, 2024))  # corrected back: the same base again
        assert crediting_.balance(NIR) == 139
        assert (6, "Régularisation de vos droits 2024") in crediting_.labels(NIR)

    def test_a_late_employer_adds_to_a_year_already_credited(self, crediting_):
        crediting_.credit(line(NIR, 2024, heures="803.5"))
        report = crediting_.credit(line(NIR, 2024, heures="535", siret=SECOND_EMPLOYER))
        assert report["regularisees"] == 1
        # 803.5 + 535 of 1607: 19.99... → 20, of which 12 were credited
        assert crediting_.labels(NIR) == [
            (8, "Régularisation de vos droits 2024"),
            (12, "Alimentation de vos droits au titre de 2024"),
        ]

    def test_a_regularisation_never_takes_the_balance_past_150(self, crediting_):
        crediting_.credit(*to_140(NIR), line(NIR, 2023, heures="803.5"))  # from 140, a half year: +6
        crediting_.credit(line(NIR, 2024, heures="803.5"))  # from 146: 6 wanted, 4 left
        assert crediting_.balance(NIR) == 150
        report = crediting_.credit(line(NIR, 2023))  # 2023 corrected to a full year: +4 wanted, none left
        assert report["regularisees"] == 1
        assert crediting_.balance(NIR) == 150
        assert not [label for _, label in crediting_.labels(NIR) if label.startswith("Régularisation")]
        assert crediting_.year(NIR, 2023)["heures"] == 6


class TestIdempotency:
    LINES = (line(NIR, 2023), line(NIR, 2024, heures="1000"), line(OTHER_NIR, 2024), "pas une ligne")

    def test_the_same_file_twice_changes_nothing(self, crediting_, dynamodb_calls):
        first = crediting_.credit(*self.LINES, name="lot.csv")
        before = crediting_.rights(NIR), crediting_.rights(OTHER_NIR)
        dynamodb_calls.clear()
        again = crediting_.credit(*self.LINES, name="lot.csv")
        assert (first["appliquees"], again["appliquees"], again["inchangees"]) == (3, 0, 3)
        assert again["rejetees"] == [{"ligne": 5, "code": "nombre_de_champs"}]
        assert (crediting_.rights(NIR), crediting_.rights(OTHER_NIR)) == before
        # the second deposit only records itself as the latest: one write per line, no movement
        assert dynamodb_calls.count("TransactWriteItems") == 1  # the chunk's bookkeeping

    def test_a_redelivered_chunk_is_counted_once_and_credits_once(self, crediting_):
        crediting_.split(*self.LINES, name="redelivre.csv")
        (chunk,) = crediting_.waiting_chunks()
        assert crediting_.deliver(chunk) == {"batchItemFailures": []}
        assert crediting_.deliver(chunk) == {"batchItemFailures": []}  # at least once: here twice
        report = crediting_.report("redelivre.csv")
        assert (report["lignes"], report["appliquees"], report["inchangees"]) == (4, 3, 0)
        assert crediting_.balance(NIR) == 24 + 15

    def test_a_chunk_that_fails_midway_comes_back_and_each_line_counts_once(self, crediting_, monkeypatch):
        from chalicelib.store import Store

        crediting_.split(*self.LINES, name="coupure.csv")
        (chunk,) = crediting_.waiting_chunks()
        real = Store.record_declaration_chunk

        def lambda_times_out(*arguments, **keywords):
            raise TimeoutError

        monkeypatch.setattr(Store, "record_declaration_chunk", lambda_times_out)
        failed = crediting_.deliver(chunk)
        assert failed == {"batchItemFailures": [{"itemIdentifier": chunk["MessageId"]}]}
        assert crediting_.report("coupure.csv") is None
        monkeypatch.setattr(Store, "record_declaration_chunk", real)
        assert crediting_.deliver(chunk) == {"batchItemFailures": []}
        report = crediting_.report("coupure.csv")
        assert (report["lignes"], report["appliquees"], report["inchangees"]) == (4, 3, 0)
        assert [h for h, _ in crediting_.labels(NIR)] == [15, 24]  # each movement once

    def test_s3_delivering_the_event_twice_splits_the_file_once(self, crediting_):
        event = crediting_.split(*self.LINES, name="deux-fois.csv")
        assert len(crediting_.waiting_chunks()) == 1
        self_result = crediting_.client.lambda_.invoke(runner.SPLIT_FUNCTION, event).payload
        assert self_result == [{"morceaux": 1, "deja_decoupe": True}]
        assert crediting_.waiting_chunks() == []

    def test_an_older_file_applied_late_does_not_undo_a_newer_correction(self, crediting_):
        crediting_.split(line(NIR, 2024), name="original.csv")
        (late_chunk,) = crediting_.waiting_chunks()
        crediting_.credit(line(NIR, 2024, heures="803.5"), name="correctif.csv")  # deposited after
        crediting_.deliver(late_chunk)  # the original's chunk, delivered last
        assert crediting_.balance(NIR) == 12
        assert crediting_.report("original.csv")["inchangees"] == 1


def run_at_once(*calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def chunk_function(crediting_, message):
    """The SQS-triggered function as Lambda calls it, without the test client (which is not thread-safe)."""
    event = SQSEvent(crediting_.sqs_event(message), None)
    return lambda: crediting.credit_chunks(event)


class TestRaces:
    def test_chunks_touching_one_nir_at_once_give_what_one_after_the_other_would(
        self, crediting_, monkeypatch, dynamodb_calls
    ):
        monkeypatch.setenv("CREDIT_CHUNK_LINES", "1")
        employers = [EMPLOYER, SECOND_EMPLOYER, THIRD_EMPLOYER]
        lines = [line(NIR, year, heures="600", siret=siret) for year in (2023, 2024) for siret in employers]
        crediting_.split(*lines, name="course.csv")
        chunks = crediting_.waiting_chunks()
        assert len(chunks) == 6
        dynamodb_calls.clear()
        deliveries = 0
        for _delivery in range(crediting.MAX_RECEIVES):
            # all at once; a chunk that lost every try comes back, as SQS would deliver it again
            deliveries += len(chunks)
            results = run_at_once(*(chunk_function(crediting_, chunk) for chunk in chunks))
            failed = {failure["itemIdentifier"] for result in results for failure in result["batchItemFailures"]}
            chunks = [chunk for chunk in chunks if chunk["MessageId"] in failed]
            if not chunks:
                break
        assert not chunks, "a chunk still failed after the queue's deliveries"
        # a conflict is decided again from the refusal itself: at most two reads per delivery (the NIR's
        # rights id, then, once it has one, its records), never a re-read, and at most 3 transactions
        # for the one line of a delivery
        assert deliveries <= dynamodb_calls.count("BatchGetItem") <= 2 * deliveries
        assert dynamodb_calls.count("TransactWriteItems") <= deliveries * (retry.ATTEMPTS + 1)
        report = crediting_.report("course.csv")
        assert (report["lignes"], report["appliquees"], report["regularisees"]) == (6, 2, 4)
        # 1800/1607 is a full year, twice: 24 then 24 (from 24, whichever year came first)
        assert crediting_.balance(NIR) == 48
        balance, movements = crediting_.rights(NIR)
        assert sum(m["heures"] for m in movements) == 48
        alimentations = [m for m in movements if m["libelle"].startswith("Alimentation")]
        assert sorted(m["libelle"][-4:] for m in alimentations) == ["2023", "2024"]
        for year in (2023, 2024):
            record = crediting_.year(NIR, year)
            assert set(record["declarations"]) == set(employers)
            assert record["heures"] == 24  # below 120, a full year is 24 from any base

    def test_a_credit_racing_a_closure(self, crediting_, journey, api, clock):
        crediting_.credit(*lines_for_hours(110, NIR))
        token = journey.active_account()
        bearer = {"Authorization": f"Bearer {token}"}
        api.put("/titulaire/heures/dif", {"solde_dif": 0}, headers=bearer)
        dossier = api.post(
            "/titulaire/dossiers", {"intitule": "Soudure", "organisme": "AFPA", "heures": 30}, headers=bearer
        ).body["id"]
        assert api.post(f"/titulaire/dossiers/{dossier}/validation", headers=bearer).status == 200
        crediting_.split(line(NIR, 2024), name="pendant-la-cloture.csv")
        (chunk,) = crediting_.waiting_chunks()

        ticket = sessions.ticket(token)
        run_at_once(
            chunk_function(crediting_, chunk),
            lambda: dossiers.close(dependencies.store(), clock, ticket, dossier, idle_seconds=1800),
        )
        base = crediting_.year(NIR, 2024)["base"]
        assert base in (110, 80)  # credited before the closure, or after it
        expected = {110: 110 + 17 - 30, 80: 110 - 30 + 24}[base]
        assert crediting_.balance(NIR) == expected
        assert api.get("/titulaire/heures", headers=bearer).body["heures_cpf"] == expected

    def test_a_credit_racing_a_registration_and_its_activation(self, crediting_, journey, api):
        crediting_.split(*lines_for_hours(48, OTHER_NIR), name="pendant-l-inscription.csv")
        (chunk,) = crediting_.waiting_chunks()
        person = {"nir": OTHER_NIR, "courriel": "marie.martin@example.fr", "prenom": "Marie"}
        results = run_at_once(chunk_function(crediting_, chunk), lambda: journey.activate(journey.register(**person)))
        assert results[0] == {"batchItemFailures": []}
        assert results[1].status == 200
        token = journey.log_in(OTHER_NIR).body["jeton"]
        synthesis = api.get("/titulaire", headers={"Authorization": f"Bearer {token}"}).body
        assert synthesis["heures_cpf_disponibles"] == 48


class TestFilesAndReports:
    def test_a_file_that_is_not_a_declaration_csv_is_rejected_whole_with_why(self, crediting_):
        report = crediting_.credit(content=b"%PDF-1.7\n\xe2\xe3\xcf\xd3 binaire", name="scan.pdf")
        assert report == {
            "fichier": "scan.pdf",
            "lignes": 0,
            "appliquees": 0,
            "inchangees": 0,
            "regularisees": 0,
            "rejetees": [],
            "fichier_rejete": {
                "code": "entete_invalide",
                "detail": "Ce fichier n'est pas une déclaration au format attendu (CSV séparé par des « ; »). "
                "La première ligne doit être l'en-tête « siret;nir;annee;heures_travaillees;duree_reference ».",
            },
        }
        assert crediting_.waiting_chunks() == []

    def test_an_empty_file_and_a_header_alone(self, crediting_):
        assert crediting_.credit(content=b"", name="vide.csv")["fichier_rejete"]["code"] == "fichier_vide"
        alone = crediting_.credit(content=declarations(), name="entete.csv")
        assert alone == {
            "fichier": "entete.csv",
            "lignes": 0,
            "appliquees": 0,
            "inchangees": 0,
            "regularisees": 0,
            "rejetees": [],
        }

    def test_the_report_counts_every_line_once_and_lists_rejections_in_file_order(
        self, crediting_, monkeypatch, caplog
    ):
        monkeypatch.setenv("CREDIT_CHUNK_LINES", "2")  # four chunks
        caplog.set_level("INFO")
        lines = [
            line(NIR, 2024),
            f"{EMPLOYER};{NIR[:13]}00;2024;1607;",  # line 3: the NIR's key
            line(NIR, 2024),  # line 4: the same again
            "",  # line 5: blank, not a data line
            line(OTHER_NIR, 2014),  # line 6: too early
            line(NIR, 2024, siret=SECOND_EMPLOYER, heures="100"),  # line 7: another employer
            "73282932000075;" + OTHER_NIR + ";2024;1607;",  # line 8: SIRET's key
        ]
        report = crediting_.credit(*lines, name="sous-dossier/rapport.csv")
        assert report == {
            "fichier": "sous-dossier/rapport.csv",
            "lignes": 6,
            "appliquees": 1,
            "inchangees": 1,
            "regularisees": 1,
            "rejetees": [
                {"ligne": 3, "code": "nir_invalide"},
                {"ligne": 6, "code": "annee_invalide"},
                {"ligne": 8, "code": "siret_invalide"},
            ],
        }
        stored = crediting_.report("sous-dossier/rapport.csv")  # rapports/sous-dossier/rapport.csv.json
        assert stored == report
        for nir in (NIR, OTHER_NIR, NIR[:13]):
            assert nir not in json.dumps(report)
            assert nir not in caplog.text

    def test_a_file_outside_declarations_is_not_ours(self, crediting_):
        event = crediting_.client.events.generate_s3_event(get_settings().declarations_bucket, "autre/x.csv")
        assert crediting_.client.lambda_.invoke(runner.SPLIT_FUNCTION, event).payload == []

    def test_a_message_that_is_not_a_chunk_goes_back_to_the_queue(self, crediting_):
        answer = crediting_.deliver({"Body": "{}", "MessageId": "etranger"})
        assert answer == {"batchItemFailures": [{"itemIdentifier": "etranger"}]}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class TestTheHolderSeesTheHours:
    def test_credited_before_registering_seen_once_registered(self, crediting_, journey, api):
        crediting_.credit(line(NIR, 2023), line(NIR, 2024, heures="1000"))
        token = journey.active_account()
        synthesis = api.get("/titulaire", headers=bearer(token)).body
        assert synthesis["heures_cpf_disponibles"] == 39
        statement = api.get("/titulaire/heures", headers=bearer(token)).body
        assert statement["heures_cpf"] == 39
        assert sorted((m["heures"], m["libelle"]) for m in statement["mouvements"]) == [
            (15, "Alimentation de vos droits au titre de 2024"),
            (24, "Alimentation de vos droits au titre de 2023"),
        ]

    def test_a_credit_shows_at_once_to_a_registered_holder(self, crediting_, journey, api):
        token = journey.active_account()
        crediting_.credit(line(NIR, 2024))
        assert api.get("/titulaire", headers=bearer(token)).body["heures_cpf_disponibles"] == 24

    def test_the_registration_cleanup_never_touches_the_rights(self, crediting_, journey, api, clock):
        from chalicelib import scheduled

        crediting_.credit(line(NIR, 2024))
        journey.register()  # pending, never activated
        clock.advance(days=16)
        assert scheduled.cleanup_expired_registrations()["supprimees"] == 1
        assert crediting_.balance(NIR) == 24
        token = journey.active_account()  # the person registers again
        assert api.get("/titulaire", headers=bearer(token)).body["heures_cpf_disponibles"] == 24

    def test_closed_dossiers_lower_the_balance_and_hours_are_earned_again_up_to_150(
        self, crediting_, journey, api, clock
    ):
        crediting_.credit(*to_140(NIR), line(NIR, 2023))  # 150
        token = journey.active_account()
        api.put("/titulaire/heures/dif", {"solde_dif": 10}, headers=bearer(token))
        dossier = api.post(
            "/titulaire/dossiers", {"intitule": "Anglais", "organisme": "Centre", "heures": 50}, headers=bearer(token)
        ).body["id"]
        api.post(f"/titulaire/dossiers/{dossier}/validation", headers=bearer(token))
        clock.advance(seconds=1)
        api.post(f"/titulaire/dossiers/{dossier}/cloture", headers=bearer(token))
        statement = api.get("/titulaire/heures", headers=bearer(token)).body
        assert (statement["solde_dif"], statement["heures_cpf"]) == (0, 110)  # 10 DIF first, then 40 CPF
        crediting_.credit(line(NIR, 2024))  # from 110: +17
        assert api.get("/titulaire/heures", headers=bearer(token)).body["heures_cpf"] == 127
        crediting_.credit(line(NIR, 2025), line(NIR, 2019, siret=SECOND_EMPLOYER))  # +12, then a late employer
        statement = api.get("/titulaire/heures", headers=bearer(token)).body
        assert statement["heures_cpf"] == 139  # 2019 was already a full year: nothing more
        assert statement["mouvements"][-1]["heures"] > 0  # the first credit, oldest
        assert api.get("/titulaire", headers=bearer(token)).body["heures_cpf_disponibles"] == 139
        crediting_.credit(line(NIR, 2015))  # from 139: 11 left below the ceiling
        statement = api.get("/titulaire/heures", headers=bearer(token)).body
        assert statement["heures_cpf"] == 150
        assert (11, "Alimentation de vos droits au titre de 2015") in [
            (m["heures"], m["libelle"]) for m in statement["mouvements"]
        ]


class TestCosts:
    def test_a_line_costs_about_one_dynamodb_request_and_never_more_than_three(self, crediting_, dynamodb_calls):
        people = [make_nir(f"1{n % 2 + 1}0575{n:07d}"[:13]) for n in range(120)]
        dynamodb_calls.clear()
        report = crediting_.credit(*(line(nir, 2024) for nir in people))
        assert report["appliquees"] == 120
        per_line = len(dynamodb_calls) / 120
        print(f"DynamoDB requests for 120 new lines: {len(dynamodb_calls)} ({per_line:.2f} a line)")  # noqa: T201 (the figure, for the README)
        assert "Scan" not in dynamodb_calls
        assert per_line <= 1.1
        # one transaction per line (each gives its NIR a rights id), the 120 NIRs' items read in two
        # BatchGetItem (nothing else to read: no NIR had rights yet), and the file's bookkeeping
        assert dynamodb_calls.count("TransactWriteItems") == 120 + 1
        assert dynamodb_calls.count("BatchGetItem") == 2

    def test_a_file_deposited_again_costs_a_write_a_line_and_a_redelivered_chunk_none(self, crediting_, dynamodb_calls):
        people = [make_nir(f"2{n % 2 + 1}0575{n:07d}"[:13]) for n in range(50)]
        crediting_.credit(*(line(nir, 2024) for nir in people), name="deux.csv")
        dynamodb_calls.clear()
        crediting_.split(*(line(nir, 2024) for nir in people), name="deux.csv")  # deposited again
        (chunk,) = crediting_.waiting_chunks()
        crediting_.deliver(chunk)
        # each line records the newer deposit as the latest (one PutItem), nothing else moves
        print("DynamoDB requests for 50 unchanged lines:", len(dynamodb_calls))  # noqa: T201 (the figure, for the README)
        assert dynamodb_calls.count("PutItem") == 50 + 1  # and the file's own record
        assert len(dynamodb_calls) / 50 <= 1.2
        dynamodb_calls.clear()
        crediting_.deliver(chunk)  # the same chunk delivered again: reads, and nothing to count
        assert dynamodb_calls.count("PutItem") == 0
        assert "UpdateItem" not in dynamodb_calls
        assert crediting_.report("deux.csv")["inchangees"] == 50
