import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.choices import UnitStatus
from procurement.models import ContractLine, DeliveryUnit, ProcurementContract
from procurement.services import flags_search
from procurement.services.importing import COLUMNS
from tests.factories import next_bin
from tests.procurement.factories import at, make_contract, make_delivery, make_line, make_unit

API = "/api/v1/"


@pytest.mark.django_db
class ContractApiTests:
    def test_a_department_records_a_contract_and_its_lines_and_edits_a_line(self, api_as, department_user, school_a, clock):
        client = api_as(department_user)
        response = client.post(API + "procurement-contracts/", {"number": "ПЗ-1", "signed_on": "2025-06-02",
                                                                "supplier_bin": next_bin(year=11, month=4), "supplier_name": "ТОО"}, format="json")
        assert response.status_code == 201, response.json()
        contract = response.json()
        assert contract["region"] == "71" and "add_line" in contract["actions"]
        line = client.post(API + "procurement-contract-lines/", {
            "contract": contract["id"], "item_code": "26.20.11", "item_name": "Ноутбук", "school": school_a.pk, "quantity": 2,
            "unit_price": "250000.00", "delivery_due": "2025-08-25", "warranty_months": 12, "software": ["Windows 11 Pro"]},
            format="json")
        assert line.status_code == 201, line.json()
        changed = client.put(API + f"procurement-contract-lines/{line.json()['id']}/", {
            "item_name": "Ноутбук", "quantity": 3, "unit_price": "240000.00", "delivery_due": "2025-08-25", "warranty_months": 24,
            "software": []}, format="json")
        assert changed.status_code == 200 and changed.json()["quantity"] == 3
        assert client.get(API + f"procurement-contracts/{contract['id']}/").json()["lines"][0]["unit_price"] == "240000.00"

    def test_a_school_sees_its_lines_but_may_not_record_contracts(self, api_as, school_user, school_a, school_c, region_astana):
        contract = make_contract(region=region_astana)
        make_line(contract=contract, school=school_a)
        make_line(contract=contract, school=school_c)
        client = api_as(school_user)
        body = client.get(API + f"procurement-contracts/{contract.pk}/").json()
        assert [line["school"]["id"] for line in body["lines"]] == [school_a.pk]
        response = client.post(API + "procurement-contracts/", {"number": "X", "signed_on": "2025-06-02",
                                                                "supplier_bin": next_bin(year=11, month=4), "supplier_name": "T"}, format="json")
        assert response.status_code == 403

    def test_a_supplier_on_the_register_is_refused_with_the_error_format(self, api_as, department_user, clock):
        from tests.schools.factories import make_rnu

        supplier = next_bin(year=11, month=4)
        make_rnu(bin=supplier, included_on=dt.date(2025, 1, 1))
        response = api_as(department_user).post(API + "procurement-contracts/", {
            "number": "ПЗ-1", "signed_on": "2025-06-02", "supplier_bin": supplier, "supplier_name": "ТОО"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "unreliable_supplier" and "supplier_bin" in response.json()["error"]["fields"]

    def test_an_import_through_the_api_reports_bad_rows_with_their_lines(self, api_as, department_user, school_a, clock):
        header = ",".join(COLUMNS) + "\n"
        good = f"ПЗ-1,2025-06-02,{next_bin(year=11, month=4)},ТОО,26.20.11,Ноутбук,1000.00,{school_a.bin},2,2025-08-25,12,\n"
        bad = SimpleUploadedFile("p.csv", (header + good + good.replace("1000.00", "abc")).encode())
        response = api_as(department_user).post(API + "procurement-contracts/import/", {"file": bad}, format="multipart")
        assert response.status_code == 400
        assert [error["line"] for error in response.json()["error"]["details"]["errors"]] == [3]
        ok = SimpleUploadedFile("p.csv", (header + good).encode())
        response = api_as(department_user).post(API + "procurement-contracts/import/", {"file": ok}, format="multipart")
        assert response.status_code == 200 and response.json()["lines_new"] == 1


@pytest.mark.django_db
class DeliveryApiTests:
    def test_a_school_records_inspects_accepts_and_rejects_units_through_the_api(self, api_as, school_user, school_a, region_astana,
                                                                                  clock):
        clock.set(dt.date(2025, 8, 20))
        contract = make_contract(region=region_astana)
        line = make_line(contract=contract, school=school_a, quantity=2)
        client = api_as(school_user)
        response = client.post(API + "procurement-deliveries/", {
            "contract": contract.pk, "school": school_a.pk, "delivered_on": "2025-08-20",
            "units": [{"line": line.pk, "serial_number": "a-1"}, {"line": line.pk, "serial_number": "A-2", "invoice_unit_price": "260000.00"}]},
            format="json")
        assert response.status_code == 201, response.json()
        units = {unit["serial_number"]: unit for unit in response.json()["units"]}
        first, second = units["A-1"]["id"], units["A-2"]["id"]
        assert units["A-1"]["actions"] == ["inspect"]
        assert client.post(API + f"procurement-units/{first}/accept/", {"confirm": True}, format="json").status_code == 409
        checklist = {"model_ok": True, "works": True, "software_ok": True, "warranty_card": True}
        assert client.post(API + f"procurement-units/{first}/inspect/", checklist, format="json").status_code == 200
        assert client.post(API + f"procurement-units/{first}/accept/", {"confirm": False}, format="json").status_code == 400
        accepted = client.post(API + f"procurement-units/{first}/accept/", {"confirm": True}, format="json")
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
        client.post(API + f"procurement-units/{second}/inspect/", {**checklist, "software_ok": False}, format="json")
        rejected = client.post(API + f"procurement-units/{second}/reject/", {"reason": "no_software"}, format="json")
        assert rejected.json()["status"] == "rejected"
        pdf = client.get(API + f"procurement-deliveries/{response.json()['id']}/acceptance-act/")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    def test_a_monitor_reads_but_never_writes(self, api_as, monitor_user, school_a, school_user, region_astana):
        contract = make_contract(region=region_astana)
        line = make_line(contract=contract, school=school_a)
        delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user)
        unit = make_unit(delivery=delivery, line=line)
        client = api_as(monitor_user)
        assert client.get(API + "procurement-units/").json()["count"] == 1
        response = client.post(API + f"procurement-units/{unit.pk}/inspect/", {"model_ok": True, "works": True, "software_ok": True,
                                                                               "warranty_card": True}, format="json")
        assert response.status_code == 403 and DeliveryUnit.objects.get().status == UnitStatus.DELIVERED

    def test_the_overdue_list_carries_the_penalty_so_far(self, api_as, department_user, school_a, school_user, region_astana, clock):
        clock.set(dt.date(2025, 9, 11))
        contract = make_contract(region=region_astana)
        line = make_line(contract=contract, school=school_a, quantity=2, delivery_due=dt.date(2025, 9, 1), unit_price=Decimal("1000.00"))
        delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 9, 5))
        make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user, decided_at=at(dt.date(2025, 9, 5)))
        rows = api_as(department_user).get(API + "procurement-contract-lines/overdue/").json()["results"]
        # 2 late units: one accepted 4 days late, one outstanding 10 days: 14 unit-days × 0.1 % × 1 000 = 14.00
        assert [(row["id"], row["late_units"], row["unit_days"], row["penalty"]) for row in rows] == [(line.pk, 2, 14, "14.00")]


