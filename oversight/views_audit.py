"""Audit trail pages: the filtered list with export and the chain check (monitors, operators,
administrators; departments their region), and the public list of published chain heads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.errors import DomainError
from core.exports import FORMATS, export_response
from core.models import PublishedHead
from core.pagination import keyset_page
from core.sorting import Sorting
from core.web import error_text
from oversight import selectors
from oversight.api.views import verify_payload
from oversight.exports import audit_export_check, audit_export_rows
from oversight.forms import AuditSearchForm
from oversight.presenters import describe

PAGE_SIZE = 50
# The audit trail's sortable column: the number in the chain (the order of the events), both ways, on its unique index.
AUDIT_SORTING = Sorting({"seq": ("seq",)}, default="-seq")
FILTER_KEYS = ("school", "school_bin", "object_type", "object_id", "actor", "action", "date_from", "date_to")


def _filters(request) -> dict:
    return {key: request.GET.getlist(key) if key == "action" else request.GET.get(key)
            for key in FILTER_KEYS if request.GET.get(key)}


def _reader(request):
    if not selectors.may_read_audit(request.user):
        raise PermissionDenied


@require_safe
@login_required
def audit_list(request):
    _reader(request)
    filters = _filters(request)
    form = AuditSearchForm(filters)
    form.is_valid()
    events, sort = AUDIT_SORTING.apply(request, selectors.audit_event_list(user=request.user, filters=filters))
    fmt = request.GET.get("export")
    export_error = None
    if fmt in FORMATS:
        try:
            audit_export_check(request.GET)
        except DomainError as error:
            export_error = error_text(error)
        else:
            return export_response(fmt=fmt, filename=f"audit-{timezone.localdate():%Y-%m-%d}", **audit_export_rows(events))
    page = keyset_page(request, events, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    query.pop("export", None)
    rows = [(event, describe(event)) for event in selectors.with_subjects(page)]
    return render(request, "oversight/audit_list.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(), "total": page.total, "sort": sort,
        "everything": selectors.sees_everything(request.user), "export_error": export_error,
    }, status=400 if export_error else 200)


@require_safe
@login_required
def actor_autocomplete(request):
    """The people matching what is typed in the "who" box, as ``<option>``s of its datalist (the value is the
    name as pages show it, which the filter reads back: ``oversight.filters.actor_q``)."""
    _reader(request)
    field = request.GET.get("field") or "actor"
    people = selectors.actor_suggestions(user=request.user, text=request.GET.get(field, "")[:300])
    return render(request, "oversight/_actor_options.html", {"people": people})


@require_safe
@login_required
def audit_verify(request):
    """Re-compute the chain now and show the result (200,000 events take about 3 s: no background task needed)."""
    _reader(request)
    return render(request, "oversight/_verify_result.html", {"result": verify_payload()})


@require_safe
def audit_heads(request):
    """Public: the published heads of the audit chain, with their timestamps."""
    page = Paginator(PublishedHead.objects.order_by("-seq"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/audit_heads.html", {"page": page})
