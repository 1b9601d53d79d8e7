"""School pages: directory, a school's own profile, the operator's register uploads (a school's dossier,
which shows the checks' findings too, is the portal's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.decorators import permission_required, role_required
from core.errors import DomainError
from core.exports import FORMATS, export_response
from core.roles import Role
from core.scoping import may
from core.sorting import Sorting, page_query
from core.tabular import FileFormatError, RowsInvalid
from core.web import form_add_domain_error
from integrations.registers import FileTransport
from schools import selectors
from schools.choices import ChangeSource, RegisterKind
from schools.forms import RegisterUploadForm, SchoolProfileForm, SchoolSearchForm
from schools.importers import Action, plan_import
from schools.models import RegisterLoad, School
from schools.services import register_import, school_profile_update
from schools.uploads import discard_upload, get_upload, store_upload

# Pages that only show: who may open them (a superuser is an administrator). Writing is the decision's.
DIRECTORY_ROLES = (Role.DEPARTMENT, Role.OPERATOR, Role.MONITOR, Role.ADMIN)
REGISTER_READERS = (Role.OPERATOR, Role.MONITOR, Role.ADMIN)
PAGE_SIZE = 50
PREVIEW_LIMIT = 500


MAX_ID = 2**63 - 1


def _school_or_404(user, pk) -> School:
    if not 0 < int(pk) <= MAX_ID:
        raise Http404
    try:
        return selectors.school_get(user=user, pk=pk)
    except School.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def school_autocomplete(request):
    """The schools the user may see matching what is typed in a school filter, as ``<option>``s of its
    datalist (``schools.widgets.SchoolAutocomplete``; the box names its field in ``field``)."""
    field = request.GET.get("field") or "q"
    schools = selectors.school_suggestions(user=request.user, text=request.GET.get(field, ""))
    return render(request, "schools/_autocomplete_options.html", {"schools": schools})


def _school_sorting(name_field: str) -> Sorting:
    return Sorting({"bin": ("bin", "id"), "name": (name_field, "id"), "region": ("region_id", name_field, "id"),
                    "capacity": ("capacity", "id"), "status": ("status", name_field, "id"),
                    "open_errors": ("open_errors", name_field, "id")}, default="name")


# The directory's sortable columns: a small table (about 850 schools), any column without an index; the name
# sorts in the language it is shown in (Kazakh on Kazakh pages, else Russian).
SCHOOL_SORTING = {"kk": _school_sorting("name_kk"), "": _school_sorting("name_ru")}


@role_required(*DIRECTORY_ROLES)
def school_list(request):
    form = SchoolSearchForm(request.GET or None)
    filters = {key: value for key, value in request.GET.items() if key in form.fields and value}
    sorting = SCHOOL_SORTING["kk" if get_language() == "kk" else ""]
    schools = selectors.school_list(user=request.user, filters=filters).order_by(*sorting.ordering("name", False))
    schools, sort = sorting.apply(request, schools)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return _export_schools(schools, fmt)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(request, "schools/school_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count, "sort": sort,
    })


def _export_schools(schools, fmt: str):
    headers = [_("BIN"), _("name (Kazakh)"), _("name (Russian)"), _("region"), _("KATO code"), _("address"),
               _("activity code (OKED)"), _("licensed capacity (pupils)"), _("bank account (IBAN)"), _("bank"),
               _("BIC"), _("status"), _("open errors")]
    rows = ([s.bin, s.name_kk, s.name_ru, s.region_id, s.kato, s.address, s.oked, s.capacity, s.iban, s.bank_name,
             s.bic, s.get_status_display(), s.open_errors] for s in schools.iterator(chunk_size=500))
    return export_response(fmt=fmt, filename=f"schools-{timezone.localdate():%Y-%m-%d}", headers=headers, rows=rows)


@permission_required(School, "edit_profile")
def school_profile(request):
    school = _school_or_404(request.user, request.user.school_id)
    initial = {name: getattr(school, name) for name in ("director", "email", "phone", "iban", "bank_name", "bic")}
    form = SchoolProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            school_profile_update(school=school, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The school profile is saved."))
            return redirect("portal:school", pk=school.pk)  # the school's dossier (composed by the portal)
    return render(request, "schools/school_profile.html", {"school": school, "form": form})


# The register of unreliable suppliers: a few thousand entries nationally at most, any column.
SUPPLIER_SORTING = Sorting({"bin": ("bin", "included_on", "id"), "included_on": ("included_on", "bin", "id"),
                            "excluded_on": ("excluded_on", "bin", "id")}, default="-included_on")


@role_required(Role.DEPARTMENT, Role.SCHOOL, Role.OPERATOR, Role.MONITOR, Role.ADMIN)
def unreliable_supplier_list(request):
    bin_value = request.GET.get("bin", "").strip()[:12]
    entries = selectors.unreliable_supplier_list(user=request.user, filters={"bin": bin_value} if bin_value else None)
    entries, sort = SUPPLIER_SORTING.apply(request, entries.order_by("-included_on", "bin", "id"))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "schools/unreliable_suppliers.html", {
        "page": page, "bin": bin_value, "today": timezone.localdate(), "sort": sort, "query": page_query(request),
    })


@role_required(*REGISTER_READERS)
def registers(request):
    """The latest register loads (operators, administrators, monitors) and the upload form (who may load)."""
    may_upload = may(request.user, "load", RegisterLoad)
    form = RegisterUploadForm(request.POST or None, request.FILES or None) if may_upload else None
    if request.method == "POST" and form is not None and form.is_valid():
        stored = store_upload(request, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"])
        return redirect("schools:upload-preview", token=stored.token)
    loads = selectors.register_load_list(user=request.user)[:30]
    return render(request, "schools/registers.html", {"form": form, "loads": loads})


def _preview_context(stored, content: bytes) -> dict:
    transport = FileTransport(content, label=stored.name, kind=ChangeSource.UPLOAD)
    try:
        plan = plan_import(kind=stored.kind, transport=transport)
    except FileFormatError as exc:
        return {"file_error": str(exc), "plan": None}
    rows = {action: [row for row in plan.rows if row.action == action] for action in (Action.NEW, Action.CHANGED, Action.UNCHANGED)}
    return {
        "plan": plan, "counts": plan.counts, "new_rows": rows[Action.NEW][:PREVIEW_LIMIT],
        "changed_rows": rows[Action.CHANGED][:PREVIEW_LIMIT], "unchanged_rows": rows[Action.UNCHANGED][:PREVIEW_LIMIT],
        "limit": PREVIEW_LIMIT, "errors": plan.errors,
    }


@permission_required(RegisterLoad, "load")
def upload_preview(request, token: str):
    stored = get_upload(request, token)
    content = stored.read() if stored else None
    if content is None:
        messages.error(request, _("That upload is no longer available; upload the file again."))
        return redirect("schools:registers")
    context = {"stored": stored, "kind_label": RegisterKind(stored.kind).label, **_preview_context(stored, content)}
    return render(request, "schools/upload_preview.html", context)


@require_POST
@permission_required(RegisterLoad, "load")
def upload_confirm(request, token: str):
    stored = get_upload(request, token)
    content = stored.read() if stored else None
    if content is None:
        messages.error(request, _("That upload is no longer available; upload the file again."))
        return redirect("schools:registers")
    if request.POST.get("action") == "cancel":
        discard_upload(request, stored)
        messages.info(request, _("The upload was discarded; nothing was saved."))
        return redirect("schools:registers")
    transport = FileTransport(content, label=stored.name, kind=ChangeSource.UPLOAD)
    try:
        load, _plan = register_import(kind=stored.kind, transport=transport, actor=request.user)
    except (RowsInvalid, FileFormatError):
        # The data changed since the preview (or the file is wrong): show the preview again, as it is now.
        messages.error(request, _("The file has errors; nothing was saved."))
        return redirect("schools:upload-preview", token=stored.token)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("schools:upload-preview", token=stored.token)
    discard_upload(request, stored)
    messages.success(request, _("%(register)s loaded: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % {
        "register": load.get_kind_display(), "new": load.created_count, "changed": load.changed_count,
        "unchanged": load.unchanged_count})
    return redirect("schools:registers")


