"""Pages of procurement oversight: contracts, deliveries and their inspection, penalties, warranty, red flags.

Thin: parse, call a selector or one service, render. The services check roles and states; a refusal
comes back as a form error or a message (``core.web``).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import page_require, permission_required, role_required
from core.errors import DomainError
from core.roles import Role
from core.scoping import effective_role, may
from core.selectors import audit_events_for
from core.sorting import Sorting
from core.web import attempt, error_text, form_add_domain_error
from oversight.choices import SubjectKind
from oversight.models import MonitoringCase
from oversight.selectors import cases_about
from procurement import selectors, services
from procurement.actions import available, contract_actions, unit_actions
from procurement.choices import ClaimStatus, FlagCode, FlagStatus, PenaltyStatus, UnitStatus
from procurement.filters import ClaimFilterSet, ContractFilterSet, DeliveryFilterSet, FlagFilterSet, PenaltyFilterSet
from procurement.forms import (
    AcceptForm,
    AnswerForm,
    ClaimForm,
    CloseClaimForm,
    ContractForm,
    CorrectDeliveryForm,
    DeliveryForm,
    ImportForm,
    InspectForm,
    LineForm,
    PaidForm,
    ReasonForm,
    RejectForm,
)
from procurement.models import ContractLine, DeliveryUnit, FlagRun, PenaltyClaim, ProcurementContract, WarrantyClaim
from procurement.pdf import acceptance_act_pdf
from procurement.registers import supplier_entries_on
from procurement.services.common import today
from procurement.services.warranty import warranty_end

PAGE_SIZE = 50
FLAG_READERS = (Role.OPERATOR, Role.MONITOR, Role.ADMIN)

# Sortable columns. Procurement lists are small (contracts, deliveries, penalties, warranty claims and red flags of a
# region's or the country's procurement of equipment: hundreds to a few thousand rows, paged by number): any column.
CONTRACT_SORTING = Sorting({"number": ("number", "id"), "signed_on": ("signed_on", "id"),
                            "supplier": ("supplier_name", "id"), "region": ("region_id", "-signed_on", "-id"),
                            "lines": ("line_count", "id"), "status": ("status", "-signed_on", "-id")}, default="-signed_on")
DELIVERY_SORTING = Sorting({"delivered_on": ("delivered_on", "id"), "contract": ("contract__number", "-delivered_on", "-id"),
                            "units": ("unit_count", "id")}, default="-delivered_on")
PENALTY_SORTING = Sorting({"contract": ("line__contract__number", "id"), "late_units": ("late_units", "id"),
                           "unit_days": ("unit_days", "id"), "amount": ("amount", "id"),
                           "status": ("status", "-claimed_at", "-id"), "claimed": ("claimed_at", "id")}, default="-claimed")
CLAIM_SORTING = Sorting({"serial": ("unit__serial_number", "id"), "filed_on": ("filed_on", "id"),
                         "due": ("response_due_on", "id"), "status": ("status", "response_due_on", "id")}, default="-filed_on")
FLAG_SORTING = Sorting({"code": ("code", "-last_seen_at", "id"), "region": ("region_id", "code", "id"),
                        "raised": ("first_raised_at", "id"), "status": ("status", "code", "id")}, default="code")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _region_schools(contract):
    from schools.models import School

    return School.objects.filter(region_id=contract.region_id).order_by("name_ru")


# --- overview ----------------------------------------------------------------------------------

@login_required
def overview(request):
    """Overdue deliveries and warranty claims of the user's scope; a school's waiting inspections; flag counts for monitors."""
    user = request.user
    context = {
        "overdue_lines": selectors.overdue_lines(user=user)[:200],
        "overdue_claims": selectors.overdue_claims(user=user)[:200],
    }
    if effective_role(user) == Role.SCHOOL:
        context["waiting"] = selectors.delivery_list(user=user, filters={"waiting": "true"})[:50]
    if effective_role(user) in FLAG_READERS:
        counts = {code: 0 for code in FlagCode.values}
        for flag in selectors.flag_list(user=user).filter(status=FlagStatus.OPEN).values_list("code", flat=True):
            counts[flag] += 1
        context["flag_counts"] = [(code, label, counts[code]) for code, label in FlagCode.choices]
        context["last_run"] = selectors.flag_run_list(user=user).first()
    return render(request, "procurement/overview.html", context)


# --- contracts ---------------------------------------------------------------------------------

@login_required
def contract_list(request):
    filterset = ContractFilterSet(request.GET or None, queryset=selectors.contract_list(user=request.user))
    contracts, sort = CONTRACT_SORTING.apply(request, filterset.qs)
    return render(request, "procurement/contract_list.html", {
        "filterset": filterset, "page": _page(request, contracts), "sort": sort, "may_create": may(request.user, "add", ProcurementContract),
    })


@login_required
def contract_create(request):
    page_require(request.user, "add", ProcurementContract)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(data=form.to_input(), actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The contract is recorded. Add its lines: item, school, quantity, price, deadline."))
            return redirect("procurement:contract_detail", pk=contract.pk)
    return render(request, "procurement/contract_form.html", {"form": form, "contract": None})


@login_required
def contract_import(request):
    page_require(request.user, "import", ProcurementContract)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.procurement_import(source=form.cleaned_data["file"], actor=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
            errors = error.lines() if callable(getattr(error, "lines", None)) else []
        else:
            messages.success(request, result.summary())
            return redirect("procurement:contract_list")
    return render(request, "procurement/contract_import.html", {"form": form, "errors": errors})


@login_required
def contract_detail(request, pk: int):
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    user = request.user
    lines = selectors.lines_with_lateness(ContractLine.objects.visible_to(user).filter(contract=contract)
                                          .select_related("school", "contract")).order_by("school__name_ru", "item_code")
    live_penalties = {claim.line_id: claim for claim in selectors.penalty_list(user=user).filter(line__contract=contract)
                      .exclude(status=PenaltyStatus.CANCELLED)}
    rows = [{"line": line, "penalty_claim": live_penalties.get(line.pk)} for line in lines]
    return render(request, "procurement/contract_detail.html", {
        "contract": contract, "rows": rows, "actions": contract_actions(contract, user),
        "deliveries": selectors.delivery_list(user=user).filter(contract=contract),
        "penalties": selectors.penalty_list(user=user).filter(line__contract=contract),
        "register_now": list(supplier_entries_on(contract.supplier_bin, today())),
        "history": audit_events_for(subject=contract),
        "reason_form": ReasonForm(),
    })


@login_required
def contract_edit(request, pk: int):
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    if "edit" not in contract_actions(contract, request.user):
        raise Http404
    form = ContractForm(request.POST or None, initial=ContractForm.initial_for(contract))
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(contract=contract, data=form.to_input(), actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("procurement:contract_detail", pk=contract.pk)
    return render(request, "procurement/contract_form.html", {"form": form, "contract": contract})


@login_required
@require_POST
def contract_transition(request, pk: int, action: str):
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    service = {"close": services.contract_close, "terminate": services.contract_terminate}.get(action)
    if service is None:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    attempt(request, lambda: service(contract=contract, actor=request.user, reason=form.cleaned_data.get("reason") or ""),
            _("Done."))
    return redirect("procurement:contract_detail", pk=contract.pk)


@login_required
def line_form(request, pk: int, line_pk: int | None = None):
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    if "add_line" not in contract_actions(contract, request.user):
        raise Http404
    line = get_object_or_404(ContractLine.objects.visible_to(request.user), pk=line_pk, contract=contract) if line_pk else None
    form = LineForm(request.POST or None, schools=_region_schools(contract), line=line,
                    initial=LineForm.initial_for(line) if line else {"warranty_months": 12})
    if request.method == "POST" and form.is_valid():
        try:
            if line is None:
                services.line_add(contract=contract, data=form.to_input(), actor=request.user)
            else:
                services.line_update(line=line, data=form.to_input(), actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The line is saved."))
            return redirect("procurement:contract_detail", pk=contract.pk)
    return render(request, "procurement/line_form.html", {"form": form, "contract": contract, "line": line})


@login_required
@require_POST
def line_remove(request, pk: int, line_pk: int):
    line = get_object_or_404(ContractLine.objects.visible_to(request.user), pk=line_pk, contract_id=pk)
    attempt(request, lambda: services.line_remove(line=line, actor=request.user), _("The line is removed."))
    return redirect("procurement:contract_detail", pk=pk)


@login_required
@require_POST
def penalty_claim(request, line_pk: int):
    line = get_object_or_404(ContractLine.objects.visible_to(request.user), pk=line_pk)
    attempt(request, lambda: services.penalty_claim(line=line, actor=request.user), _("The penalty is claimed from the supplier."))
    return redirect("procurement:contract_detail", pk=line.contract_id)


# --- deliveries ----------------------------------------------------------------------------------

@login_required
def delivery_list(request):
    filterset = DeliveryFilterSet(request.GET or None, queryset=selectors.delivery_list(user=request.user))
    deliveries, sort = DELIVERY_SORTING.apply(request, filterset.qs)
    return render(request, "procurement/delivery_list.html", {"filterset": filterset, "page": _page(request, deliveries),
                                                              "sort": sort})


@login_required
def delivery_create(request, pk: int):
    """Record a delivery under contract ``pk`` to one school (a school: itself; a department: the school it picks)."""
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    if "record_delivery" not in contract_actions(contract, request.user):
        raise Http404
    lines = ContractLine.objects.visible_to(request.user).filter(contract=contract).select_related("school")
    schools = sorted({line.school for line in lines}, key=lambda school: school.name)
    school = None
    if effective_role(request.user) == Role.SCHOOL:
        school = request.user.school
    else:
        chosen = request.GET.get("school") or request.POST.get("school")
        school = next((s for s in schools if str(s.pk) == chosen), None)
    form = None
    if school is not None:
        form = DeliveryForm(request.POST or None, lines=lines.filter(school=school).order_by("item_code"))
        if request.method == "POST" and form.is_valid():
            units = [services.UnitInput(line=line, serial_number=serial, invoice_unit_price=price) for line, serial, price in form.units()]
            try:
                delivery = services.delivery_record(
                    contract=contract, school=school, delivered_on=form.cleaned_data["delivered_on"], units=units,
                    waybill_number=form.cleaned_data["waybill_number"], note=form.cleaned_data["note"], actor=request.user)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("The delivery is recorded: %(count)s unit(s) wait for inspection.") % {"count": len(units)})
                return redirect("procurement:delivery_detail", pk=delivery.pk)
    return render(request, "procurement/delivery_form.html", {"contract": contract, "schools": schools, "school": school, "form": form})


def _unit_context(request, unit, **extra):
    return {"unit": unit, "actions": unit_actions(unit, request.user),
            "may_file_claim": may(request.user, "file", WarrantyClaim(unit=unit)), "inspect_form": InspectForm(initial={
        "model_ok": unit.model_ok, "works": unit.works, "software_ok": unit.software_ok, "warranty_card": unit.warranty_card,
        "note": unit.inspection_note}), "accept_form": AcceptForm(prefix=f"u{unit.pk}"), "reject_form": RejectForm(prefix=f"u{unit.pk}"),
        **extra}


@login_required
def delivery_detail(request, pk: int):
    delivery = get_object_or_404(selectors.delivery_list(user=request.user), pk=pk)
    units = list(selectors.delivery_units(delivery))
    elsewhere = selectors.same_serial_elsewhere(delivery)
    rows = [_unit_context(request, unit, elsewhere=elsewhere.get(unit.pk, [])) for unit in units]
    may_correct = may(request.user, "correct", delivery)
    return render(request, "procurement/delivery_detail.html", {
        "delivery": delivery, "rows": rows, "history": selectors.delivery_history(delivery), "may_correct": may_correct,
        "correct_form": CorrectDeliveryForm(initial={"delivered_on": delivery.delivered_on, "waybill_number": delivery.waybill_number}),
        "counts": {status: sum(1 for unit in units if unit.status == status) for status in UnitStatus.values},
    })


@login_required
@require_POST
def delivery_correct(request, pk: int):
    delivery = get_object_or_404(selectors.delivery_list(user=request.user), pk=pk)
    form = CorrectDeliveryForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        attempt(request, lambda: services.delivery_correct(
            delivery=delivery, actor=request.user, reason=form.cleaned_data["reason"], delivered_on=form.cleaned_data["delivered_on"],
            waybill_number=form.cleaned_data["waybill_number"]), _("The delivery is corrected."))
    return redirect("procurement:delivery_detail", pk=delivery.pk)


@login_required
def delivery_act(request, pk: int):
    delivery = get_object_or_404(selectors.delivery_list(user=request.user), pk=pk)
    response = HttpResponse(acceptance_act_pdf(delivery), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="acceptance-act-{delivery.pk}.pdf"'
    return response


@login_required
@require_POST
def unit_action(request, pk: int, action: str):
    """Inspect, accept or reject one unit; HTMX swaps the unit's row, a plain post goes back to the delivery."""
    unit = get_object_or_404(selectors.unit_list(user=request.user), pk=pk)
    error = None
    try:
        if action == "inspect":
            form = InspectForm(request.POST)
            form.is_valid()
            data = form.cleaned_data
            unit = services.unit_inspect(unit=unit, actor=request.user, note=data.get("note") or "",
                                         **{name: bool(data.get(name)) for name in DeliveryUnit.CHECKLIST})
        elif action == "accept":
            form = AcceptForm(request.POST, prefix=f"u{unit.pk}")
            if not form.is_valid():
                raise DomainError(_("Confirm that you inspected the unit and answer for its acceptance."), field="confirm")
            unit = services.unit_accept(unit=unit, actor=request.user)
        elif action == "reject":
            form = RejectForm(request.POST, prefix=f"u{unit.pk}")
            form.is_valid()
            unit = services.unit_reject(unit=unit, actor=request.user, reason=form.cleaned_data.get("reason") or "",
                                        note=form.cleaned_data.get("note") or "")
        else:
            raise Http404
    except DomainError as exc:
        error = error_text(exc)
    unit = selectors.unit_list(user=request.user).get(pk=unit.pk)
    if request.htmx:
        elsewhere = selectors.same_serial_elsewhere(unit.delivery).get(unit.pk, [])
        return render(request, "procurement/_unit_row.html", {"row": _unit_context(request, unit, error=error, elsewhere=elsewhere)})
    if error:
        messages.error(request, error)
    return redirect(f"{unit.delivery.get_absolute_url()}#unit-{unit.pk}")


