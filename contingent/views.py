"""Contingent pages: the list with filters, a pupil's enrolment, add / edit / mark as left, the
upload with a preview, and the NOBD snapshots. Views parse, authorize, call a service or a
selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contingent.choices import ImportStatus
from contingent.filters import EnrolmentFilterSet
from contingent.forms import EnrolmentAddForm, EnrolmentEditForm, LeaveForm, UploadForm
from contingent.models import ContingentImport, Enrolment
from contingent.samples import template_rows
from contingent.selectors import enrolment_get, enrolment_list, import_list, latest_snapshot, nobd_rows_for, snapshot_list
from contingent.services.enrolments import enrolment_add, enrolment_leave, enrolment_update
from contingent.services.imports import (
    RUNNING_STATUSES,
    contingent_upload,
    contingent_upload_confirm,
    contingent_upload_discard,
    import_progress,
)
from core.decorators import page_require, role_required
from core.errors import DomainError
from core.exports import export_response
from core.pagination import keyset_page
from core.roles import NATIONWIDE_ROLES, Role
from core.scoping import allowed_actions, effective_role, may
from core.sorting import Sorting, page_query
from core.web import attempt, form_add_domain_error
from programmes.choices import BeneficiaryKind


def _school_user(request, action: str, model):
    """The user's school, when it may ``action`` (a school writes only its own contingent)."""
    page_require(request.user, action, model)
    school = request.user.school
    page_require(request.user, action, model(school=school))
    return school


def _enrolment(request, pk) -> Enrolment:
    try:
        return enrolment_get(user=request.user, pk=pk)
    except Enrolment.DoesNotExist:
        raise Http404 from None


# The contingent's sortable columns, each on its index (``enrolment_by_grade``, ``enrolment_by_enrolled_on``,
# ``enrolment_by_left_on``), the orderings the API offers too; tests/test_explain.py reads their plans.
ENROLMENT_SORTING = Sorting({"grade": ("grade", "id"), "enrolled_on": ("enrolled_on", "id"), "left_on": ("left_on", "id")})
# NOBD snapshots: one a night (their rows pruned, the record kept), a small table: any column.
SNAPSHOT_SORTING = Sorting({"taken_on": ("taken_on", "id"), "rows": ("row_count", "id"),
                            "status": ("status", "-taken_on", "-id")}, default="-taken_on")

EXPORT_HEADERS = ["iin", "last_name", "first_name", "middle_name", "birth_date", "grade", "enrolled_on", "left_on",
                  "category", "school_bin", "open_findings"]


