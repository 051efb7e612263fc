"""§7 of the contract, the file: UTF-8 CSV, `;` separated, header
`siret;nir;annee;heures_travaillees;duree_reference`; a bad line is rejected with its line number
(the header is line 1) and a code, a file that is not such a CSV is rejected whole; read as a stream."""

from decimal import Decimal

import pytest

from chalicelib.domain import declaration_file as files
from chalicelib.domain.declaration_file import Line, Rejection, check_header, chunks, parse_line, physical_lines
from chalicelib.domain.rights import Declaration
from tests.helpers.crediting import EMPLOYER, HEADER
from tests.helpers.people import NIR

LAST_YEAR = 2025


def first_line(content: bytes) -> Line | None:
    return next(physical_lines([content]), None)


def parsed(text: str, number: int = 2):
    return parse_line(Line(number, 0, len(text), text.encode("utf-8")), LAST_YEAR)


def code(text: str) -> str:
    result = parsed(text)
    assert isinstance(result, Rejection), result
    return result.code


class TestTheHeader:
    @pytest.mark.parametrize(
        "content",
        [
            HEADER.encode() + b"\n",
            HEADER.encode() + b"\r\n",
            b"\xef\xbb\xbf" + HEADER.encode() + b"\n",  # a spreadsheet's byte order mark
            b"SIRET ; NIR ; Annee ; Heures_Travaillees ; Duree_Reference",  # case and spaces
        ],
    )
    def test_the_expected_header_is_accepted(self, content):
        assert check_header(first_line(content)) is None

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            (b"", files.EMPTY_FILE),
            (b"siret,nir,annee,heures_travaillees,duree_reference\n", files.BAD_HEADER),  # commas
            (b"siret;nir;annee;heures_travaillees\n", files.BAD_HEADER),  # a column missing
            (b"nir;siret;annee;heures_travaillees;duree_reference\n", files.BAD_HEADER),  # another order
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", files.BAD_HEADER),
            (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", files.BAD_HEADER),  # a spreadsheet, zipped
            (b"\xff\xfes\x00i\x00r\x00e\x00t\x00", files.BAD_ENCODING),  # UTF-16
            (b"x" * 5000, files.BAD_HEADER),  # one long line with no end
        ],
    )
    def test_a_file_that_is_not_such_a_csv_is_rejected_whole_with_why(self, content, problem):
        assert check_header(first_line(content)) == problem
        assert files.FILE_PROBLEMS[problem]  # the report's French sentence


