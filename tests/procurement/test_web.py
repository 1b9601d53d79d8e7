import datetime as dt
from decimal import Decimal

import pytest

from procurement.choices import ContractStatus, UnitStatus
from procurement.models import ContractLine, Delivery, DeliveryUnit, PenaltyClaim, ProcurementContract, WarrantyClaim
from procurement.services import flags_search
from tests.factories import next_bin
from tests.procurement.factories import at, make_contract, make_delivery, make_line, make_unit

PAGES = ["", "contracts/", "deliveries/", "warranty/"]


@pytest.fixture
def data(region_astana, school_a, school_user, department_user, clock):
    clock.set(dt.date(2025, 9, 10))
    contract = make_contract(region=region_astana, signed_on=dt.date(2025, 6, 2))
    line = make_line(contract=contract, school=school_a, quantity=3, delivery_due=dt.date(2025, 9, 1))
    delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 9, 5))
    accepted = make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user, decided_at=at(dt.date(2025, 9, 5)))
    pending = make_unit(delivery=delivery, line=line)
    claim = WarrantyClaim.objects.create(unit=accepted, filed_on=dt.date(2025, 9, 6), filed_by=school_user, description="экран",
                                         response_due_on=dt.date(2025, 9, 8))
    return {"contract": contract, "line": line, "delivery": delivery, "accepted": accepted, "pending": pending, "claim": claim}


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
class PageTests:
    @pytest.mark.parametrize("role", ["department_user", "school_user", "operator_user", "monitor_user", "other_department_user"])
    @pytest.mark.parametrize("lang", ["kk", "ru", "en"])
    def test_every_list_page_opens_for_every_role_in_every_language(self, request, client, data, role, lang):
        login(client, request.getfixturevalue(role))
        for page in PAGES:
            assert client.get(f"/{lang}/procurement/{page}").status_code == 200, page

    @pytest.mark.parametrize("role", ["department_user", "school_user", "operator_user", "monitor_user"])
    def test_detail_pages_open_for_those_who_may_see_them(self, request, client, data, role):
        login(client, request.getfixturevalue(role))
        for url in (f"/en/procurement/contracts/{data['contract'].pk}/", f"/en/procurement/deliveries/{data['delivery'].pk}/",
                    f"/en/procurement/warranty/{data['claim'].pk}/", f"/en/procurement/deliveries/{data['delivery'].pk}/act/"):
            assert client.get(url).status_code == 200, url

    def test_another_region_gets_404_on_the_details(self, client, data, other_department_user, other_school_user):
        for user in (other_department_user, other_school_user):
            login(client, user)
            assert client.get(f"/en/procurement/contracts/{data['contract'].pk}/").status_code == 404
            assert client.get(f"/en/procurement/deliveries/{data['delivery'].pk}/").status_code == 404

    def test_the_overview_shows_overdue_deliveries_and_claims_to_the_department_and_the_monitor(
            self, client, data, department_user, monitor_user, other_department_user):
        for user in (department_user, monitor_user):
            page = login(client, user).get("/en/procurement/").content.decode()
            assert f'data-line="{data["line"].pk}"' in page and data["accepted"].serial_number in page
        page = login(client, other_department_user).get("/en/procurement/").content.decode()
        assert f'data-line="{data["line"].pk}"' not in page

    def test_the_acceptance_act_is_a_pdf(self, client, data, school_user):
        response = login(client, school_user).get(f"/kk/procurement/deliveries/{data['delivery'].pk}/act/")
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")

    def test_red_flags_are_for_operators_and_monitors_only(self, client, data, department_user, school_user, monitor_user, operator_user):
        flags_search(as_of=dt.date(2025, 12, 1))
        for user in (department_user, school_user):
            assert login(client, user).get("/en/procurement/flags/").status_code == 403
        for user in (monitor_user, operator_user):
            assert login(client, user).get("/en/procurement/flags/").status_code == 200


