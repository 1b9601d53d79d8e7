"""Pages of state orders, applications, contracts and the public queue.

Thin: parse, call a selector or one service, render. The services check roles and states;
a refused action comes back as a form error or a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.decorators import page_require
from core.errors import DomainError
from core.roles import Role
from core.scoping import allowed_actions, effective_role, may
from core.selectors import audit_events_for
from core.sorting import Sorting
from core.web import attempt, form_add_domain_error
from orders import selectors, services
from orders.amounts import levels_total
from orders.choices import OrderStatus, level_sort_key
from orders.filters import ApplicationFilterSet, ContractFilterSet, StateOrderFilterSet
from orders.forms import ApproveForm, OrderForm, PlacesForm, ReasonForm, SignForm
from orders.models import Application, StateOrder
from orders.pdf import PDF_LANGUAGES, contract_pdf
from orders.transitions import APPLICATION_TRANSITIONS, CONTRACT_TRANSITIONS, ORDER_TRANSITIONS, available_actions
from programmes.periods import periods_between

PAGE_SIZE = 50


# Sortable columns of the lists. Orders, applications and contracts are small tables (an order per region,
# programme and year; at most an application and a contract per school and order: a few thousand rows a year),
# so they page by number and any column may be sorted without an index.
ORDER_SORTING = Sorting({"region": ("region_id", "-school_year", "-id"), "year": ("school_year", "region_id", "id"),
                         "budget": ("budget", "id"), "committed": ("committed_amount", "id"),
                         "status": ("status", "-school_year", "-id")})
APPLICATION_SORTING = Sorting({"submitted": ("submitted_at", "id"), "status": ("status", "submitted_at", "id")})
CONTRACT_SORTING = Sorting({"number": ("number", "id"), "period": ("period_start", "id"),
                            "total": ("total_amount", "id"), "status": ("status", "number", "id")})
# The public queue of an order (an application per school at most): its place (the submission time), or its status.
QUEUE_SORTING = Sorting({"position": ("submitted_at", "id"), "status": ("status", "submitted_at", "id")}, default="position")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _sorted(rows):
    return sorted(rows, key=lambda row: level_sort_key(row.level))


# --- state orders ------------------------------------------------------------------------

@login_required
def order_list(request):
    filterset = StateOrderFilterSet(request.GET or None, queryset=selectors.order_list(user=request.user), request=request)
    orders, sort = ORDER_SORTING.apply(request, filterset.qs)
    return render(request, "orders/order_list.html", {
        "filterset": filterset, "page": _page(request, orders), "sort": sort,
        "may_create": may(request.user, "add", StateOrder),
    })


def _call_programme(request):
    """The programme a new call is made under: ``?programme=ID`` (or the posted one), else the state order."""
    from programmes.defaults import default_programme
    from programmes.selectors import programmes_for_calls

    value = request.POST.get("programme") or request.GET.get("programme")
    if value:
        programme = programmes_for_calls(user=request.user).filter(pk=value if str(value).isdigit() else 0).first()
        if programme is None:
            raise Http404
        return programme
    return default_programme()


@login_required
def order_create(request):
    page_require(request.user, "add", StateOrder)
    from programmes.selectors import programmes_for_calls

    programme = _call_programme(request)
    form = OrderForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_create(data=form.to_input(), actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The draft order is saved. Check it, then publish it."))
            return redirect("orders:order_detail", pk=order.pk)
    return render(request, "orders/order_form.html", {"form": form, "order": None, "programme": programme,
                                                      "programmes": programmes_for_calls(user=request.user)})


@login_required
def order_edit(request, pk: int):
    page_require(request.user, "change", StateOrder)
    order = get_object_or_404(selectors.order_list(user=request.user), pk=pk)
    if request.method == "GET" and order.status != OrderStatus.DRAFT:
        messages.error(request, _("Only a draft order can be edited; this one is “%(status)s”.") % {"status": order.get_status_display()})
        return redirect("orders:order_detail", pk=order.pk)
    form = OrderForm(request.POST or None, initial=OrderForm.initial_for(order), programme=order.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_update(order=order, data=form.to_input(), actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("orders:order_detail", pk=order.pk)
    return render(request, "orders/order_form.html", {"form": form, "order": order, "programme": order.programme})


@login_required
def order_detail(request, pk: int):
    order = get_object_or_404(selectors.order_list(user=request.user), pk=pk)
    user = request.user
    context = {
        "order": order,
        "levels": _sorted(order.levels.all()),
        "actions": available_actions(obj=order, transitions=ORDER_TRANSITIONS, user=user),
        "may_edit": "change" in allowed_actions(user, order),
        # the apply form (the service also checks the window, the school and its findings)
        "may_apply": order.status == OrderStatus.PUBLISHED and may(
            user, "submit", Application(order=order, school_id=getattr(user, "school_id", None))),
        "applications": selectors.application_list(user=user).filter(order=order),
        "history": audit_events_for(subject=order),
    }
    levels = context["levels"]
    context["publish_facts"] = [  # what the publishing dialog shows before it is confirmed
        (_("Levels"), len(levels)),
        (_("Places"), sum(row.places for row in levels)),
        (_("Money available, KZT"), formats.number_format(order.budget, 2, use_l10n=True, force_grouping=True)),
        (_("Applications"), f"{formats.date_format(timezone.localtime(order.applications_open_at), 'SHORT_DATETIME_FORMAT')} – "
                            f"{formats.date_format(timezone.localtime(order.applications_close_at), 'SHORT_DATETIME_FORMAT')}"),
    ]
    if effective_role(user) == Role.SCHOOL:
        context["blocking"] = [selectors.finding_explanation(f) for f in selectors.blocking_findings(school=user.school)]
    return render(request, "orders/order_detail.html", context)


@login_required
@require_POST
def order_transition(request, pk: int, action: str):
    order = get_object_or_404(selectors.order_list(user=request.user), pk=pk)
    service = {"publish": services.order_publish, "close": services.order_close}.get(action)
    if service is None:
        raise Http404
    attempt(request, lambda: service(order=order, actor=request.user),
            _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("orders:order_detail", pk=order.pk)


# --- applications ------------------------------------------------------------------------

@login_required
def application_create(request, pk: int):
    page_require(request.user, "submit", Application)
    order = get_object_or_404(selectors.open_orders_for_school(user=request.user), pk=pk)
    levels = [(row.level, row.level_label, row.places) for row in _sorted(order.levels.all())]
    form = PlacesForm(request.POST or None, levels=levels)
    blocking = [selectors.finding_explanation(f) for f in selectors.blocking_findings(school=request.user.school)]
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(order=order, places=form.places(), actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("Your application is in the queue."))
            return redirect("orders:application_detail", pk=application.pk)
    return render(request, "orders/application_form.html", {"form": form, "order": order, "blocking": blocking})


@login_required
def application_list(request):
    filterset = ApplicationFilterSet(request.GET or None, queryset=selectors.application_list(user=request.user),
                                     request=request)
    applications, sort = APPLICATION_SORTING.apply(request, filterset.qs)
    return render(request, "orders/application_list.html", {
        "filterset": filterset, "page": _page(request, applications), "sort": sort})


@login_required
def application_detail(request, pk: int):
    application = get_object_or_404(selectors.application_list(user=request.user), pk=pk)
    order = application.order
    actions = available_actions(obj=application, transitions=APPLICATION_TRANSITIONS, user=request.user)
    requested = _sorted(application.levels.all())
    remaining = {row.level: row.remaining_places for row in order.levels.all()}
    approve_form, approve_facts = None, []
    if "approve" in actions:
        proposed = {row.level: min(row.requested_places, remaining.get(row.level, 0)) for row in requested}
        approve_form = ApproveForm(
            levels=[(row.level, row.level_label, row.requested_places) for row in requested],
            initial={f"places_{level}": places for level, places in proposed.items()},
        )
        # what the approval dialog shows: the contract drawn up at the proposed places
        norms = {row.level: row.monthly_norm for row in order.levels.all()}
        periods = len(periods_between(order.programme, order.service_start, order.service_end))
        amount = levels_total(((places, norms[level]) for level, places in proposed.items() if level in norms), periods)
        approve_facts = [(row.level_label, proposed[row.level]) for row in requested] + [
            (_("Places"), sum(proposed.values())),
            (_("Contract amount at these places, KZT"), formats.number_format(amount, 2, use_l10n=True, force_grouping=True)),
        ]
    return render(request, "orders/application_detail.html", {
        "application": application, "order": order, "levels": requested, "remaining": remaining,
        "actions": actions, "approve_form": approve_form, "approve_facts": approve_facts,
        "reject_form": ReasonForm(required=True) if "reject" in actions else None,
        "contract": getattr(application, "contract", None),
        "history": audit_events_for(subject=application),
        "context": selectors.application_context(user=request.user, application=application),
    })


@login_required
@require_POST
def application_transition(request, pk: int, action: str):
    application = get_object_or_404(selectors.application_list(user=request.user), pk=pk)

    def act():
        if action == "approve":
            form = ApproveForm(request.POST, levels=[(row.level, row.level_label, row.requested_places)
                                                     for row in application.levels.all()])
            if not form.is_valid():
                raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
            return services.application_approve(application=application, actor=request.user, places=form.places(),
                                                 note=form.cleaned_data.get("note") or "")
        if action == "reject":
            form = ReasonForm(request.POST, required=True)
            if not form.is_valid():
                raise DomainError(_("A reason is required."), field="reason")
            return services.application_reject(application=application, actor=request.user,
                                               reason=form.cleaned_data["reason"])
        if action == "withdraw":
            form = ReasonForm(request.POST)
            form.is_valid()
            return services.application_withdraw(application=application, actor=request.user,
                                                 reason=form.cleaned_data.get("reason") or "")
        raise Http404

    attempt(request, act, _("Done: %(action)s.") % {"action": ACTION_LABELS.get(action, action)})
    return redirect("orders:application_detail", pk=application.pk)


# --- contracts ---------------------------------------------------------------------------

@login_required
def contract_list(request):
    filterset = ContractFilterSet(request.GET or None, queryset=selectors.contract_list(user=request.user), request=request)
    contracts, sort = CONTRACT_SORTING.apply(request, filterset.qs)
    return render(request, "orders/contract_list.html", {
        "filterset": filterset, "page": _page(request, contracts), "sort": sort})


@login_required
def contract_detail(request, pk: int):
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    actions = available_actions(obj=contract, transitions=CONTRACT_TRANSITIONS, user=request.user)
    document = contract.document
    sign_action = next((name for name in actions if name.startswith("sign_")), None)
    levels = [{"row": row, "amount": levels_total([(row.places, row.monthly_norm)], contract.months)}
              for row in _sorted(contract.levels.all())]
    return render(request, "orders/contract_detail.html", {
        "contract": contract, "document": document, "levels": levels,
        "signatures": contract.signatures.select_related("signer").order_by("signed_at", "id"),
        "actions": [name for name in actions if not name.startswith("sign_")],
        "sign_form": SignForm(initial={"document_sha256": document.sha256}) if sign_action and document else None,
        "reason_required": {name for name, spec in CONTRACT_TRANSITIONS.items() if spec.reason_required},
        "pdf_languages": PDF_LANGUAGES,
        "history": audit_events_for(subject=contract),
        # what a suspension, termination or closing dialog shows before it is confirmed
        "contract_facts": [
            (_("Contract"), contract.number), (_("School"), f"{contract.school.name} ({contract.school.bin})"),
            (_("Total amount, KZT"), formats.number_format(contract.total_amount, 2, use_l10n=True, force_grouping=True)),
            (_("Acts"), contract.acts.count()),
        ],
    })


@login_required
@require_POST
def contract_transition(request, pk: int, action: str):
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)

    def act():
        if action == "sign":
            form = SignForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Tick the box to confirm that you have read the document and sign it."), field="confirm")
            return services.contract_sign(contract=contract, actor=request.user,
                                          document_sha256=form.cleaned_data["document_sha256"])
        service = {"suspend": services.contract_suspend, "resume": services.contract_resume,
                   "terminate": services.contract_terminate, "close": services.contract_close}.get(action)
        if service is None:
            raise Http404
        form = ReasonForm(request.POST)
        form.is_valid()
        return service(contract=contract, actor=request.user, reason=form.cleaned_data.get("reason") or "")

    attempt(request, act, _("Done: %(action)s.") % {"action": ACTION_LABELS.get(action, action)})
    return redirect("orders:contract_detail", pk=contract.pk)


@login_required
@xframe_options_sameorigin
def contract_document(request, pk: int):
    """The stored document's bytes, exactly what the parties sign (shown in a sandboxed frame)."""
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    document = contract.document
    if document is None:
        raise Http404
    response = HttpResponse(bytes(document.content), content_type=document.media_type)
    response["X-Content-SHA256"] = document.sha256
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    response["Content-Disposition"] = f'inline; filename="contract-{contract.number}.html"'
    return response


