"""Object-level permission checks shared by the act and payment services (roles come from the transitions)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from acts.models import Act
from core.errors import PermissionDeniedError
from core.roles import Role
from core.workflow import transition_check


def require_school_of(*, school_id: int, actor) -> None:
    if getattr(actor, "role", None) != Role.SCHOOL or actor.school_id != school_id:
        raise PermissionDeniedError(_("Only the school itself may do this."), code="not_your_school")


def require_department_of(*, region_id: str, actor) -> None:
    if getattr(actor, "role", None) != Role.DEPARTMENT or actor.region_id != region_id:
        raise PermissionDeniedError(_("Only the education department of the contract's region may do this."),
                                    code="not_your_region")


def require_operator(actor) -> None:
    if getattr(actor, "role", None) != Role.OPERATOR:
        raise PermissionDeniedError(_("Only an operator may do this."), code="role")


def require_operator_or_admin(actor) -> None:
    if getattr(actor, "role", None) not in (Role.OPERATOR, Role.ADMIN):
        raise PermissionDeniedError(_("Only an operator may do this."), code="role")


def lock_for_review(act: Act, actor) -> Act:
    """Lock a submitted act for its review by the department of its region (inspection, line decisions,
    acceptance, return); refuses anyone else and an act that is not under review."""
    locked = Act.objects.select_for_update(of=("self",)).select_related("contract__order").get(pk=act.pk)
    require_department_of(region_id=locked.contract.order.region_id, actor=actor)
    transition_check(obj=locked, transitions=Act.TRANSITIONS, action="accept", actor=actor)
    return locked