# --- penalties -------------------------------------------------------------------------------------

@login_required
def penalty_list(request):
    filterset = PenaltyFilterSet(request.GET or None, queryset=selectors.penalty_list(user=request.user))
    penalties, sort = PENALTY_SORTING.apply(request, filterset.qs)
    return render(request, "procurement/penalty_list.html", {
        "filterset": filterset, "page": _page(request, penalties), "sort": sort, "paid_form": PaidForm(), "reason_form": ReasonForm(),
        "is_department": may(request.user, "mark_paid", PenaltyClaim),
    })


@login_required
@require_POST
def penalty_transition(request, pk: int, action: str):
    claim = get_object_or_404(selectors.penalty_list(user=request.user), pk=pk)
    if action == "paid":
        form = PaidForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the day the supplier paid."))
            return redirect("procurement:penalty_list")
        attempt(request, lambda: services.penalty_mark_paid(claim=claim, actor=request.user, paid_on=form.cleaned_data["paid_on"]),
                _("The penalty is marked as paid."))
    elif action == "cancel":
        form = ReasonForm(request.POST)
        form.is_valid()
        attempt(request, lambda: services.penalty_cancel(claim=claim, actor=request.user, reason=form.cleaned_data.get("reason") or ""),
                _("The penalty claim is cancelled."))
    else:
        raise Http404
    return redirect("procurement:penalty_list")


