import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from core.errors import PermissionDeniedError
from core.models import AuditEvent
from core.tabular import RowsInvalid
from procurement.choices import UnitStatus
from procurement.models import ContractLine, ProcurementContract
from procurement.services import procurement_import
from procurement.services.importing import COLUMNS
from tests.factories import make_bin, next_bin
from tests.procurement.factories import make_delivery, make_unit
from tests.schools.factories import csv_file, make_rnu, xlsx_file

HEADER = ",".join(COLUMNS) + "\n"
SUPPLIER = make_bin(11, 4, 777)


def row(school, *, number="ПЗ-1", signed_on="2025-06-02", supplier=SUPPLIER, supplier_name="ТОО «Техника»", item="26.20.11",
        item_name="Ноутбук", price="250000.00", quantity="3", due="2025-08-25", warranty="12", software="Windows 11 Pro"):
    bin_value = school if isinstance(school, str) else school.bin
    return f"{number},{signed_on},{supplier},{supplier_name},{item},{item_name},{price},{bin_value},{quantity},{due},{warranty},{software}\n"


def run(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_procurement", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("import_procurement", *args, stdout=out, stderr=err)
    return str(failure.value), err.getvalue()


def snapshot():
    return (sorted(ProcurementContract.objects.values_list("number", "signed_on", "supplier_bin", "supplier_name")),
            sorted(ContractLine.objects.values_list("item_code", "school_id", "quantity", "unit_price", "delivery_due",
                                                    "warranty_months", "software")),
            AuditEvent.objects.count())


@pytest.mark.django_db
class ImportProcurementTests:
    def test_a_good_csv_creates_contracts_and_lines_and_a_second_run_changes_nothing(self, tmp_path, school_a, school_b):
        path = csv_file(HEADER + row(school_a, software="Windows 11 Pro; Microsoft Office 2021;;")
                        + row(school_a, item="26.20.17", item_name="Проектор", price="180000.50", quantity="1")
                        + row(school_b, number="ПЗ-2", supplier_name="ТОО «Алматы Техника»"), tmp_path)
        out = run(str(path))
        assert "contracts 2 new, 0 changed; lines 3 new, 0 changed, 0 unchanged" in out
        first = ProcurementContract.objects.get(number="ПЗ-1")
        assert first.region_id == "71" and ProcurementContract.objects.get(number="ПЗ-2").region_id == "75"
        laptop = first.lines.get(item_code="26.20.11")
        assert laptop.software == ["Windows 11 Pro", "Microsoft Office 2021"] and laptop.unit_price == Decimal("250000.00")
        before = snapshot()
        assert "lines 0 new, 0 changed, 3 unchanged" in run(str(path))
        assert snapshot()[:2] == before[:2]

    def test_rows_are_upserted_by_contract_item_and_school(self, tmp_path, school_a):
        run(str(csv_file(HEADER + row(school_a), tmp_path)))
        out = run(str(csv_file(HEADER + row(school_a, quantity="5", price="240000.00", due="2025-09-01"), tmp_path)))
        assert "lines 0 new, 1 changed, 0 unchanged" in out
        line = ContractLine.objects.get()
        assert (line.quantity, line.unit_price, line.delivery_due) == (5, Decimal("240000.00"), dt.date(2025, 9, 1))
        change = AuditEvent.objects.filter(action="procurement_line_changed").get()
        assert set(change.data["changes"]) == {"quantity", "unit_price", "delivery_due"}

    def test_an_xlsx_file_is_read_like_a_csv(self, tmp_path, school_a):
        path = xlsx_file(COLUMNS, [["ПЗ-9", dt.date(2025, 6, 2), SUPPLIER, "ТОО", "26.20.11", "Ноутбук", 1000.5, school_a.bin, 2,
                                    dt.date(2025, 8, 25), 24, "Windows 11 Pro"]], tmp_path)
        run(str(path))
        line = ContractLine.objects.get()
        assert (line.unit_price, line.quantity, line.warranty_months) == (Decimal("1000.50"), 2, 24)

    def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(self, tmp_path, school_a, school_b):
        bad_bin = SUPPLIER[:11] + str((int(SUPPLIER[11]) + 1) % 10)
        content = (HEADER
                   + row(school_a)  # line 2: good
                   + row(school_a, number="ПЗ-3", supplier=bad_bin)  # 3: check digit
                   + row(next_bin(), number="ПЗ-4")  # 4: no such school
                   + row(school_a, number="ПЗ-5", signed_on="02.06.2025")  # 5: date format
                   + row(school_a, number="ПЗ-6", quantity="0")  # 6: quantity
                   + row(school_a, number="ПЗ-7", price="12.345")  # 7: three decimals
                   + row(school_a, number="ПЗ-8", due="2025-05-01")  # 8: due before signing
                   + row(school_a)  # 9: the same key as line 2
                   + row(school_a, item_name="Планшет", item="26.20.11", number="ПЗ-1", quantity="1").replace(school_a.bin, school_a.bin)
                   + row(school_b, number="ПЗ-1")  # 11: another region, and the rows of ПЗ-1 disagree on the school's region
                   + row(school_a, number="ПЗ-10", warranty="121")  # 12: warranty
                   + "ПЗ-11,2025-06-02\n")  # 13: too few values
        before = snapshot()
        message, errors = run_failing(str(csv_file(content, tmp_path)))
        assert "nothing was saved" in message
        lines = errors.splitlines()
        for number, column in ((3, "supplier_bin"), (4, "school_bin"), (5, "signed_on"), (6, "quantity"), (7, "unit_price"),
                               (8, "delivery_due"), (9, "item_code"), (10, "item_name"), (11, "school_bin"), (12, "warranty_months")):
            assert any(line.startswith(f"line {number}, {column}:") for line in lines), (number, column, lines)
        assert any(line.startswith("line 13:") for line in lines)
        assert not any(line.startswith("line 2") for line in lines)
        assert snapshot() == before

    def test_a_supplier_on_the_register_on_the_signing_day_is_refused(self, tmp_path, school_a):
        make_rnu(bin=SUPPLIER, included_on=dt.date(2025, 1, 10))
        message, errors = run_failing(str(csv_file(HEADER + row(school_a), tmp_path)))
        assert "line 2, supplier_bin:" in errors and "unreliable suppliers" in errors
        assert not ProcurementContract.objects.exists()

    def test_a_supplier_included_after_the_signing_day_is_accepted(self, tmp_path, school_a):
        make_rnu(bin=SUPPLIER, included_on=dt.date(2025, 7, 1))
        run(str(csv_file(HEADER + row(school_a), tmp_path)))
        assert ProcurementContract.objects.count() == 1

    def test_a_quantity_below_what_was_delivered_is_refused_on_its_line(self, tmp_path, school_a, school_user):
        run(str(csv_file(HEADER + row(school_a), tmp_path)))
        line = ContractLine.objects.get()
        delivery = make_delivery(contract=line.contract, school=school_a, recorded_by=school_user)
        make_unit(delivery=delivery, line=line)
        make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user)
        _message, errors = run_failing(str(csv_file(HEADER + row(school_a, quantity="1"), tmp_path)))
        assert errors.startswith("line 2, quantity:") and ContractLine.objects.get().quantity == 3

    def test_wrong_columns_and_a_file_that_is_not_utf8_are_named(self, tmp_path, school_a):
        message, _errors = run_failing(str(csv_file("contract_number,signed_on\nx,2025-01-01\n", tmp_path)))
        assert "missing column(s)" in message
        path = tmp_path / "latin1.csv"
        path.write_bytes((HEADER + row(school_a, number="PZ-1", supplier_name="Société", item_name="Laptop")).encode("latin-1"))
        message, _errors = run_failing(str(path))
        assert "not UTF-8" in message
        message, _errors = run_failing(str(tmp_path / "missing.csv"))
        assert "does not exist" in message

    def test_a_department_imports_only_for_its_own_region(self, tmp_path, school_a, school_b, department_user):
        with pytest.raises(RowsInvalid) as failure:
            procurement_import(source=csv_file(HEADER + row(school_a) + row(school_b, number="ПЗ-2"), tmp_path), actor=department_user)
        assert [(error.line, error.column) for error in failure.value.errors] == [(3, "school_bin")]
        assert not ProcurementContract.objects.exists()
        procurement_import(source=csv_file(HEADER + row(school_a), tmp_path), actor=department_user)
        assert ProcurementContract.objects.get().created_by == department_user

    def test_a_school_may_not_import(self, tmp_path, school_a, school_user):
        with pytest.raises(PermissionDeniedError):
            procurement_import(source=csv_file(HEADER + row(school_a), tmp_path), actor=school_user)
