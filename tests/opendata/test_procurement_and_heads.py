"""Issue 17: public procurement figures by region (contracted, accepted on time and late, late units, penalties);
issue 15: the audit chain head of each day in the open data. Both are public tables built by the one publication,
read by the pages, the open API and the bulk files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import PublishedHead
from opendata.choices import Grain
from opendata.models import ProcurementFigure, PublicAuditHead
from procurement.choices import PenaltyStatus, UnitStatus
from procurement.models import PenaltyClaim
from procurement.penalties import lateness
from tests.opendata.conftest import AS_OF
from tests.procurement.factories import at, make_contract, make_delivery, make_line, make_unit

pytestmark = pytest.mark.django_db


def publish():
    from opendata.services import publication_refresh

    return publication_refresh(trigger="command", as_of=AS_OF)


@pytest.fixture
def procurement(region_astana, region_almaty, school_a, school_b, school_user, other_school_user, department_user):
    """Astana: one contract, line A (3 units due 1 Nov: 2 accepted on 30 Oct, 1 on 5 Nov) and line B (2 units due
    10 Nov, none accepted), a penalty claimed and paid on A; Almaty: one contract, 4 units due in December."""
    astana = make_contract(region=region_astana, number="ПЗ-1")
    line_a = make_line(contract=astana, school=school_a, item_code="A", quantity=3, unit_price=Decimal("200000.00"),
                       delivery_due=dt.date(2025, 11, 1))
    line_b = make_line(contract=astana, school=school_a, item_code="B", quantity=2, unit_price=Decimal("150000.00"),
                       delivery_due=dt.date(2025, 11, 10))
    delivery = make_delivery(contract=astana, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 10, 28))
    for day in (dt.date(2025, 10, 30), dt.date(2025, 10, 30), dt.date(2025, 11, 5)):
        make_unit(delivery=delivery, line=line_a, status=UnitStatus.ACCEPTED, person=school_user, decided_at=at(day))
    PenaltyClaim.objects.create(line=line_a, as_of=dt.date(2025, 11, 5), late_units=1, unit_days=4, amount=Decimal("800.00"),
                                status=PenaltyStatus.PAID, paid_on=dt.date(2025, 11, 15), claimed_by=department_user)
    almaty = make_contract(region=region_almaty, number="ПЗ-2")
    make_line(contract=almaty, school=school_b, item_code="A", quantity=4, unit_price=Decimal("100000.00"),
              delivery_due=dt.date(2025, 12, 20))
    penalty_b = lateness(quantity=2, due=line_b.delivery_due, accepted=[], as_of=AS_OF, unit_price=line_b.unit_price).amount
    penalty_a = lateness(quantity=3, due=line_a.delivery_due, accepted=[dt.date(2025, 10, 30)] * 2 + [dt.date(2025, 11, 5)],
                         as_of=AS_OF, unit_price=line_a.unit_price).amount
    return {"penalty_astana": penalty_a + penalty_b}


def figures(row: ProcurementFigure) -> tuple:
    return (row.contracts, row.units, row.amount, row.units_on_time, row.units_accepted_late, row.units_late,
            row.penalty_due, row.penalties_claimed, row.penalties_paid)


class ProcurementFigureTests:
    def test_the_figures_of_each_region_and_the_country_follow_the_rules(self, procurement):
        publication = publish()
        astana = ProcurementFigure.objects.get(grain=Grain.REGION, region_id="71")
        # late: line A's unit accepted on 5 Nov (due 1 Nov) and line B's two units (due 10 Nov, none accepted by 20 Nov)
        assert figures(astana) == (1, 5, Decimal("900000.00"), 2, 1, 3, procurement["penalty_astana"], Decimal("800.00"),
                                   Decimal("800.00"))
        assert procurement["penalty_astana"] == Decimal("800.00") + Decimal("3000.00")  # 0.1 % × 200 000 × 4 days; × 150 000 × 2 × 10
        almaty = ProcurementFigure.objects.get(grain=Grain.REGION, region_id="75")
        assert figures(almaty) == (1, 4, Decimal("400000.00"), 0, 0, 0, Decimal("0.00"), 0, 0)
        country = ProcurementFigure.objects.get(grain=Grain.COUNTRY)
        assert figures(country) == tuple(a + b for a, b in zip(figures(astana), figures(almaty), strict=True))
        assert publication.counts["procurement"] == 3

    def test_the_open_api_the_bulk_file_and_the_pages_show_them(self, procurement, client):
        publish()
        body = client.get("/api/open/v1/procurement/", {"grain": "region", "region": "71"}).json()
        assert [(row["region"], row["units_late"], row["penalties_paid"]) for row in body["results"]] == [("71", 3, "800.00")]
        assert client.get("/api/open/v1/procurement/", {"region": "7"}).status_code == 400
        rows = list(csv.DictReader(io.StringIO(client.get(reverse("open-api:file", args=["procurement.csv"]))
                                               .getvalue().decode("utf-8-sig"))))
        assert [(row["grain"], row["region"], row["units"]) for row in rows] == [
            ("country", "", "9"), ("region", "71", "5"), ("region", "75", "4")]
        country = client.get(reverse("opendata:country")).content.decode()
        assert country.count('data-testid="open-procurement-row"') == 3
        region = client.get(reverse("opendata:region", args=["71"])).content.decode()
        assert region.count('data-testid="open-procurement-row"') == 1 and "900000" in region.replace("\xa0", "").replace(" ", "")


class AuditHeadTests:
    def test_the_published_heads_are_in_the_open_data_files_api_and_page(self, portal_data, client):
        from core.services import audit_head_publish

        audit_head_publish()  # the chain as it stands now (the events of portal_data)
        head = PublishedHead.objects.get()
        publish()
        public = PublicAuditHead.objects.get()
        assert (public.id, public.day, public.seq, public.hash) == (head.pk, head.day, head.seq, head.hash)
        assert public.statement == head.statement().decode() and not public.sealed
        body = client.get("/api/open/v1/audit-heads/").json()
        assert [(row["day"], row["seq"], row["hash"]) for row in body["results"]] == [(head.day.isoformat(), head.seq, head.hash)]
        assert client.get("/api/open/v1/audit-heads/", {"date_from": "2025-13-01"}).status_code == 400
        assert "audit-head" in client.get("/api/open/v1/").json()["links"]
        rows = json.loads(client.get(reverse("open-api:file", args=["audit_heads.json"])).getvalue())
        assert [(row["seq"], row["hash"]) for row in rows] == [(head.seq, head.hash)]
        page = client.get(reverse("opendata:downloads")).content.decode()
        assert 'data-testid="open-audit-head"' in page and head.hash in page


class RegionFilterTests:
    def test_the_figures_filter_by_region_code(self, published, client):
        """The region filter of the figures (contingent, findings, money) names the region by its KATO code."""
        for path in ("contingent", "findings", "monthly"):
            response = client.get(f"/api/open/v1/{path}/", {"grain": "region", "region": "71"})
            assert response.status_code == 200, (path, response.content[:300])
            assert {row["region"] for row in response.json()["results"]} <= {"71"}