class TestALine:
    def test_a_valid_line_is_a_declaration_with_exact_hours(self):
        assert parsed(f"{EMPLOYER};{NIR};2020;1000;1607") == Declaration(
            EMPLOYER, NIR, 2020, Decimal(1000), Decimal(1607)
        )

    def test_an_empty_reference_duration_is_the_legal_1607(self):
        assert parsed(f"{EMPLOYER};{NIR};2020;1000;").duree_reference == Decimal(1607)

    def test_numbers_take_a_comma_or_a_point(self):
        assert parsed(f"{EMPLOYER};{NIR};2020;803,5;1607.0").heures_travaillees == Decimal("803.5")

    def test_fields_are_trimmed_and_identifiers_compacted(self):
        spaced = f" 732 829 320 00074 ; 1 84 05 75 123 456 {NIR[13:]} ; 2020 ; 1607 ; "
        assert parsed(spaced) == Declaration(EMPLOYER, NIR, 2020, Decimal(1607), Decimal(1607))

    def test_quoted_fields_are_read_as_csv(self):
        assert parsed(f'"{EMPLOYER}";"{NIR}";"2020";"1607";""').siret == EMPLOYER

    def test_corsica_nirs_are_accepted(self):
        from tests.helpers.people import make_nir

        corsican = make_nir("184052A123456")
        assert parsed(f"{EMPLOYER};{corsican.lower()};2020;1607;").nir == corsican

    def test_zero_hours_is_a_valid_line(self):
        assert parsed(f"{EMPLOYER};{NIR};2020;0;").heures_travaillees == 0

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"{EMPLOYER};{NIR};2020;1607", files.FIELD_COUNT),
            (f"{EMPLOYER};{NIR};2020;1607;;", files.FIELD_COUNT),
            ("", files.FIELD_COUNT),
            (f"7328293200007;{NIR};2020;1607;", files.BAD_SIRET),  # 13 digits
            (f"73282932000075;{NIR};2020;1607;", files.BAD_SIRET),  # Luhn
            (f"7328293200007A;{NIR};2020;1607;", files.BAD_SIRET),
            (f"{EMPLOYER};{NIR[:13]}00;2020;1607;", files.BAD_NIR),  # key
            (f"{EMPLOYER};{NIR[:13]};2020;1607;", files.BAD_NIR),  # no key
            (f"{EMPLOYER};3840575123456;2020;1607;", files.BAD_NIR),
            (f"{EMPLOYER};{NIR};2014;1607;", files.BAD_YEAR),  # before the CPF
            (f"{EMPLOYER};{NIR};2026;1607;", files.BAD_YEAR),  # this year is not over
            (f"{EMPLOYER};{NIR};20;1607;", files.BAD_YEAR),
            (f"{EMPLOYER};{NIR};deux mille;1607;", files.BAD_YEAR),
            (f"{EMPLOYER};{NIR};2020;-1;", files.BAD_HOURS),
            (f"{EMPLOYER};{NIR};2020;8785;", files.BAD_HOURS),
            (f"{EMPLOYER};{NIR};2020;1e3;", files.BAD_HOURS),
            (f"{EMPLOYER};{NIR};2020;;", files.BAD_HOURS),
            (f"{EMPLOYER};{NIR};2020;NaN;", files.BAD_HOURS),
            (f"{EMPLOYER};{NIR};2020;1 607;", files.BAD_HOURS),
            (f"{EMPLOYER};{NIR};2020;1607;0", files.BAD_REFERENCE),
            (f"{EMPLOYER};{NIR};2020;1607;8785", files.BAD_REFERENCE),
            (f"{EMPLOYER};{NIR};2020;1607;temps plein", files.BAD_REFERENCE),
        ],
    )
    def test_a_bad_line_gets_the_code_of_its_first_bad_field(self, text, expected):
        assert code(text) == expected

    def test_years_from_2015_to_last_year(self):
        assert parsed(f"{EMPLOYER};{NIR};2015;1607;").annee == 2015
        assert parsed(f"{EMPLOYER};{NIR};{LAST_YEAR};1607;").annee == LAST_YEAR

    def test_a_line_that_is_not_utf8_is_rejected(self):
        line = Line(7, 0, 10, f"{EMPLOYER};{NIR};2020;1607;".encode("latin-1") + b"\xe9")
        assert parse_line(line, LAST_YEAR) == Rejection(7, files.BAD_ENCODING)

    def test_a_line_too_long_is_rejected_without_being_held(self):
        content = HEADER.encode() + b"\n" + b"9" * 100_000 + b"\n" + f"{EMPLOYER};{NIR};2020;1607;\n".encode()
        header, huge, good = physical_lines([content])
        assert huge.content is None
        assert parse_line(huge, LAST_YEAR) == Rejection(2, files.LINE_TOO_LONG)
        assert isinstance(parse_line(good, LAST_YEAR), Declaration)

    def test_a_rejection_is_its_line_number_and_its_code_never_the_line(self):
        rejection = parsed(f"{EMPLOYER};{NIR};2014;1607;", number=12)
        assert rejection.as_dict() == {"ligne": 12, "code": "annee_invalide"}


class TestReadingAsAStream:
    CONTENT = (HEADER + "\r\n" + "\n".join(f"{EMPLOYER};{NIR};{2016 + n};1607;" for n in range(7))).encode()

    def test_lines_are_numbered_from_the_header_with_their_byte_ranges(self):
        lines = list(physical_lines([self.CONTENT]))
        assert [line.number for line in lines] == list(range(1, 9))
        assert lines[0].content == HEADER.encode()  # without its CRLF
        for line in lines:
            assert self.CONTENT[line.start : line.end].rstrip(b"\r\n") == line.content
        assert lines[-1].end == len(self.CONTENT)  # the last line has no line break

    def test_blocks_cut_anywhere_give_the_same_lines(self):
        whole = list(physical_lines([self.CONTENT]))
        for size in (1, 2, 7, 64):
            blocks = [self.CONTENT[n : n + size] for n in range(0, len(self.CONTENT), size)]
            assert list(physical_lines(blocks)) == whole

    def test_chunks_are_byte_ranges_that_read_back_as_the_same_numbered_lines(self):
        lines = physical_lines([self.CONTENT])
        next(lines)  # the header
        found = list(chunks(lines, 3))
        assert [(c.index, c.first_line) for c in found] == [(0, 2), (1, 5), (2, 8)]
        reread = []
        for chunk in found:
            reread += physical_lines([self.CONTENT[chunk.start : chunk.end]], chunk.first_line, chunk.start)
        assert reread == list(physical_lines([self.CONTENT]))[1:]

    def test_blank_lines_are_neither_counted_nor_rejected(self):
        blank, data = physical_lines([b"  \n" + f"{EMPLOYER};{NIR};2020;1607;".encode()])
        assert files.is_blank(blank)
        assert not files.is_blank(data)

    def test_a_file_with_only_its_header_has_no_chunk(self):
        lines = physical_lines([HEADER.encode() + b"\n"])
        next(lines)
        assert list(chunks(lines, 500)) == []