@pytest.mark.django_db
class DepartmentPageTests:
    def test_a_department_records_a_contract_and_a_line_on_the_pages(self, client, department_user, school_a, clock):
        login(client, department_user)
        supplier = next_bin(year=11, month=4)
        response = client.post("/en/procurement/contracts/new/", {"number": "ПЗ-7", "signed_on": "2025-06-02",
                                                                  "supplier_bin": supplier, "supplier_name": "ТОО"})
        contract = ProcurementContract.objects.get()
        assert response.status_code == 302 and contract.region_id == "71"
        response = client.post(f"/en/procurement/contracts/{contract.pk}/lines/new/", {
            "item_code": "26.20.11", "item_name": "Ноутбук", "school": school_a.pk, "quantity": 4, "unit_price": "199999.99",
            "delivery_due": "2025-08-25", "warranty_months": 24, "software": "Windows 11 Pro; Office"})
        assert response.status_code == 302
        assert ContractLine.objects.get().software == ["Windows 11 Pro", "Office"]

    def test_a_bad_supplier_bin_is_shown_on_the_form_and_nothing_is_saved(self, client, department_user, clock):
        login(client, department_user)
        response = client.post("/en/procurement/contracts/new/", {"number": "ПЗ-7", "signed_on": "2025-06-02",
                                                                  "supplier_bin": "123456789012", "supplier_name": "ТОО"})
        assert response.status_code == 200 and "check digit" in response.content.decode()
        assert not ProcurementContract.objects.exists()

    def test_a_department_imports_a_file_on_the_page(self, client, department_user, school_a, clock, tmp_path):
        from procurement.services.importing import COLUMNS

        login(client, department_user)
        content = ",".join(COLUMNS) + f"\nПЗ-1,2025-06-02,{next_bin(year=11, month=4)},ТОО,26.20.11,Ноутбук,1000.00,{school_a.bin},2,2025-08-25,12,\n"
        path = tmp_path / "p.csv"
        path.write_text(content, encoding="utf-8")
        with open(path, "rb") as handle:
            response = client.post("/en/procurement/contracts/import/", {"file": handle})
        assert response.status_code == 302 and ContractLine.objects.count() == 1

    def test_the_department_claims_a_final_penalty_from_the_contract_page(self, client, data, department_user, school_user, clock):
        unit = data["pending"]
        DeliveryUnit.objects.filter(pk=unit.pk).update(
            status=UnitStatus.ACCEPTED, model_ok=True, works=True, software_ok=True, warranty_card=True, inspected_by=school_user,
            inspected_at=at(dt.date(2025, 9, 6)), decided_by=school_user, decided_at=at(dt.date(2025, 9, 6)))
        make_unit(delivery=data["delivery"], line=data["line"], status=UnitStatus.ACCEPTED, person=school_user,
                  decided_at=at(dt.date(2025, 9, 7)))
        login(client, department_user)
        page = client.get(f"/en/procurement/contracts/{data['contract'].pk}/").content.decode()
        assert f'data-testid="penalty-claim-{data["line"].pk}"' in page
        client.post(f"/en/procurement/lines/{data['line'].pk}/penalty/")
        # 250 000 × 0.1 % × (4 + 5 + 6) unit-days = 3 750.00
        assert PenaltyClaim.objects.get().amount == Decimal("3750.00")

    def test_a_monitor_changes_nothing(self, client, data, monitor_user):
        login(client, monitor_user)
        response = client.post(f"/en/procurement/contracts/{data['contract'].pk}/terminate/", {"reason": "x"})
        assert response.status_code == 403
        assert ProcurementContract.objects.get().status == ContractStatus.ACTIVE


