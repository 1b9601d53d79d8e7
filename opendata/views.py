"""The public pages of the open data (no sign-in), drilling down from the country to a region to a school.

Every page is read from the public tables of the latest publication (``opendata.selectors``); charts
come with the table they draw.

A page's content changes only with the publication: each template keeps its content block in the shared
cache (``{% cache %}``) under ``page_key`` (the publication, the language, the URL, and the order of a sortable
table: ``sort``, one of the few orderings the page declares, never the raw query string) — not the search, whose
free-text query would let anyone fill the cache. The view hands the
template querysets (lazy) and ``Lazy`` values, so a page served from the cache runs no query but the
publication's and the 404 check's. The header (the user's menu, the CSRF token) is never cached.
"""

from __future__ import annotations

import hashlib

from django.db import connection
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.models import Region
from core.sorting import Sorting, SortState
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


# How long a page's content is kept (the key holds the publication: a new one is never served an old page).
PAGE_CACHE_SECONDS = 3600


class Lazy:
    """A context value computed the first time the template reads it — never, when the cached content is served."""

    def __init__(self, compute):
        self.compute = compute
        self.done = False

    def __call__(self):
        if not self.done:
            self.value, self.done = self.compute(), True
        return self.value


def _context(request, *, sort: SortState | None = None, **extra) -> dict:
    publication = selectors.latest_publication()
    parts = [connection.settings_dict["NAME"], str(publication.pk) if publication else "-",
             publication.finished_at.isoformat() if publication else "", get_language() or "",
             request.path,  # not the query string: junk must not fill the cache …
             sort.value if sort else ""]  # … but the ordering asked for, one of those the page declares
    return {"publication": publication, "page_key": hashlib.sha256("\n".join(parts).encode()).hexdigest(),
            "page_cache_seconds": PAGE_CACHE_SECONDS, "sort": sort, **extra}


def _queue_sorting(name_field: str) -> Sorting:
    return Sorting({"position": ("position", "id"), "school": (f"school__{name_field}", "position", "id"),
                    "status": ("status", "position", "id")}, default="position")


# An order's queue (an application per school at most: hundreds of rows), any column; the school's name sorts in the
# language it is shown in.
QUEUE_SORTING = {"kk": _queue_sorting("name_kk"), "": _queue_sorting("name_ru")}


def _region_bars() -> list[dict]:
    regions = selectors.region_rows()
    top = max((row["pupils"].pupils for row in regions if row["pupils"] and row["pupils"].pupils), default=0) or 1
    for row in regions:
        figure = row["pupils"]
        row["width"] = round(100 * figure.pupils / top, 1) if figure and figure.pupils else 0
    return regions


@require_GET
def country(request):
    return render(request, "opendata/country.html", _context(
        request, regions=Lazy(_region_bars), pupils=Lazy(selectors.country_pupils),
        monthly=Lazy(lambda: _bars(list(selectors.monthly_figures().filter(grain=Grain.COUNTRY).order_by("month")), "paid")),
        findings=Lazy(lambda: selectors.findings_by_code(grain=Grain.COUNTRY)),
        procurement=selectors.procurement_figures().order_by("-grain", "region_id"),  # regions, then the country
    ))


@require_GET
def region(request, code: str):
    try:
        region_obj = Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None
    return render(request, "opendata/region.html", _context(
        request, region=region_obj,
        pupils=Lazy(lambda: selectors.contingent_figures().filter(grain=Grain.REGION, region_id=code).first()),
        schools=Lazy(lambda: selectors.school_rows(region=code)),
        orders=selectors.orders().filter(region_id=code),
        contracts=selectors.contracts().filter(region_id=code).order_by("number"),
        monthly=Lazy(lambda: _bars(list(selectors.monthly_figures().filter(grain=Grain.REGION, region_id=code)
                                        .order_by("month")), "paid")),
        findings=Lazy(lambda: selectors.findings_by_code(grain=Grain.REGION, region_id=code)),
        procurement=selectors.procurement_figures().filter(grain=Grain.REGION, region_id=code),
    ))


@require_GET
def school(request, bin: str):
    try:
        school_obj = selectors.school_get(bin=bin)
    except PublicSchool.DoesNotExist:
        raise Http404 from None
    contingent = Lazy(lambda: list(selectors.contingent_figures().filter(school=school_obj)))
    return render(request, "opendata/school.html", _context(
        request, school=school_obj,
        licences=school_obj.licences.all(),
        levels=Lazy(lambda: selectors.levels_of([f for f in contingent() if f.level])),
        total=Lazy(lambda: next((f for f in contingent() if not f.level), None)),
        contracts=selectors.contracts().filter(school=school_obj).order_by("number"),
        payments=selectors.payments().filter(school=school_obj).order_by("month", "id"),
        monthly=Lazy(lambda: _bars(list(selectors.monthly_figures().filter(grain=Grain.CONTRACT, school=school_obj)
                                        .order_by("month", "contract__number")), "paid")),
        findings=Lazy(lambda: selectors.findings_by_code(grain=Grain.SCHOOL, school=school_obj)),
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
    queue, sort = QUEUE_SORTING["kk" if get_language() == "kk" else ""].apply(
        request, selectors.queue().filter(order=order_obj))
    return render(request, "opendata/order.html", _context(
        request, sort=sort, order=order_obj, queue=queue,
        contracts=selectors.contracts().filter(order=order_obj).order_by("number"),
    ))


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    schools = Lazy(lambda: list(selectors.school_list(query=query)[:100]) if query else [])
    return render(request, "opendata/search.html", _context(request, query=query, schools=schools))


def _files_by_table(publication) -> list:
    files = {}
    for file in selectors.bulk_files(publication):
        files.setdefault(file.table, {})[file.fmt] = file
    return [(table, files.get(table, {})) for table in TABLE_NAMES]


@require_GET
def downloads(request):
    context = _context(request, audit_heads=selectors.audit_heads()[:31])
    context["files"] = Lazy(lambda: _files_by_table(context["publication"]))
    return render(request, "opendata/downloads.html", context)