# --- warranty claims ---------------------------------------------------------------------------------

@login_required
def claim_list(request):
    filterset = ClaimFilterSet(request.GET or None, queryset=selectors.claim_list(user=request.user))
    claims, sort = CLAIM_SORTING.apply(request, filterset.qs)
    return render(request, "procurement/claim_list.html", {
        "filterset": filterset, "page": _page(request, claims), "sort": sort, "today": today(),
        "may_file": may(request.user, "file", WarrantyClaim),
    })


@login_required
def claim_create(request):
    page_require(request.user, "file", WarrantyClaim)
    form = ClaimForm(request.POST or None, initial={"serial_number": request.GET.get("serial", "")})
    if request.method == "POST" and form.is_valid():
        serial = "".join(form.cleaned_data["serial_number"].split()).upper()
        unit = (selectors.unit_list(user=request.user).filter(serial_number=serial, status=UnitStatus.ACCEPTED)
                .order_by("-decided_at").first())
        if unit is None:
            form.add_error("serial_number", _("No unit accepted by your school has this serial number."))
        else:
            try:
                claim = services.claim_file(unit=unit, actor=request.user, description=form.cleaned_data["description"])
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("The claim is filed; the supplier must answer by %(date)s.")
                                 % {"date": claim.response_due_on.strftime("%d.%m.%Y")})
                return redirect("procurement:claim_detail", pk=claim.pk)
    units = selectors.unit_list(user=request.user).filter(status=UnitStatus.ACCEPTED).order_by("serial_number")[:500]
    return render(request, "procurement/claim_form.html", {"form": form, "units": units})


