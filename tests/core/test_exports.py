"""Exports are safe to open in a spreadsheet, and an unknown format is a 404, never a 500."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from core.exports import FORMULA_PREFIXES, UnknownFormat, csv_stream, export_response, safe_cell, xlsx_bytes
from tests.contingent.factories import make_enrolment, make_pupil

PAYLOAD = "=cmd|' /C calc'!A0"


class SafeCellTests:
    @pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
    def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(self, prefix):
        assert safe_cell(f"{prefix}1+2") == f"'{prefix}1+2"

    def test_plain_text_numbers_amounts_and_dates_are_unchanged(self):
        assert safe_cell("Ахметов") == "Ахметов"
        assert safe_cell(-5) == -5 and safe_cell(Decimal("-1.50")) == Decimal("-1.50")
        assert safe_cell(dt.date(2025, 9, 1)) == "2025-09-01" and safe_cell(None) == ""


class CsvExportTests:
    def test_a_formula_is_written_as_text(self):
        text = "".join(csv_stream(["last_name", "amount"], [[PAYLOAD, Decimal("-3.00")], ["@SUM(A1)", 1]]))
        assert text.splitlines()[1:] == [f"'{PAYLOAD},-3.00", "'@SUM(A1),1"]


class XlsxExportTests:
    def test_a_formula_is_written_as_a_text_cell_never_a_formula_cell(self):
        sheet = load_workbook(io.BytesIO(xlsx_bytes(["last_name", "n"], [[PAYLOAD, -2], ["+7 701", "x"]]))).active
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        assert [(c.value, c.data_type) for c in cells] == [("'" + PAYLOAD, "s"), (-2, "n"), ("'+7 701", "s"), ("x", "s")]


class ExportTests:
    def test_csv_export_starts_with_a_bom_and_quotes_properly(self):
        text = "".join(csv_stream(["a", "b"], [["x,y", Decimal("1.50")], [dt.date(2025, 9, 1), None]]))
        assert text == '\ufeffa,b\r\n"x,y",1.50\r\n2025-09-01,\r\n'

    def test_xlsx_export_keeps_amounts_exact(self):
        from openpyxl import load_workbook

        content = xlsx_bytes(["amount"], [[Decimal("123456789.01")]])
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet["A2"].value == pytest.approx(123456789.01)


class UnknownFormatTests:
    def test_an_unknown_format_is_not_found(self):
        with pytest.raises(UnknownFormat):
            export_response(fmt="xyz", filename="f", headers=["a"], rows=[])


@pytest.mark.django_db
class ContingentExportTests:
    def client(self, user):
        client = Client()
        client.force_login(user)
        return client

    def test_a_pupil_named_like_a_formula_is_exported_harmless_in_csv_and_xlsx(self, school_user, school_a):
        make_enrolment(school=school_a, pupil=make_pupil(last_name=PAYLOAD))
        client = self.client(school_user)
        body = b"".join(client.get("/kk/contingent/?export=csv").streaming_content).decode("utf-8-sig")
        assert f"'{PAYLOAD}" in body and f",{PAYLOAD}" not in body and f'"{PAYLOAD}' not in body
        sheet = load_workbook(io.BytesIO(b"".join(client.get("/kk/contingent/?export=xlsx").streaming_content))).active
        cell = sheet.cell(row=2, column=2)
        assert (cell.value, cell.data_type) == ("'" + PAYLOAD, "s")

    def test_an_unknown_export_format_of_the_contingent_list_is_a_404(self, school_user):
        assert self.client(school_user).get("/kk/contingent/?export=xyz").status_code == 404
