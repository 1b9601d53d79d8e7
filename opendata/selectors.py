"""Reads of the open data: every public page and API answer comes through here, from the public tables only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from opendata import models as public
from opendata.choices import Grain, PublicationStatus
from schools.choices import Level

ANONYMOUS = AnonymousUser()


def _public(model):
    # Everyone, signed in or not, sees the same open data (the models' scope is PUBLIC).
    return model.objects.visible_to(ANONYMOUS)


def latest_publication() -> public.Publication | None:
    """The publication being served: the latest that succeeded."""
    return _public(public.Publication).filter(status=PublicationStatus.SUCCEEDED).order_by("-id").first()


def school_list(*, query: str = "", region: str | None = None):
    schools = _public(public.PublicSchool).select_related("region")
    if region:
        schools = schools.filter(region_id=region)
    query = query.strip()
    if query:
        schools = schools.filter(Q(bin=query) | Q(bin__startswith=query) if query.isdigit()
                                 else Q(name_ru__icontains=query) | Q(name_kk__icontains=query))
    return schools.order_by("name_ru", "id")


def school_get(*, bin: str) -> public.PublicSchool:
    return _public(public.PublicSchool).select_related("region").get(bin=bin)


def contingent_figures():
    return _public(public.ContingentFigure).select_related("school", "region")


def finding_figures():
    return _public(public.FindingFigure).select_related("school", "region")


def orders():
    return _public(public.PublicOrder).select_related("region").prefetch_related("levels")


def queue():
    return (_public(public.PublicApplication).select_related("school", "order", "region").prefetch_related("levels")
            .order_by("order_id", "position"))


def contracts():
    return _public(public.PublicContract).select_related("school", "region").prefetch_related("levels")


def monthly_figures():
    return _public(public.MonthlyFigure).select_related("contract", "school", "region")


def payments():
    return _public(public.PublicPayment).select_related("contract", "school", "region")


def bulk_files(publication):
    return _public(public.BulkFile).filter(publication=publication) if publication else public.BulkFile.objects.none()


def ocds_releases():
    return _public(public.OcdsRelease)


def ocds_records():
    return _public(public.OcdsRecord)


# --- composites for the pages ----------------------------------------------------------------

def region_rows() -> list[dict]:
    """The country page's table: per region, schools, pupils, orders' budget, contracts and their amount."""
    from django.db.models import Count, Sum

    from core.models import Region

    pupils = {f.region_id: f for f in contingent_figures().filter(grain=Grain.REGION)}
    schools = dict(_public(public.PublicSchool).values_list("region_id").annotate(n=Count("id")))
    budgets = dict(_public(public.PublicOrder).values_list("region_id").annotate(total=Sum("budget")))
    contracts = {row["region_id"]: row for row in _public(public.PublicContract).values("region_id")
                 .annotate(n=Count("id"), amount=Sum("total_amount"), places=Sum("places")).order_by()}
    rows = []
    for region in Region.objects.order_by("code"):
        contract = contracts.get(region.code, {})
        rows.append({"region": region, "schools": schools.get(region.code, 0), "pupils": pupils.get(region.code),
                     "budget": budgets.get(region.code), "contracts": contract.get("n", 0),
                     "contracted": contract.get("amount"), "places": contract.get("places", 0)})
    return rows


def country_pupils() -> public.ContingentFigure | None:
    return contingent_figures().filter(grain=Grain.COUNTRY).first()


def school_rows(*, region: str) -> list[dict]:
    """A region page's schools: pupils, contracts and their amount."""
    from django.db.models import Count, Sum

    pupils = {f.school_id: f for f in contingent_figures().filter(grain=Grain.SCHOOL, level="", region_id=region)}
    contracts = {row["school_id"]: row for row in _public(public.PublicContract).filter(region_id=region).values("school_id")
                 .annotate(n=Count("id"), amount=Sum("total_amount")).order_by()}
    return [{"school": school, "pupils": pupils.get(school.pk), "contracts": contracts.get(school.pk, {}).get("n", 0),
             "contracted": contracts.get(school.pk, {}).get("amount")}
            for school in school_list(region=region)]


def findings_by_code(**filters) -> list:
    return list(finding_figures().filter(**filters).order_by("code"))


def levels_of(figures) -> list:
    """Figures by level in teaching order (primary, basic, general)."""
    order = {level: index for index, level in enumerate(Level.values)}
    return sorted(figures, key=lambda figure: order.get(figure.level, len(order)))
