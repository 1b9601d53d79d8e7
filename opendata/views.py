"""The public pages of the open data (no sign-in), drilling down from the country to a region to a school.

Every page is read from the public tables of the latest publication (``opendata.selectors``); charts
come with the table they draw.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.models import Region
from opendata import selectors
from opendata.choices import Grain
from opendata.files import TABLE_NAMES
from opendata.models import PublicOrder, PublicSchool

MAX_ID = 2**63 - 1


def _bars(rows, field: str) -> list[dict]:
    """Rows with the bar width (percent of the largest shown value) of ``field``; a withheld value has no bar."""
    values = [getattr(row, field) for row in rows if getattr(row, field) is not None]
    top = max(values, default=0) or 1
    return [{"row": row, "width": 0 if getattr(row, field) is None else round(100 * getattr(row, field) / top, 1)}
            for row in rows]


def _context(**extra) -> dict:
    return {"publication": selectors.latest_publication(), **extra}


@require_GET
def country(request):
    regions = selectors.region_rows()
    monthly = list(selectors.monthly_figures().filter(grain=Grain.COUNTRY).order_by("month"))
    top = max((row["pupils"].pupils for row in regions if row["pupils"] and row["pupils"].pupils), default=0) or 1
    for row in regions:
        figure = row["pupils"]
        row["width"] = round(100 * figure.pupils / top, 1) if figure and figure.pupils else 0
    return render(request, "opendata/country.html", _context(
        regions=regions, pupils=selectors.country_pupils(), monthly=_bars(monthly, "paid"),
        findings=selectors.findings_by_code(grain=Grain.COUNTRY),
    ))


@require_GET
def region(request, code: str):
    try:
        region_obj = Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None
    monthly = list(selectors.monthly_figures().filter(grain=Grain.REGION, region_id=code).order_by("month"))
    return render(request, "opendata/region.html", _context(
        region=region_obj,
        pupils=selectors.contingent_figures().filter(grain=Grain.REGION, region_id=code).first(),
        schools=selectors.school_rows(region=code),
        orders=selectors.orders().filter(region_id=code),
        contracts=selectors.contracts().filter(region_id=code).order_by("number"),
        monthly=_bars(monthly, "paid"),
        findings=selectors.findings_by_code(grain=Grain.REGION, region_id=code),
    ))


@require_GET
def school(request, bin: str):
    try:
        school_obj = selectors.school_get(bin=bin)
    except PublicSchool.DoesNotExist:
        raise Http404 from None
    contingent = list(selectors.contingent_figures().filter(school=school_obj))
    monthly = list(selectors.monthly_figures().filter(grain=Grain.CONTRACT, school=school_obj).order_by("month", "contract__number"))
    return render(request, "opendata/school.html", _context(
        school=school_obj,
        licences=school_obj.licences.all(),
        levels=selectors.levels_of([f for f in contingent if f.level]),
        total=next((f for f in contingent if not f.level), None),
        contracts=selectors.contracts().filter(school=school_obj).order_by("number"),
        payments=selectors.payments().filter(school=school_obj).order_by("month", "id"),
        monthly=_bars(monthly, "paid"),
        findings=selectors.findings_by_code(grain=Grain.SCHOOL, school=school_obj),
        queue=selectors.queue().filter(school=school_obj),
    ))


@require_GET
def order(request, pk: int):
    if not 0 < int(pk) <= MAX_ID:
        raise Http404
    try:
        order_obj = selectors.orders().get(pk=pk)
    except PublicOrder.DoesNotExist:
        raise Http404 from None
    return render(request, "opendata/order.html", _context(
        order=order_obj, queue=selectors.queue().filter(order=order_obj),
        contracts=selectors.contracts().filter(order=order_obj).order_by("number"),
    ))


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    schools = list(selectors.school_list(query=query)[:100]) if query else []
    return render(request, "opendata/search.html", _context(query=query, schools=schools))


@require_GET
def downloads(request):
    publication = selectors.latest_publication()
    files = {}
    for file in selectors.bulk_files(publication):
        files.setdefault(file.table, {})[file.fmt] = file
    return render(request, "opendata/downloads.html", _context(
        files=[(table, files.get(table, {})) for table in TABLE_NAMES]))