@login_required
def claim_detail(request, pk: int):
    claim = get_object_or_404(selectors.claim_list(user=request.user), pk=pk)
    actions = available(obj=claim, user=request.user)
    return render(request, "procurement/claim_detail.html", {
        "claim": claim, "actions": actions, "warranty_ends_on": warranty_end(claim.unit),
        "overdue": claim.status == ClaimStatus.OPEN and claim.response_due_on < today(),
        "answer_form": AnswerForm(initial={"answered_on": today()}), "close_form": CloseClaimForm(),
        "history": audit_events_for(subject=claim),
    })


@login_required
@require_POST
def claim_transition(request, pk: int, action: str):
    claim = get_object_or_404(selectors.claim_list(user=request.user), pk=pk)
    if action == "answer":
        form = AnswerForm(request.POST)
        if form.is_valid():
            attempt(request, lambda: services.claim_answer(claim=claim, actor=request.user, response=form.cleaned_data["response"],
                                                           answered_on=form.cleaned_data["answered_on"]), _("The answer is recorded."))
        else:
            messages.error(request, _("Give the supplier's answer and its date."))
    elif action == "close":
        form = CloseClaimForm(request.POST)
        form.is_valid()
        attempt(request, lambda: services.claim_close(claim=claim, actor=request.user, resolution=form.cleaned_data.get("resolution") or "",
                                                      note=form.cleaned_data.get("note") or ""), _("The claim is closed."))
    else:
        raise Http404
    return redirect("procurement:claim_detail", pk=claim.pk)


