import io
import struct
import zipfile

import pytest

from core.exports import xlsx_bytes
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


def with_sheet(sheet_xml: bytes, *, declared_size: int | None = None) -> bytes:
    """A real workbook whose first sheet is ``sheet_xml``; ``declared_size`` makes its zip directory lie."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["bin"], [["1"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            archive.writestr(part.filename, sheet_xml if part.filename == SHEET else source.read(part))
    content = out.getvalue()
    if declared_size is not None:  # the central directory's "uncompressed size" of the sheet
        entry = content.index(b"PK\x01\x02")
        while content[entry + 46: entry + 46 + len(SHEET)] != SHEET.encode():
            entry = content.index(b"PK\x01\x02", entry + 4)
        content = content[:entry + 24] + struct.pack("<I", declared_size) + content[entry + 28:]
    return content


def sheet(rows: bytes, *, prolog: bytes = b"") -> bytes:
    return (b'<?xml version="1.0"?>' + prolog + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>bin</t></is></c></row>' + rows + b"</sheetData></worksheet>")


def cell_row(number: int, column: str = "A", value: str = "1", *more_columns: str) -> bytes:
    cells = "".join(f'<c r="{name}{number}" t="inlineStr"><is><t>{value}</t></is></c>' for name in (column, *more_columns))
    return f'<row r="{number}">{cells}</row>'.encode()


SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def never_inflated(monkeypatch):
    """Fails the test if the workbook is opened (that is, if anything of it is inflated)."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


class XlsxBombTests:
    """Defect 2 of issue 11: a 330 KB file inflating to 110 MB took ~50 s and 380 MB at every upload point."""

    def test_a_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_inflated(self, never_inflated):
        bomb = with_sheet(sheet(cell_row(2) * 1_500_000))  # ~75 MB of rows in a few hundred KB
        assert len(bomb) < 1_000_000
        with pytest.raises(FileFormatError) as error:
            list(read_rows(io.BytesIO(bomb), columns=["bin"]))
        assert error.value.code == "xlsx_too_large"

    def test_a_workbook_inflating_beyond_the_setting_is_refused(self, settings, never_inflated):
        settings.XLSX_MAX_INFLATED_BYTES = 64 * 1024
        rows = b"".join(cell_row(n, value=f"{n * 7919 % 1000003:07d}") for n in range(2, 3000))
        with pytest.raises(FileFormatError) as error:
            list(read_rows(io.BytesIO(with_sheet(sheet(rows))), columns=["bin"]))
        assert error.value.code == "xlsx_too_large"

    def test_a_sheet_that_inflates_beyond_its_declared_size_is_cut_there_and_refused(self):
        liar = with_sheet(sheet(cell_row(2) * 200_000), declared_size=4096)
        with pytest.raises(FileFormatError) as error:
            list(read_rows(io.BytesIO(liar), columns=["bin"]))
        assert error.value.code == "bad_xlsx"

    def test_entity_expansion_in_the_sheet_xml_is_refused(self):
        entities = b'<!ENTITY l0 "lollollollollollollollollollol">' + b"".join(
            f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">'.encode() for i in range(1, 10))
        laughs = sheet(b'<row r="2"><c r="A2" t="inlineStr"><is><t>&l9;</t></is></c></row>',
                       prolog=b"<!DOCTYPE worksheet [" + entities + b"]>")
        with pytest.raises(FileFormatError) as error:
            list(read_rows(io.BytesIO(with_sheet(laughs)), columns=["bin"]))
        assert error.value.code == "bad_xlsx"


class TableLimitTests:
    def test_a_csv_with_more_rows_than_the_setting_is_refused(self, settings):
        settings.TABLE_MAX_ROWS = 3
        assert len(list(read_rows(csv_file("bin,name,capacity\n1,A,1\n2,B,2\n"), columns=COLUMNS))) == 2
        with pytest.raises(FileFormatError) as error:
            list(read_rows(csv_file("bin,name,capacity\n1,A,1\n2,B,2\n3,C,3\n"), columns=COLUMNS))
        assert error.value.code == "too_many_rows"

    def test_an_xlsx_with_more_rows_than_the_setting_is_refused_even_when_they_are_empty(self, settings):
        settings.TABLE_MAX_ROWS = 1000
        # One row at the very bottom of the sheet: every row above it is read as an empty row.
        with pytest.raises(FileFormatError) as error:
            list(read_rows(io.BytesIO(with_sheet(sheet(cell_row(1_048_576)))), columns=["bin"]))
        assert error.value.code == "too_many_rows"

    def test_a_cell_past_the_column_limit_is_refused(self, settings):
        settings.TABLE_MAX_COLUMNS = 26
        with pytest.raises(FileFormatError) as error:
            list(read_rows(io.BytesIO(with_sheet(sheet(cell_row(2) + cell_row(3, column="AA")))), columns=["bin"]))
        assert error.value.code == "too_many_columns"

    def test_values_far_past_the_column_limit_are_ignored_not_read_into_every_row(self, settings):
        settings.TABLE_MAX_COLUMNS = 26
        far = b"".join(cell_row(n, "A", "1", "XFD") for n in range(2, 5))  # a value in A and in XFD
        rows = list(read_rows(io.BytesIO(with_sheet(sheet(far))), columns=["bin"]))
        assert [(row.line, row.data) for row in rows] == [(n, {"bin": "1"}) for n in range(2, 5)]

    def test_a_csv_header_with_more_columns_than_the_setting_is_refused(self, settings):
        settings.TABLE_MAX_COLUMNS = 5
        with pytest.raises(FileFormatError) as error:
            list(read_rows(csv_file(",".join(f"c{n}" for n in range(6)) + "\n"), columns=COLUMNS))
        assert error.value.code == "too_many_columns"


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
