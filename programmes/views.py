"""Pages of the programme catalogue. Thin: parse, call a selector or one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import page_require
from core.errors import DomainError
from core.scoping import may
from core.selectors import audit_events_for
from core.sorting import Sorting, page_query
from core.web import attempt, form_add_domain_error
from programmes import selectors, services
from programmes.filters import ProgrammeFilterSet
from programmes.forms import ProgrammeForm
from programmes.instruments import INSTRUMENTS
from programmes.labels import category_label
from programmes.models import Programme
from programmes.transitions import available_actions, may_edit


def _programme_sorting(name_field: str) -> Sorting:
    return Sorting({"code": ("code", "id"), "name": (name_field, "id"), "instrument": ("instrument", "code", "id"),
                    "region": ("region_id", "code", "id"), "status": ("status", "code", "id")})


# The catalogue's sortable columns: a small table (tens of programmes), any column; the name sorts in the language
# it is shown in.
PROGRAMME_SORTING = {"kk": _programme_sorting("name_kk"), "ru": _programme_sorting("name_ru"),
                     "en": _programme_sorting("name_en")}


@login_required
def programme_list(request):
    filterset = ProgrammeFilterSet(request.GET or None, queryset=selectors.programme_list(user=request.user))
    sorting = PROGRAMME_SORTING.get(get_language(), PROGRAMME_SORTING["ru"])
    programmes, sort = sorting.apply(request, filterset.qs)
    return render(request, "programmes/programme_list.html", {
        "filterset": filterset, "page": Paginator(programmes, 50).get_page(request.GET.get("page")), "sort": sort,
        "query": page_query(request), "may_create": may(request.user, "add", Programme),
    })


@login_required
def programme_detail(request, pk: int):
    programme = get_object_or_404(selectors.programme_list(user=request.user), pk=pk)
    item = INSTRUMENTS[programme.instrument]
    return render(request, "programmes/programme_detail.html", {
        "programme": programme, "instrument": item,
        "norms": [(norm, category_label(norm.key, programme)) for norm in programme.norms.all()],
        "actions": available_actions(programme=programme, user=request.user),
        "may_edit": may_edit(programme=programme, user=request.user),
        "history": audit_events_for(subject=programme),
    })


@login_required
def programme_create(request):
    page_require(request.user, "add", Programme)
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_for(instrument=request.GET.get("instrument")))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(data=form.to_input(), actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The draft programme is saved. Check it, then activate it."))
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None,
                                                              "instruments": INSTRUMENTS.values()})


@login_required
def programme_edit(request, pk: int):
    programme = get_object_or_404(selectors.programme_list(user=request.user), pk=pk)
    page_require(request.user, "change", programme)
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_for(programme), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, data=form.to_input(instrument=programme.instrument),
                                      actor=request.user)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme,
                                                              "instruments": INSTRUMENTS.values()})


@login_required
@require_POST
def programme_transition(request, pk: int, action: str):
    programme = get_object_or_404(selectors.programme_list(user=request.user), pk=pk)
    service = {"activate": services.programme_activate, "close": services.programme_close}.get(action)
    if service is None:
        raise Http404
    attempt(request, lambda: service(programme=programme, actor=request.user), _("Done."))
    return redirect("programmes:detail", pk=programme.pk)