# --- red flags ---------------------------------------------------------------------------------------

@role_required(*FLAG_READERS)
def flag_list(request):
    filters = request.GET.copy()
    if not any(name in FlagFilterSet.base_filters for name in request.GET):  # no filter asked (a sort or a page): the open
        filters["status"] = FlagStatus.OPEN
    filterset = FlagFilterSet(filters, queryset=selectors.flag_list(user=request.user))
    flags, sort = FLAG_SORTING.apply(request, filterset.qs)
    return render(request, "procurement/flag_list.html", {
        "filterset": filterset, "page": _page(request, flags), "sort": sort, "last_run": selectors.flag_run_list(user=request.user).first(),
        "may_search": may(request.user, "search", FlagRun),
    })


@role_required(*FLAG_READERS)
def flag_detail(request, pk: int):
    flag = get_object_or_404(selectors.flag_list(user=request.user), pk=pk)
    evidence = json.dumps(flag.evidence, indent=2, ensure_ascii=False, sort_keys=True)
    open_case_url = None
    if may(request.user, "open", MonitoringCase):  # monitors (``MonitoringCase.scope``)
        open_case_url = f"{reverse('oversight:case-open')}?subject_kind={SubjectKind.PROCUREMENT_FLAG}&subject_id={flag.pk}"
    return render(request, "procurement/flag_detail.html", {
        "flag": flag, "evidence_json": evidence, "history": audit_events_for(subject=flag), "open_case_url": open_case_url,
        "cases": cases_about(user=request.user, kind=SubjectKind.PROCUREMENT_FLAG, subject_id=flag.pk),
    })


@require_POST
@permission_required(FlagRun, "search")
def flag_search(request):
    ok, run = attempt(request, lambda: services.flags_search(actor=request.user))
    if ok:
        messages.success(request, _("The search is done: %(count)s open flag(s).") % {"count": sum(run.counts.values())})
    return redirect("procurement:flag_list")

