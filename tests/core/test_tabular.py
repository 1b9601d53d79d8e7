import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation

from core.exports import csv_stream, export_response, xlsx_bytes
from core.tabular import FileFormatError, RowErrors, RowsInvalid, read_rows, row_width_error

COLUMNS = ["bin", "name", "capacity"]


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


class ReadRowsTests:
    def test_csv_rows_come_with_their_line_numbers(self):
        rows = list(read_rows(csv_file("bin,name,capacity\n1,Мектеп,10\n\n2,B,20\n"), columns=COLUMNS))
        assert [(r.line, r["name"]) for r in rows] == [(2, "Мектеп"), (4, "B")]

    def test_a_utf8_bom_and_column_order_are_accepted(self):
        rows = list(read_rows(csv_file("\ufeffname,capacity,bin\nA,1,2\n"), columns=COLUMNS))
        assert rows[0].data == {"name": "A", "capacity": "1", "bin": "2"}

    def test_missing_and_unknown_columns_are_named(self):
        with pytest.raises(FileFormatError) as error:
            list(read_rows(csv_file("bin,title\n1,A\n"), columns=COLUMNS))
        assert "name, capacity" in str(error.value) and "title" in str(error.value)
        assert error.value.code == "bad_columns"

    def test_a_windows_1251_file_is_reported_as_not_utf8_with_its_line(self):
        with pytest.raises(FileFormatError) as error:
            list(read_rows(csv_file("bin,name,capacity\n1,Школа,10\n", "cp1251"), columns=COLUMNS))
        assert error.value.code == "bad_encoding"
        assert "2" in str(error.value)

    def test_excel_csv_of_a_russian_or_kazakh_windows_is_read_when_asked(self):
        """``excel=True``: Windows-1251 and semicolons (Excel's "CSV" in a ru/kk locale), or UTF-8 with a BOM and semicolons."""
        for content in (csv_file("bin;name;capacity\r\n1;Школа;10\r\n", "cp1251"),
                        csv_file("\ufeffbin;name;capacity\n1;Мектеп «Ақбота»;10\n"),
                        csv_file("bin\tname\tcapacity\n1\tШкола\t10\n")):
            rows = list(read_rows(content, columns=COLUMNS, excel=True))
            assert [(row["bin"], row["capacity"]) for row in rows] == [("1", "10")]
        assert list(read_rows(csv_file("name;bin;capacity\n\"A; B\";1;2\n"), columns=COLUMNS, excel=True))[0]["name"] == "A; B"

    def test_other_systems_files_stay_strictly_utf8_and_comma(self):
        with pytest.raises(FileFormatError) as error:
            list(read_rows(csv_file("bin;name;capacity\n1;A;10\n"), columns=COLUMNS))
        assert error.value.code == "bad_columns"

    def test_kazakh_letters_lost_by_windows_1251_are_refused_with_the_fix(self):
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            list(read_rows(csv_file("bin;name;capacity\n1;?ліпби;10\n", "cp1251"), columns=COLUMNS, excel=True))
        assert error.value.code == "bad_encoding" and "line 2" in str(error.value) and "CSV UTF-8" in str(error.value)

    def test_unicode_text_is_refused_with_the_fix(self):
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            list(read_rows(csv_file("bin\tname\tcapacity\n1\tA\t10\n", "utf-16"), columns=COLUMNS, excel=True))
        assert error.value.code == "bad_encoding" and "UTF-16" in str(error.value)

    def test_an_empty_file_is_refused(self):
        with pytest.raises(FileFormatError):
            list(read_rows(csv_file(""), columns=COLUMNS))

    def test_a_row_with_the_wrong_width_is_reported(self):
        from django.utils import translation

        rows = list(read_rows(csv_file("bin,name,capacity\n1,A\n"), columns=COLUMNS))
        with translation.override("en"):
            assert "2 values" in row_width_error(rows[0], COLUMNS)

    def test_xlsx_files_are_read_like_csv(self):
        content = xlsx_bytes(["bin", "name", "capacity"], [["180340001013", "Мектеп", 10], [None, None, None], ["2", "B", 5]])
        rows = list(read_rows(io.BytesIO(content), columns=COLUMNS))
        assert [(r.line, r.data) for r in rows] == [
            (2, {"bin": "180340001013", "name": "Мектеп", "capacity": "10"}),
            (4, {"bin": "2", "name": "B", "capacity": "5"}),
        ]

    def test_a_broken_xlsx_is_refused(self):
        with pytest.raises(FileFormatError):
            list(read_rows(io.BytesIO(b"PK\x03\x04garbage"), columns=COLUMNS))


class RowErrorTests:
    def test_row_errors_raise_all_problems_at_once(self):
        errors = RowErrors()
        errors.add(3, "iin", "bad check digit")
        errors.add(5, None, "duplicate row")
        from django.utils import translation

        with pytest.raises(RowsInvalid) as raised:
            errors.raise_if_any()
        with translation.override("en"):
            assert raised.value.lines() == ["line 3, iin: bad check digit", "line 5: duplicate row"]
        assert raised.value.details["errors"][0] == {"line": 3, "column": "iin", "message": "bad check digit"}


class ExportTests:
    def test_csv_export_starts_with_a_bom_and_quotes_properly(self):
        text = "".join(csv_stream(["a", "b"], [["x,y", Decimal("1.50")], [dt.date(2025, 9, 1), None]]))
        assert text == '\ufeffa,b\r\n"x,y",1.50\r\n2025-09-01,\r\n'

    def test_xlsx_export_keeps_amounts_exact(self):
        from openpyxl import load_workbook

        content = xlsx_bytes(["amount"], [[Decimal("123456789.01")]])
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet["A2"].value == pytest.approx(123456789.01)

    def test_unknown_export_format_is_a_domain_error(self):
        from core.errors import DomainError

        with pytest.raises(DomainError):
            export_response(fmt="pdf", filename="x", headers=[], rows=[])
