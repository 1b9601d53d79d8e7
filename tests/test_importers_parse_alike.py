"""Every importer reads dates and numbers with the one strict parser (core.parsing) and says the same.

Before, ``core.tabular`` parsed dates with ``fromisoformat``: the licence, unreliable-supplier and
bank imports took ``20250901`` while the contingent and NOBD imports refused it. Now each importer
refuses it with the same message, on its line, in the active language.
"""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from contingent.services.imports import contingent_import
from contingent.services.nobd import nobd_import
from core.parsing import parse_amount, parse_date, parse_int
from core.tabular import RowsInvalid
from integrations.registers import FileTransport
from payments.services.bank import confirmation_check
from procurement.services import procurement_import
from procurement.services.importing import COLUMNS as PROCUREMENT_COLUMNS
from schools.choices import RegisterKind
from schools.importers import plan_import
from tests.contingent.factories import birth_for_grade, iin_for, state_bin
from tests.factories import next_bin

LANGUAGE = "ru"


def message(parser, value, **options) -> str:
    with pytest.raises(ValueError) as failure:
        parser(value, **options)
    return str(failure.value)


def refusals(call) -> set[tuple[int | None, str | None, str]]:
    with pytest.raises(RowsInvalid) as failure:
        call()
    return {(error.line, error.column, error.message) for error in failure.value.errors}


def pupil_cells(grade: str = "3", enrolled_on: str = "2025-09-01") -> list[str]:
    birth = birth_for_grade(3)
    return [iin_for(birth), "Ахметов", "Алихан", "", birth.isoformat(), grade, enrolled_on, ""]


def procurement_cells(school, *, signed_on: str = "2025-06-02", price: str = "250000.00", quantity: str = "3") -> list[str]:
    return ["ПЗ-1", signed_on, next_bin(), "ТОО «Техника»", "26.20.11", "Ноутбук", price, school.bin, quantity, "2025-08-25",
            "12", "Windows 11 Pro"]


def csv(header: str, *rows: list[str]) -> bytes:
    return ("\n".join([header, *(",".join(row) for row in rows)]) + "\n").encode()


@pytest.mark.django_db
class DateTests:
    """``20250901`` on line 3 of each file: the same message, with the line and the column."""

    @pytest.fixture(autouse=True)
    def _language(self):
        with translation.override(LANGUAGE):
            self.expected = message(parse_date, "20250901")
            yield

    def test_the_licence_register(self):
        content = csv("bin,licence_number,issued_on,levels,status", [next_bin(), "L-1", "2020-01-15", "primary", "active"],
                      [next_bin(), "L-2", "20250901", "primary", "active"])
        plan = plan_import(kind=RegisterKind.LICENCES, transport=FileTransport(content))
        assert [(e.line, e.column, e.message) for e in plan.errors] == [(3, "issued_on", self.expected)]

    def test_the_register_of_unreliable_suppliers(self):
        content = csv("bin,included_on,reason", [next_bin(), "2024-01-01", "court"], [next_bin(), "20250901", "court"])
        plan = plan_import(kind=RegisterKind.RNU, transport=FileTransport(content))
        assert [(e.line, e.column, e.message) for e in plan.errors] == [(3, "included_on", self.expected)]

    def test_the_contingent(self, school_a, tmp_path):
        path = tmp_path / "contingent.csv"
        path.write_bytes(csv("iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category",
                             [*pupil_cells(), "regular"], [*pupil_cells(enrolled_on="20250901"), "regular"]))
        assert refusals(lambda: contingent_import(source=path, school=school_a)) == {(3, "enrolled_on", self.expected)}

    def test_an_nobd_snapshot(self, tmp_path):
        path = tmp_path / "nobd.csv"
        cells = pupil_cells(enrolled_on="20250901")
        path.write_bytes(csv("iin,last_name,first_name,middle_name,birth_date,school_bin,grade,enrolled_on,left_on",
                             [*pupil_cells()[:5], state_bin(), *pupil_cells()[5:]], [*cells[:5], state_bin(), *cells[5:]]))
        assert refusals(lambda: nobd_import(path=path, taken_on=dt.date(2025, 11, 20))) == {(3, "enrolled_on", self.expected)}

    def test_a_bank_confirmation(self):
        content = csv("payment_reference,status,amount,bank_reference,date", ["EQP000000001", "paid", "10.00", "B-1", "2025-10-14"],
                      ["EQP000000002", "paid", "10.00", "B-2", "20250901"])
        assert (3, "date", self.expected) in refusals(lambda: confirmation_check(content=content))

    def test_a_procurement_contract(self, school_a, tmp_path):
        path = tmp_path / "procurement.csv"
        path.write_bytes(csv(",".join(PROCUREMENT_COLUMNS), procurement_cells(school_a),
                             procurement_cells(school_a, signed_on="20250901")))
        assert refusals(lambda: procurement_import(source=path)) == {(3, "signed_on", self.expected)}

    def test_the_date_option_of_nobd_import(self, tmp_path):
        with pytest.raises(CommandError) as failure:
            call_command("nobd_import", str(tmp_path / "nobd.csv"), "--date", "20250901")
        assert self.expected in str(failure.value)

    def test_the_date_option_of_the_procurement_red_flags(self):
        with pytest.raises(CommandError) as failure:
            call_command("run_procurement_flags", "--date", "20250901")
        assert self.expected in str(failure.value)