@pytest.mark.django_db
class SchoolPageTests:
    def test_a_school_records_a_delivery_with_serial_numbers(self, client, data, school_user):
        login(client, school_user)
        response = client.post(f"/en/procurement/contracts/{data['contract'].pk}/deliveries/new/", {
            "delivered_on": "2025-09-10", "waybill_number": "ТТН-2", f"serials_{data['line'].pk}": "zz-1\n", "note": ""})
        assert response.status_code == 302
        assert Delivery.objects.count() == 2 and DeliveryUnit.objects.filter(serial_number="ZZ-1").exists()

    def test_too_many_serials_are_refused_on_the_form(self, client, data, school_user):
        login(client, school_user)
        response = client.post(f"/en/procurement/contracts/{data['contract'].pk}/deliveries/new/", {
            "delivered_on": "2025-09-10", f"serials_{data['line'].pk}": "A\nB\nC\n"})
        assert response.status_code == 200 and "still expected" in response.content.decode()

    def test_a_school_inspects_then_accepts_a_unit_with_htmx_and_the_row_is_swapped(self, client, data, school_user):
        login(client, school_user)
        unit = data["pending"]
        url = f"/en/procurement/units/{unit.pk}/"
        response = client.post(url + "accept/", {f"u{unit.pk}-confirm": "on"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and 'data-testid="unit-error"' in response.content.decode()
        response = client.post(url + "inspect/", {"model_ok": "on", "works": "on", "software_ok": "on", "warranty_card": "on"},
                               HTTP_HX_REQUEST="true")
        assert 'data-testid="unit-accept"' in response.content.decode()
        response = client.post(url + "accept/", {}, HTTP_HX_REQUEST="true")  # without the confirmation
        assert 'data-testid="unit-error"' in response.content.decode()
        response = client.post(url + "accept/", {f"u{unit.pk}-confirm": "on"}, HTTP_HX_REQUEST="true")
        assert response.content.decode().lstrip().startswith(f'<tr id="unit-{unit.pk}"')
        unit.refresh_from_db()
        assert unit.status == UnitStatus.ACCEPTED and unit.decided_by == school_user

    def test_a_failed_checklist_offers_only_the_rejection(self, client, data, school_user):
        login(client, school_user)
        unit = data["pending"]
        response = client.post(f"/en/procurement/units/{unit.pk}/inspect/", {"model_ok": "on", "works": "on"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert 'data-testid="unit-accept"' not in html and 'data-testid="unit-reject"' in html
        client.post(f"/en/procurement/units/{unit.pk}/reject/", {f"u{unit.pk}-reason": "no_software"})
        unit.refresh_from_db()
        assert unit.status == UnitStatus.REJECTED

    def test_a_school_files_a_warranty_claim_by_serial_number(self, client, data, school_user):
        WarrantyClaim.objects.update(status="closed", resolution="repaired", answered_on=dt.date(2025, 9, 7))
        login(client, school_user)
        response = client.post("/en/procurement/warranty/new/", {"serial_number": data["accepted"].serial_number.lower(),
                                                                 "description": "клавиатура"})
        assert response.status_code == 302 and WarrantyClaim.objects.filter(status="open").count() == 1
        response = client.post("/en/procurement/warranty/new/", {"serial_number": "NOPE", "description": "x"})
        assert response.status_code == 200 and "No unit accepted by your school" in response.content.decode()


@pytest.mark.django_db
class DeliveryHistoryTests:
    def test_the_delivery_page_shows_the_inspection_and_acceptance_of_its_units(self, client, data, school_user):
        from procurement import services

        unit = data["pending"]
        services.unit_inspect(unit=unit, actor=school_user, model_ok=True, works=True, software_ok=True, warranty_card=True)
        services.unit_accept(unit=unit, actor=school_user)
        page = login(client, school_user).get(f"/en/procurement/deliveries/{data['delivery'].pk}/").content.decode()
        history = page.split('data-testid="history"')[1]
        assert "Unit inspected" in history and "Unit accepted" in history and unit.serial_number in history


@pytest.mark.django_db
class ListSortingTests:
    """Every procurement list sorts by its columns both ways; an unknown sort is ignored."""

    def test_contracts_deliveries_penalties_claims_and_flags_sort_both_ways(self, client, region_astana, school_a, school_user,
                                                                            department_user, operator_user, clock):
        from procurement.models import FlagRun, ProcurementFlag
        from tests.sorting import assert_sorts

        clock.set(dt.date(2025, 9, 10))
        contracts = [make_contract(region=region_astana, number=number, signed_on=signed, supplier_name=name)
                     for number, signed, name in (("ПЗ-2", dt.date(2025, 6, 1), "Б"), ("ПЗ-3", dt.date(2025, 5, 1), "В"),
                                                  ("ПЗ-1", dt.date(2025, 7, 1), "А"))]
        lines = [make_line(contract=c, school=school_a) for c in contracts]
        deliveries = [make_delivery(contract=c, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 9, day))
                      for c, day in zip(contracts, (2, 1, 3), strict=True)]
        units = [make_unit(delivery=d, line=line, status=UnitStatus.ACCEPTED, person=school_user, decided_at=at(d.delivered_on))
                 for d, line in zip(deliveries, lines, strict=True)]
        penalties = [PenaltyClaim.objects.create(line=line, as_of=dt.date(2025, 9, 1), late_units=n, unit_days=10 * n,
                                                 amount=Decimal(amount), claimed_by=department_user)
                     for line, n, amount in zip(lines, (2, 3, 1), ("20.00", "10.00", "30.00"), strict=True)]
        claims = [WarrantyClaim.objects.create(unit=unit, filed_on=dt.date(2025, 9, day), filed_by=school_user, description="x",
                                               response_due_on=dt.date(2025, 9, 20 - day))
                  for unit, day in zip(units, (5, 4, 6), strict=True)]
        run = FlagRun.objects.create(as_of=dt.date(2025, 9, 10))
        flags = [ProcurementFlag.objects.create(code=code, key=f"k{n}", region=region_astana, first_raised_at=at(dt.date(2025, 9, n)),
                                                last_seen_at=at(dt.date(2025, 9, 10)), last_run=run)
                 for n, code in ((1, "PR03"), (2, "PR01"), (3, "PR02"))]

        def pks(rows, order):
            return [rows[i].pk for i in order]

        login(client, department_user)
        assert_sorts(client, "/en/procurement/contracts/", "number", pks(contracts, (2, 0, 1)))
        assert_sorts(client, "/en/procurement/contracts/", "signed_on", pks(contracts, (1, 0, 2)))
        assert_sorts(client, "/en/procurement/contracts/", "supplier", pks(contracts, (2, 0, 1)))
        assert_sorts(client, "/en/procurement/deliveries/", "delivered_on", pks(deliveries, (1, 0, 2)))
        assert_sorts(client, "/en/procurement/deliveries/", "contract", pks(deliveries, (2, 0, 1)))
        assert_sorts(client, "/en/procurement/penalties/", "amount", pks(penalties, (1, 0, 2)))
        assert_sorts(client, "/en/procurement/penalties/", "late_units", pks(penalties, (2, 0, 1)))
        assert_sorts(client, "/en/procurement/warranty/", "filed_on", pks(claims, (1, 0, 2)))
        assert_sorts(client, "/en/procurement/warranty/", "due", pks(claims, (2, 0, 1)))
        login(client, operator_user)
        ProcurementFlag.objects.create(code="PR01", key="closed", status="cleared", region=region_astana, last_run=run,
                                       first_raised_at=at(dt.date(2025, 9, 4)), last_seen_at=at(dt.date(2025, 9, 4)),
                                       cleared_at=at(dt.date(2025, 9, 5)))
        assert_sorts(client, "/en/procurement/flags/", "code", pks(flags, (1, 2, 0)))  # the open flags, as without a sort
        assert_sorts(client, "/en/procurement/flags/", "raised", pks(flags, (0, 1, 2)))
