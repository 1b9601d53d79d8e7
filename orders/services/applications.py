"""Applications: a school applies to a published order of its region; the department decides.

Allocation is guarded twice. Every approval locks the order row (SELECT … FOR UPDATE), so
approvals of one order run one after another and each sees the places and money the previous
ones took; and the counters it moves (``StateOrderLevel.approved_places``,
``StateOrder.committed_amount``) carry CHECK constraints, so the database refuses any
over-allocation even if some future code forgot the lock.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import month_count
from core.errors import ConflictError, DomainError
from core.scoping import ensure_in_scope, require
from core.services import audit_record
from core.workflow import lock, transition_apply, transition_check
from orders.amounts import levels_total
from orders.choices import ApplicationEvent, ApplicationStatus, OrderStatus
from orders.models import Application, ApplicationLevel, StateOrder, StateOrderLevel
from orders.selectors import blocking_findings, finding_explanation
from orders.services.common import ClockTimestamp
from orders.transitions import APPLICATION_TRANSITIONS
from programmes.labels import category_label
from programmes.periods import periods_between
from schools.choices import ProviderKind, SchoolStatus


def _level_label(level: str) -> str:
    return category_label(level)


def _clean_places(places: dict[str, int], allowed: dict[str, int], *, field: str) -> dict[str, int]:
    """Places per level, each within ``allowed`` (level → most places), at least one above zero."""
    unknown = set(places) - set(allowed)
    if unknown:
        raise DomainError(_("This order has no places for: %(levels)s.")
                          % {"levels": ", ".join(_level_label(str(lv)) for lv in sorted(unknown))},
                          field=field, code="unknown_level")
    cleaned = {}
    for level, value in places.items():
        if not isinstance(value, int) or value < 0:
            raise DomainError(_("Places must be a whole number, zero or more."), field=field, details={"level": level})
        if value > allowed[level]:
            raise DomainError(
                _("%(level)s: at most %(most)s places, not %(asked)s.")
                % {"level": _level_label(level), "most": allowed[level], "asked": value},
                field=field, code="too_many_places", details={"level": level, "most": allowed[level]},
            )
        if value:
            cleaned[level] = value
    if not cleaned:
        raise DomainError(_("Enter places for at least one level."), field=field, code="no_places")
    return cleaned


def ensure_school_may_apply(school) -> None:
    """A school with an open error finding on S01–S03 (licence, activity, unreliable supplier) may not apply."""
    if school.status != SchoolStatus.ACTIVE:
        raise DomainError(_("Your school is “%(status)s” in the registry; only an active school may apply.")
                          % {"status": school.get_status_display()}, code="school_not_active")
    findings = list(blocking_findings(school=school))
    if findings:
        reasons = "; ".join(finding_explanation(finding) for finding in findings)
        raise DomainError(
            _("Your school cannot apply while these check findings are open: %(reasons)s.") % {"reasons": reasons},
            code="blocking_findings", details={"findings": [{"id": f.pk, "code": f.code, "level": f.level} for f in findings]},
        )


@transaction.atomic
def application_submit(*, order: StateOrder, places: dict[str, int], actor) -> Application:
    """The school applies: it joins the order's queue at the database clock's current microsecond."""
    require(actor, "submit", Application(order=order, school_id=getattr(actor, "school_id", None)))
    school = actor.school
    ensure_in_scope(order, actor)  # a school sees only published and closed orders of its region
    # Lock the order: submissions, approvals and closing of one order happen one at a time, so
    # queue times follow the order in which submissions really got through.
    order = StateOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.PUBLISHED:
        raise ConflictError(_("This order does not accept applications: it is “%(status)s”.")
                            % {"status": order.get_status_display()}, code="order_not_published")
    now = timezone.now()
    if now < order.applications_open_at:
        raise DomainError(_("Applications open on %(when)s.")
                          % {"when": timezone.localtime(order.applications_open_at).strftime("%d.%m.%Y %H:%M")},
                          code="window_not_open")
    if now >= order.applications_close_at:
        raise DomainError(_("Applications closed on %(when)s.")
                          % {"when": timezone.localtime(order.applications_close_at).strftime("%d.%m.%Y %H:%M")},
                          code="window_closed")
    if school.kind != order.programme.provider_kind:
        raise DomainError(_("This call is for organisations of the kind “%(kind)s”; yours is “%(yours)s”.")
                          % {"kind": ProviderKind(order.programme.provider_kind).label, "yours": school.get_kind_display()},
                          code="provider_kind")
    ensure_school_may_apply(school)
    if order.applications.filter(school=school, status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED]).exists():
        raise ConflictError(_("Your school already has an application to this order (withdraw it to apply again)."),
                            code="already_applied")
    offered = {lv.level: lv.places for lv in order.levels.all()}
    cleaned = _clean_places(places, offered, field="levels")
    try:
        with transaction.atomic():
            application = Application.objects.create(order=order, school=school, submitted_by=actor,
                                                     submitted_at=ClockTimestamp())
    except IntegrityError:  # the partial unique index: one live application per school and order
        raise ConflictError(_("Your school already has an application to this order (withdraw it to apply again)."),
                            code="already_applied")
    ApplicationLevel.objects.bulk_create([
        ApplicationLevel(application=application, level=level, requested_places=value) for level, value in sorted(cleaned.items())
    ])
    application.refresh_from_db()
    audit_record(actor=actor, action=ApplicationEvent.SUBMITTED, subject=application, to_status=application.status,
                 data={"order": order.pk, "places": cleaned, "submitted_at": application.submitted_at})
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str = "") -> Application:
    return transition_apply(obj=application, transitions=APPLICATION_TRANSITIONS, action="withdraw", actor=actor,
                            reason=reason)


@transaction.atomic
def application_reject(*, application: Application, actor, reason: str) -> Application:
    return transition_apply(
        obj=application, transitions=APPLICATION_TRANSITIONS, action="reject", actor=actor, reason=reason,
        extra_fields={"decided_by": actor, "decided_at": timezone.now(), "reason": reason.strip()},
    )


@transaction.atomic
def application_approve(*, application: Application, actor, places: dict[str, int] | None = None,
                        note: str = "") -> Application:
    """Approve (possibly fewer places per level than asked) and draw up the contract.

    Never more than the order's remaining places per level or remaining money, also when
    officers approve at the same moment (see the module docstring).
    """
    from orders.services.contracts import contract_create

    require(actor, "approve", application)  # before the order's lock: a refusal waits for nobody
    order = StateOrder.objects.select_for_update().get(pk=application.order_id)  # lock order first, then the application
    application = lock(application)
    transition_check(obj=application, transitions=APPLICATION_TRANSITIONS, action="approve", actor=actor)
    if order.status != OrderStatus.PUBLISHED:
        raise ConflictError(_("Applications to a “%(status)s” order cannot be approved.")
                            % {"status": order.get_status_display()}, code="order_not_published")
    requested = {row.level: row for row in application.levels.all()}
    if places is None:
        places = {level: row.requested_places for level, row in requested.items()}
    cleaned = _clean_places(places, {level: row.requested_places for level, row in requested.items()}, field="levels")

    order_levels = {row.level: row for row in order.levels.all()}
    for level, value in cleaned.items():
        remaining = order_levels[level].remaining_places
        if value > remaining:
            raise ConflictError(
                _("%(level)s: only %(remaining)s places remain in the order, %(asked)s asked.")
                % {"level": _level_label(level), "remaining": remaining, "asked": value},
                code="places_exhausted", field="levels", details={"level": level, "remaining": remaining},
            )
    months = month_count(order.service_start, order.service_end)
    periods = len(periods_between(order.programme, order.service_start, order.service_end))
    amount = levels_total(((value, order_levels[level].monthly_norm) for level, value in cleaned.items()), periods)
    if amount > order.remaining_amount:
        raise ConflictError(
            _("This approval needs %(amount)s KZT but only %(remaining)s KZT of the order's money remain.")
            % {"amount": amount, "remaining": order.remaining_amount},
            code="money_exhausted", details={"amount": str(amount), "remaining": str(order.remaining_amount)},
        )
    try:
        with transaction.atomic():
            for level, value in cleaned.items():
                StateOrderLevel.objects.filter(pk=order_levels[level].pk).update(approved_places=F("approved_places") + value)
            StateOrder.objects.filter(pk=order.pk).update(committed_amount=F("committed_amount") + amount)
    except IntegrityError:  # the CHECK constraints: unreachable while the lock above is held
        raise ConflictError(_("The order has no places or money left for this approval."), code="allocation_refused")
    for level, row in requested.items():
        row.approved_places = cleaned.get(level, 0)
        row.save(update_fields=["approved_places"])
    application = transition_apply(
        obj=application, transitions=APPLICATION_TRANSITIONS, action="approve", actor=actor, reason=note,
        extra_fields={"decided_by": actor, "decided_at": timezone.now(), "reason": (note or "").strip()},
        data={"places": cleaned, "amount": amount, "months": months, "periods": periods},
    )
    contract_create(application=application, actor=actor)
    return application