@login_required
@require_GET
def enrolment_list_view(request):
    queryset = enrolment_list(user=request.user)
    filterset = EnrolmentFilterSet(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        rows = queryset.none()
    else:
        rows = filterset.qs
    rows, sort = ENROLMENT_SORTING.apply(request, rows)
    fmt = request.GET.get("export")
    if fmt:
        return export_response(fmt=fmt, filename="contingent", headers=EXPORT_HEADERS, rows=(
            (e.pupil.iin, e.pupil.last_name, e.pupil.first_name, e.pupil.middle_name, e.pupil.birth_date, e.grade,
             e.enrolled_on, e.left_on, e.category, e.school.bin, e.open_findings) for e in rows.iterator(chunk_size=2000)
        ))
    page = keyset_page(request, rows, 50)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    context = {
        "filter": filterset, "page": page, "query": query.urlencode(), "sort": sort,
        "is_school": effective_role(request.user) == Role.SCHOOL,
        "show_school": effective_role(request.user) != Role.SCHOOL,
        "snapshot": latest_snapshot(),
        "recent_imports": import_list(user=request.user)[:5] if effective_role(request.user) == Role.SCHOOL else [],
    }
    return render(request, "contingent/enrolment_list.html", context)


@login_required
@require_GET
def enrolment_detail_view(request, pk: int):
    enrolment = _enrolment(request, pk)
    may_edit = may(request.user, "change", enrolment)
    # The pupil's findings (the checks' data) are loaded by the page from the portal.
    return render(request, "contingent/enrolment_detail.html", {
        "enrolment": enrolment, "pupil": enrolment.pupil, "may_edit": may_edit,
    })


@login_required
@require_GET
def enrolment_nobd_view(request, pk: int):
    """What the latest NOBD snapshot says about the pupil (loaded on demand, it reads the snapshot)."""
    enrolment = _enrolment(request, pk)
    snapshot = latest_snapshot()
    return render(request, "contingent/_nobd_rows.html", {
        "enrolment": enrolment, "snapshot": snapshot, "rows": nobd_rows_for(iin=enrolment.pupil.iin, snapshot=snapshot),
    })


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_add_view(request):
    school = _school_user(request, "add", Enrolment)
    form = EnrolmentAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = enrolment_add(school=school, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("%(pupil)s is enrolled.") % {"pupil": enrolment.pupil})
            return redirect("contingent:enrolment_detail", pk=enrolment.pk)
    return render(request, "contingent/enrolment_form.html", {"form": form, "title": _("Add a pupil")})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_edit_view(request, pk: int):
    enrolment = _enrolment(request, pk)
    page_require(request.user, "change", enrolment)
    pupil = enrolment.pupil
    initial = {"last_name": pupil.last_name, "first_name": pupil.first_name, "middle_name": pupil.middle_name,
               "grade": enrolment.grade, "category": enrolment.category, "enrolled_on": enrolment.enrolled_on,
               "left_on": enrolment.left_on}
    form = EnrolmentEditForm(request.POST or None, initial=initial, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_update(enrolment=enrolment, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The enrolment is saved."))
            return redirect("contingent:enrolment_detail", pk=enrolment.pk)
    return render(request, "contingent/enrolment_form.html", {
        "form": form, "title": _("Edit the enrolment of %(pupil)s") % {"pupil": pupil}, "enrolment": enrolment,
    })


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_leave_view(request, pk: int):
    enrolment = _enrolment(request, pk)
    page_require(request.user, "leave", enrolment)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_leave(enrolment=enrolment, actor=request.user, left_on=form.cleaned_data["left_on"],
                            reason=form.cleaned_data["reason"])
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("%(pupil)s is marked as having left.") % {"pupil": enrolment.pupil})
            return redirect("contingent:enrolment_detail", pk=enrolment.pk)
    return render(request, "contingent/enrolment_form.html", {
        "form": form, "title": _("Mark %(pupil)s as having left") % {"pupil": enrolment.pupil}, "enrolment": enrolment,
    })


@login_required
@require_http_methods(["GET", "POST"])
def upload_view(request):
    school = _school_user(request, "upload", ContingentImport)
    form = UploadForm(request.POST or None, request.FILES or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            record = contingent_upload(school=school, actor=request.user, upload=form.cleaned_data["file"],
                                       kind=form.cleaned_data["kind"])
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            return redirect("contingent:import_detail", pk=record.pk)
    return render(request, "contingent/upload.html", {"form": form})


@login_required
@require_GET
def upload_template_view(request, kind: str, fmt: str):
    """The file template of ``kind`` (its columns and one example row) as CSV or XLSX."""
    if kind not in BeneficiaryKind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    columns, rows = template_rows(kind)
    return export_response(fmt=fmt, filename=f"contingent-{kind}-template", headers=columns, rows=rows)


def _import(request, pk) -> ContingentImport:
    try:
        return import_list(user=request.user).get(pk=pk)
    except ContingentImport.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def import_detail_view(request, pk: int):
    record = _import(request, pk)
    may_decide = "apply" in allowed_actions(request.user, record)
    retry = None  # a failed upload offers its school the upload form again, on the same page
    if record.errors and effective_role(request.user) == Role.SCHOOL and may(request.user, "upload", ContingentImport(
            school=request.user.school)):
        retry = UploadForm(school=request.user.school, initial={"kind": record.kind})
    return render(request, "contingent/import_detail.html", {
        "record": record, "preview": record.summary.get("preview", []), "may_decide": may_decide, "retry_form": retry,
        "progress": import_progress(record), "running": record.status in RUNNING_STATUSES,
    })


@login_required
@require_GET
def import_progress_view(request, pk: int):
    """The progress panel, polled by HTMX every two seconds while a task checks or saves the file;
    once it is done the whole page reloads (``HX-Refresh``) to show the preview or the result."""
    record = _import(request, pk)
    response = render(request, "contingent/_import_progress.html", {"record": record, "progress": import_progress(record),
                                                                      "running": record.status in RUNNING_STATUSES})
    if record.status not in RUNNING_STATUSES:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm_view(request, pk: int):
    record = _import(request, pk)
    ok, confirmed = attempt(request, lambda: contingent_upload_confirm(record=record, actor=request.user))
    if ok and confirmed.status == ImportStatus.APPLYING:
        messages.info(request, _("The contingent is being saved; this page shows when it is done."))
        return redirect("contingent:import_detail", pk=record.pk)
    if ok:
        summary = confirmed.summary
        messages.success(request, _("The contingent is saved: %(added)s enrolments added, %(updated)s changed.") % {
            "added": summary.get("enrolments_added", 0), "updated": summary.get("enrolments_updated", 0)})
        return redirect("contingent:enrolment_list")
    return redirect("contingent:import_detail", pk=record.pk)


@login_required
@require_POST
def import_discard_view(request, pk: int):
    record = _import(request, pk)
    if not attempt(request, lambda: contingent_upload_discard(record=record, actor=request.user))[0]:
        return redirect("contingent:import_detail", pk=record.pk)
    messages.info(request, _("The upload is discarded; nothing was saved."))
    return redirect("contingent:enrolment_list")


@role_required(*NATIONWIDE_ROLES)
@require_GET
def snapshot_list_view(request):
    snapshots, sort = SNAPSHOT_SORTING.apply(request, snapshot_list(user=request.user).select_related("imported_by"))
    page = Paginator(snapshots, 25).get_page(request.GET.get("page"))
    return render(request, "contingent/snapshot_list.html", {"page": page, "sort": sort, "query": page_query(request)})