@pytest.mark.django_db
class FlagApiTests:
    def test_flags_are_listed_for_monitors_and_searched_by_operators(self, api_as, monitor_user, operator_user, department_user,
                                                                     school_user, school_a, region_astana):
        contract = make_contract(region=region_astana)
        line = make_line(contract=contract, school=school_a)
        delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 9, 5))
        make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user, decided_at=at(dt.date(2025, 9, 4)))
        assert api_as(monitor_user).post(API + "procurement-flags/search/").status_code == 403
        run = api_as(operator_user).post(API + "procurement-flags/search/?as_of=2025-12-01")
        assert run.status_code == 200 and run.json()["counts"]["PR02"] == 1
        flags = api_as(monitor_user).get(API + "procurement-flags/?code=PR02").json()["results"]
        assert len(flags) == 1 and flags[0]["evidence"]["days_before"] == 1
        assert api_as(department_user).get(API + "procurement-flags/").json()["count"] == 0

    def test_a_flag_keeps_its_id_across_searches(self, api_as, monitor_user, school_a, school_user, region_astana):
        contract = make_contract(region=region_astana)
        line = make_line(contract=contract, school=school_a)
        delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 9, 5))
        make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user, decided_at=at(dt.date(2025, 9, 4)))
        flags_search(as_of=dt.date(2025, 12, 1))
        first = api_as(monitor_user).get(API + "procurement-flags/").json()["results"][0]["id"]
        flags_search(as_of=dt.date(2025, 12, 2))
        assert api_as(monitor_user).get(API + "procurement-flags/").json()["results"][0]["id"] == first
        assert ContractLine.objects.count() == 1 and ProcurementContract.objects.count() == 1
