"""One programme of each instrument through the whole rail, through the API: call, application, contract,
beneficiaries, act, acceptance, payment — amounts by each instrument's money rule, to the tiyn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.calendar import school_year_of
from tests.acts.factories import make_iban
from tests.factories import make_school, make_user
from tests.programmes.factories import NORMS, beneficiaries_csv, person

# The last whole school year before today: every month and term of it is over.
YEAR = school_year_of(timezone.localdate()) - 1
OCTOBER = f"{YEAR}-10"


def _ok(response, code=200):
    assert response.status_code == code, response.json()
    return response.json()


def _programme(api, instrument: str, **fields) -> int:
    """A department's programme of ``instrument``, activated (the state order's programme already exists)."""
    if instrument == "school_per_capita":
        return _ok(api.get("/api/v1/programmes/?instrument=school_per_capita"))["results"][0]["id"]
    norms = [{"key": key, "amount": amount, "label_kk": key, "label_ru": key} for key, amount in NORMS[instrument].items()]
    terms = [{"name": "Autumn", "start": f"{YEAR}-09-01", "end": f"{YEAR}-12-31"},
             {"name": "Spring", "start": f"{YEAR + 1}-01-01", "end": f"{YEAR + 1}-05-31"}] if instrument == "grant" else []
    created = _ok(api.post("/api/v1/programmes/", {
        "code": f"T-{instrument[:10]}", "name_kk": "Бағдарлама", "name_ru": "Программа", "instrument": instrument,
        "norms": norms, "terms": terms, **fields}, format="json"), 201)
    assert created["status"] == "draft" and created["region"] == "71"
    return _ok(api.post(f"/api/v1/programmes/{created['id']}/activate/"))["id"]


def _rail(api_as, *, instrument, provider_kind, kind, places, rows, period, department, operators, **programme):
    """Drive one programme through every step; returns (contract, act, lines, payment) as the API answered."""
    dept = api_as(department)
    provider = make_school(region=department.region, name=f"Ұйым {instrument}", kind=provider_kind, iban=make_iban(),
                           oked="55.90" if provider_kind == "dormitory" else "85.41")
    provider_api = api_as(make_user(f"provider_{instrument}", role="school", school=provider))
    programme_id = _programme(dept, instrument, provider_kind=provider_kind, **programme)
    now = timezone.now()
    norms = NORMS[instrument]
    order = _ok(dept.post("/api/v1/state-orders/", {
        "programme": programme_id, "school_year": YEAR, "programme_code": "226-100", "budget": "100000000.00",
        "sen_coefficient": "1.50", "applications_open_at": (now - dt.timedelta(hours=1)).isoformat(),
        "applications_close_at": (now + dt.timedelta(days=10)).isoformat(), "service_start": f"{YEAR}-09-01",
        "service_end": f"{YEAR + 1}-05-31",
        "levels": [{"level": key, "places": 10, "monthly_norm": norm} for key, norm in norms.items()]}, format="json"), 201)
    assert order["instrument"] == instrument
    _ok(dept.post(f"/api/v1/state-orders/{order['id']}/publish/"))
    application = _ok(provider_api.post("/api/v1/applications/", {
        "order": order["id"], "levels": [{"level": key, "places": count} for key, count in places.items()]}, format="json"), 201)
    contract_id = _ok(dept.post(f"/api/v1/applications/{application['id']}/approve/", {}, format="json"))["contract"]
    sha = _ok(provider_api.get(f"/api/v1/contracts/{contract_id}/"))["document"]["sha256"]
    _ok(provider_api.post(f"/api/v1/contracts/{contract_id}/sign/", {"document_sha256": sha}, format="json"))
    contract = _ok(dept.post(f"/api/v1/contracts/{contract_id}/sign/", {"document_sha256": sha}, format="json"))
    assert contract["status"] == "active"

    upload = SimpleUploadedFile("list.csv", beneficiaries_csv(kind, rows), content_type="text/csv")
    imported = _ok(provider_api.post("/api/v1/contingent-imports/", {"file": upload, "kind": kind}, format="multipart"), 201)
    assert imported["status"] == "pending" and imported["kind"] == kind, imported
    _ok(provider_api.post(f"/api/v1/contingent-imports/{imported['id']}/confirm/"))

    act = _ok(provider_api.post("/api/v1/acts/", {"contract": contract_id, "month": period}, format="json"), 201)
    act = _ok(provider_api.post(f"/api/v1/acts/{act['id']}/submit/"))
    lines = _ok(dept.get(f"/api/v1/act-lines/?act={act['id']}&page_size=100"))["results"]
    _ok(dept.post(f"/api/v1/acts/{act['id']}/decide-lines/", {"decision": "accepted", "selection": "pending_payable"},
                  format="json"))
    sample = _ok(dept.post(f"/api/v1/acts/{act['id']}/draw-sample/"))  # acceptance after inspection
    for line in sample["lines"]:
        _ok(dept.post(f"/api/v1/acts/{act['id']}/inspect-line/", {"line": line["line"], "result": "present"}, format="json"))
    act = _ok(dept.post(f"/api/v1/acts/{act['id']}/accept/"))
    first, second = (api_as(user) for user in operators)
    payment = _ok(first.post("/api/v1/payments/", {"act": act["id"]}, format="json"), 201)
    payment = _ok(second.post(f"/api/v1/payments/{payment['id']}/approve/"))
    return contract, act, lines, payment


def _amounts(lines) -> dict[str, Decimal]:
    return {line["iin"]: Decimal(line["amount"]) for line in lines}


@pytest.mark.django_db
class ProgrammeRailTests:
    @pytest.fixture
    def operators(self, operator_user, second_operator_user):
        return operator_user, second_operator_user

    def test_a_dormitory_is_paid_per_occupied_place_per_month_prorated_by_days(self, api_as, department_user, operators):
        whole, late = person(1), person(2, enrolled_on=dt.date(YEAR, 10, 16))
        left_before = person(3, left_on=dt.date(YEAR, 9, 30))
        contract, act, lines, payment = _rail(
            api_as, instrument="dormitory_place", provider_kind="dormitory", kind="resident", places={"place": 2},
            rows=[whole, late, left_before], period=OCTOBER, department=department_user, operators=operators)
        assert Decimal(contract["total_amount"]) == Decimal("810000.00")  # 2 places × 45 000 × 9 months
        assert contract["periods"] == 9
        # 45 000 × 31/31 and 45 000 × 16/31 = 23 225.806… → 23 225.81; the one who left in September is not billed.
        assert _amounts(lines) == {whole["iin"]: Decimal("45000.00"), late["iin"]: Decimal("23225.81")}
        assert {line["level"] for line in lines} == {"place"} and [line["days"] for line in lines] == [31, 16]
        assert Decimal(act["total_amount"]) == Decimal(payment["amount"]) == Decimal("68225.81")
        assert payment["status"] == "approved"

    def test_a_college_is_paid_a_whole_stipend_for_a_holder_enrolled_on_any_day_of_the_month(
            self, api_as, department_user, operators):
        regular = person(1, category="regular")
        increased = person(2, category="increased", enrolled_on=dt.date(YEAR, 10, 28))
        social = person(3, category="social", left_on=dt.date(YEAR, 10, 3))
        contract, act, lines, payment = _rail(
            api_as, instrument="scholarship", provider_kind="college", kind="scholarship_holder",
            places={"regular": 2, "increased": 1, "social": 1}, rows=[regular, increased, social], period=OCTOBER,
            department=department_user, operators=operators)
        assert Decimal(contract["total_amount"]) == Decimal("1197000.00")  # (2×28 000 + 35 000 + 42 000) × 9
        assert _amounts(lines) == {regular["iin"]: Decimal("28000.00"), increased["iin"]: Decimal("35000.00"),
                                   social["iin"]: Decimal("42000.00")}
        assert {line["level"]: line["days"] for line in lines} == {"regular": 31, "increased": 31, "social": 31}
        assert Decimal(act["total_amount"]) == Decimal(payment["amount"]) == Decimal("105000.00")

    def test_a_scholarship_programme_may_prorate_by_days_instead(self, api_as, department_user, operators):
        late = person(1, category="increased", enrolled_on=dt.date(YEAR, 10, 28))
        _contract, _act, lines, payment = _rail(
            api_as, instrument="scholarship", provider_kind="college", kind="scholarship_holder",
            places={"regular": 1, "increased": 1, "social": 1}, rows=[late], period=OCTOBER, department=department_user,
            operators=operators, proration="days")
        assert _amounts(lines) == {late["iin"]: Decimal("4516.13")}  # 35 000 × 4/31 = 4 516.129…
        assert Decimal(payment["amount"]) == Decimal("4516.13")

    def test_a_university_is_paid_per_grant_holder_per_term_at_the_norm_of_the_specialty_group(
            self, api_as, department_user, operators):
        pedagogy = person(1, specialty_group="B001")
        computing = person(2, specialty_group="B057", enrolled_on=dt.date(YEAR, 11, 15))
        contract, act, lines, payment = _rail(
            api_as, instrument="grant", provider_kind="university", kind="grant_holder", places={"B001": 1, "B057": 1},
            rows=[pedagogy, computing], period=f"{YEAR}-09", department=department_user, operators=operators)
        assert contract["periods"] == 2 and Decimal(contract["total_amount"]) == Decimal("2100000.00")
        assert (act["month"], act["period_end"]) == (f"{YEAR}-09", f"{YEAR}-12-31")
        assert _amounts(lines) == {pedagogy["iin"]: Decimal("450000.00"), computing["iin"]: Decimal("600000.00")}
        assert {line["days_in_month"] for line in lines} == {122}  # the term's days, all paid
        assert Decimal(act["total_amount"]) == Decimal(payment["amount"]) == Decimal("1050000.00")

    def test_the_state_order_keeps_the_contract_money_rule_for_pupils(self, api_as, department_user, operators):
        primary = person(1, born=dt.date(YEAR - 9, 3, 1), grade=3)
        sen = person(2, born=dt.date(YEAR - 13, 3, 1), grade=7, category="sen", enrolled_on=dt.date(YEAR, 10, 10))
        contract, act, lines, payment = _rail(
            api_as, instrument="school_per_capita", provider_kind="school", kind="pupil",
            places={"primary": 1, "basic": 1}, rows=[primary, sen], period=OCTOBER, department=department_user,
            operators=operators)
        assert Decimal(contract["total_amount"]) == Decimal("1845000.00")  # (95 000 + 110 000) × 9
        # 95 000 × 31/31; 110 000 × 1.50 × 22/31 = 117 096.774… → 117 096.77
        assert _amounts(lines) == {primary["iin"]: Decimal("95000.00"), sen["iin"]: Decimal("117096.77")}
        assert Decimal(act["total_amount"]) == Decimal(payment["amount"]) == Decimal("212096.77")
