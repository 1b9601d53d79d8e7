"""Pages: kept signatures (scoped), the signature check, and the identities signers are checked against."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department, User
from accounts.services import department_set_bin, user_set_iin
from core.decorators import permission_required, role_required
from core.errors import DomainError
from core.models import Region
from core.roles import Role
from core.sorting import Sorting, page_query
from core.web import attempt
from signatures import selectors
from signatures.identity import SIGNER_ROLES, expected_identity

PAGE_SIZE = 50
# Signatures grow with every signed step: sortable by signing time only, both ways, on ``signature_list_order``.
SIGNATURE_SORTING = Sorting({"signed": ("signing_time", "id")}, default="-signed")
ALL = (Role.SCHOOL, Role.DEPARTMENT, Role.OPERATOR, Role.MONITOR, Role.ADMIN)


@role_required(*ALL)
def signature_list(request):
    signatures = selectors.signature_list(user=request.user)
    action = request.GET.get("action", "").strip()
    if action:
        signatures = signatures.filter(action=action)
    search = request.GET.get("q", "").strip()
    if search:
        signatures = signatures.filter(Q(cert_iin=search) | Q(cert_bin=search) | Q(cert_serial__iexact=search)
                                       | Q(object_reference__icontains=search) | Q(cert_common_name__icontains=search))
    signatures, sort = SIGNATURE_SORTING.apply(request, signatures.order_by("-signing_time", "-id"))
    page = Paginator(signatures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "signatures/signature_list.html", {"page": page, "query": page_query(request), "q": search,
                                                              "action": action, "sort": sort})


@role_required(*SIGNER_ROLES)
def signature_check(request):
    try:
        identity, problem = expected_identity(request.user), None
    except DomainError as error:
        identity, problem = None, error
    return render(request, "signatures/check.html", {"identity": identity, "problem": problem})


@role_required(Role.ADMIN)
def identities(request):
    search = request.GET.get("q", "").strip()
    users = User.objects.filter(role__in=SIGNER_ROLES).select_related("school", "region").order_by("role", "username")
    if search:
        users = users.filter(Q(username__icontains=search) | Q(last_name__icontains=search) | Q(iin=search)
                             | Q(school__bin=search))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = {department.region_id: department.bin for department in Department.objects.all()}
    regions = [(region, departments.get(region.code, "")) for region in Region.objects.order_by("code")]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "signatures/identities.html", {"page": page, "regions": regions, "q": search,
                                                          "query": query.urlencode()})


@require_POST
@permission_required(User, "set_iin")
def identity_user(request, pk: int):
    user = get_object_or_404(User, pk=pk, role__in=SIGNER_ROLES)
    attempt(request, lambda: user_set_iin(user=user, iin=request.POST.get("iin", ""), actor=request.user),
            success=_("The IIN of %(user)s is saved.") % {"user": user.username})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("signatures:identities")


@require_POST
@permission_required(Department, "set_bin")
def identity_department(request, code: str):
    region = get_object_or_404(Region, code=code)
    attempt(request, lambda: department_set_bin(region=region, bin=request.POST.get("bin", ""), actor=request.user),
            success=_("The BIN of the education department of %(region)s is saved.") % {"region": region.name})
    return redirect("signatures:identities")