@login_required
def contract_pdf_view(request, pk: int, lang: str):
    contract = get_object_or_404(selectors.contract_list(user=request.user), pk=pk)
    if lang not in PDF_LANGUAGES:
        raise Http404
    response = HttpResponse(contract_pdf(contract, language=lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contract-{contract.number}-{lang}.pdf"'
    return response


# --- the public queue (no sign-in) -------------------------------------------------------

def queue_index(request):
    """Published calls of every funding programme; filters by programme, instrument, region, year and status."""
    filterset = StateOrderFilterSet(request.GET or None, queryset=selectors.public_orders())
    orders, sort = ORDER_SORTING.apply(request, filterset.qs.order_by("-school_year", "region_id", "-id"))
    return render(request, "orders/queue_index.html", {"filterset": filterset, "page": _page(request, orders), "sort": sort})


def queue_detail(request, pk: int):
    order = get_object_or_404(selectors.public_orders(), pk=pk)
    entries, sort = QUEUE_SORTING.apply(request, selectors.queue_entries().filter(order_id=order.pk))
    return render(request, "orders/queue_detail.html", {
        "order": order, "levels": _sorted(order.levels.all()), "entries": entries, "sort": sort,
    })


ACTION_LABELS = {  # lazy: translated when shown, in the language of the request
    "publish": gettext_lazy("publish"), "close": gettext_lazy("close"), "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"), "withdraw": gettext_lazy("withdraw"), "sign": gettext_lazy("sign"),
    "suspend": gettext_lazy("suspend"), "resume": gettext_lazy("resume"), "terminate": gettext_lazy("terminate"),
}