@pytest.mark.django_db
class NumberTests:
    """``1e3`` where a whole number or an amount belongs: the same message in every importer."""

    @pytest.fixture(autouse=True)
    def _language(self):
        with translation.override(LANGUAGE):
            self.whole = message(parse_int, "1e3")
            yield

    def test_the_capacity_of_a_school(self, region_astana):
        content = csv("bin,name_kk,name_ru,region_kato,address,oked,capacity,iban",
                      [next_bin(), "Мектеп", "Школа", "711000000", "", "85.31", "1e3", ""])
        plan = plan_import(kind=RegisterKind.SCHOOLS, transport=FileTransport(content))
        assert [(e.line, e.column, e.message) for e in plan.errors] == [(2, "capacity", self.whole)]

    def test_the_grade_of_a_pupil(self, school_a, tmp_path):
        path = tmp_path / "contingent.csv"
        path.write_bytes(csv("iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category",
                             [*pupil_cells(grade="1e3"), "regular"]))
        assert refusals(lambda: contingent_import(source=path, school=school_a)) == {(2, "grade", self.whole)}

    def test_the_grade_in_an_nobd_snapshot(self, tmp_path):
        path = tmp_path / "nobd.csv"
        cells = pupil_cells(grade="1e3")
        path.write_bytes(csv("iin,last_name,first_name,middle_name,birth_date,school_bin,grade,enrolled_on,left_on",
                             [*cells[:5], state_bin(), *cells[5:]]))
        assert refusals(lambda: nobd_import(path=path, taken_on=dt.date(2025, 11, 20))) == {(2, "grade", self.whole)}

    @pytest.mark.parametrize("amount", ["1e3", "NaN", "Infinity", "10.001"])
    def test_the_amount_of_a_bank_confirmation(self, amount):
        content = csv("payment_reference,status,amount,bank_reference,date", ["EQP000000001", "paid", amount, "B-1", "2025-10-14"])
        assert (2, "amount", message(parse_amount, amount)) in refusals(lambda: confirmation_check(content=content))

    def test_the_quantity_of_a_procurement_line(self, school_a, tmp_path):
        path = tmp_path / "procurement.csv"
        path.write_bytes(csv(",".join(PROCUREMENT_COLUMNS), procurement_cells(school_a, quantity="1e3")))
        assert refusals(lambda: procurement_import(source=path)) == {(2, "quantity", self.whole)}

    @pytest.mark.parametrize("amount", ["1e3", "NaN", "Infinity", "10.001"])
    def test_the_unit_price_of_a_procurement_line(self, school_a, tmp_path, amount):
        path = tmp_path / "procurement.csv"
        path.write_bytes(csv(",".join(PROCUREMENT_COLUMNS), procurement_cells(school_a, price=amount)))
        assert refusals(lambda: procurement_import(source=path)) == {(2, "unit_price", message(parse_amount, amount))}
