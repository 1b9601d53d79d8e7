"""What needs the user's action today: the counts on each role's home page.

One selector per role (``department_worklist``, ``school_worklist``, ``operator_worklist``,
``monitor_worklist``; ``worklist(user)`` picks it). Each item counts the rows of an existing list
selector with the filters of that list's page, so the number on the home page is the number the
list page (and the API list, with the same filters) shows when the link is followed. No rule is
written here a second time:

* what the user may see is the list selector's scoping (``visible_to``);
* the status a row waits in is the source status of the transition the user would take
  (``Model.TRANSITIONS[action].sources``);
* "blocks payment" is ``checks.blocking``; "only a warning is explained" is
  the condition ``Finding.scope`` declares for "explain" (``checks.models.WARNINGS_ONLY``);
* deadlines are those of ``acts.deadlines`` (stored on the act, or ``OpenMonth.due_on``);
* "never one's own" (four eyes) is the payments filter ``to_approve``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acts import selectors as act_selectors
from acts.models import Act
from checks.blocking import BLOCKING_SEVERITIES, BLOCKING_STATUSES
from checks.choices import FindingStatus
from checks.models import WARNINGS_ONLY
from checks.selectors import finding_list
from checks.transitions import FINDING_TRANSITIONS
from core.roles import Role
from orders import selectors as order_selectors
from orders.transitions import APPLICATION_TRANSITIONS, CONTRACT_TRANSITIONS
from payments import selectors as payment_selectors
from payments.choices import ConfirmationStatus
from payments.models import FinalReport, Payment


@dataclass(frozen=True)
class WorkItem:
    """One count on a home page, linked to the list that shows its rows."""

    key: str  # stable name (tests, data-testid)
    label: str
    count: int
    url: str  # the list page, filtered
    api_url: str = ""  # the API list with the same filters ('' when the rows have no API list)
    nearest_deadline: dt.date | None = None  # the earliest deadline not yet passed
    overdue: int = 0  # rows whose deadline has passed
    filters: dict = field(default_factory=dict)
    has_deadline: bool = False


def _source(transitions, action: str) -> str:
    """The one status a row waits in before ``action`` (the list filters take one status)."""
    sources = transitions[action].sources
    if len(sources) != 1:  # pragma: no cover - a table change the home page must follow
        raise ValueError(f"{action} has several source statuses: {sources}")
    return str(sources[0])


def _link(url_name: str, filters: dict, anchor: str = "") -> str:
    query = urlencode(filters, doseq=True)
    return reverse(url_name) + (f"?{query}" if query else "") + anchor


def _deadlines(dates: list[dt.date], today: dt.date) -> tuple[dt.date | None, int]:
    upcoming = [day for day in dates if day >= today]
    return (min(upcoming) if upcoming else None), sum(1 for day in dates if day < today)


def _listed(key, label, queryset, url_name, api_name, filters, anchor="") -> WorkItem:
    return WorkItem(key=key, label=label, count=queryset.count(), url=_link(url_name, filters, anchor),
                    api_url=_link(api_name, filters) if api_name else "", filters=filters)


def _acts_by_deadline(key, label, user, filters, deadline_field: str, today) -> WorkItem:
    acts = act_selectors.act_list(user=user, filters=filters)
    figures = acts.aggregate(
        count=Count("id"), overdue=Count("id", filter=Q(**{f"{deadline_field}__lt": today})),
        nearest=Min(deadline_field, filter=Q(**{f"{deadline_field}__gte": today})),
    )
    return WorkItem(key=key, label=label, count=figures["count"], url=_link("acts:list", filters),
                    api_url=_link("act-list", filters), nearest_deadline=figures["nearest"],
                    overdue=figures["overdue"], filters=filters, has_deadline=True)


# --- per role ------------------------------------------------------------------------------


def department_worklist(user, today: dt.date | None = None) -> list[WorkItem]:
    today = today or timezone.localdate()
    applications = {"status": _source(APPLICATION_TRANSITIONS, "approve")}
    contracts = {"status": _source(CONTRACT_TRANSITIONS, "sign_department")}
    acts = {"status": _source(Act.TRANSITIONS, "accept")}
    reports = {"status": _source(FinalReport.TRANSITIONS, "approve")}
    # Findings the school has explained wait for the department's decision (waive or resolve).
    findings = {"status": [FindingStatus.EXPLAINED.value]}
    return [
        _listed("applications_to_decide", _("Applications to decide"),
                order_selectors.application_list(user=user, filters=applications),
                "orders:application_list", "application-list", applications),
        _listed("contracts_to_sign", _("Contracts to sign"), order_selectors.contract_list(user=user, filters=contracts),
                "orders:contract_list", "contract-list", contracts),
        _acts_by_deadline("acts_to_review", _("Acts to review"), user, acts, "review_due_on", today),
        _listed("reports_to_approve", _("Final reports to approve"),
                payment_selectors.report_list(user=user, filters=reports), "payments:reports", "final-report-list", reports),
        _listed("findings_to_decide", _("Explained findings to decide"), finding_list(user=user, filters=findings),
                "checks:finding-list", "finding-list", findings),
    ]


def school_worklist(user, today: dt.date | None = None) -> list[WorkItem]:
    today = today or timezone.localdate()
    build_action = Act.TRANSITIONS["submit"]
    # Ended months with no act yet or a draft act (returned acts are counted on their own below).
    months = [row for row in act_selectors.open_act_months(user=user, today=today)
              if row.act_status in ("", *build_action.sources)]
    nearest, overdue = _deadlines([row.due_on for row in months], today)
    returned = {"status": _source(Act.TRANSITIONS, "correct")}
    contracts = {"status": _source(CONTRACT_TRANSITIONS, "sign_school")}
    explain_sources = FINDING_TRANSITIONS["explain"].sources
    # The declared "warnings only" condition of Finding's "explain", as the findings list's filter.
    explainable = dict(WARNINGS_ONLY.rows(user).children)
    to_explain = {"severity": str(explainable["severity"]), "status": [str(status) for status in explain_sources]}
    return [
        WorkItem(key="acts_to_submit", label=_("Acts to build and submit (by the 5th)"), count=len(months),
                 url=_link("acts:list", {}), nearest_deadline=nearest, overdue=overdue, has_deadline=True),
        _acts_by_deadline("acts_returned", _("Returned acts to correct"), user, returned, "due_on", today),
        _blocking_item(user),
        _listed("contracts_to_sign", _("Contracts to sign"), order_selectors.contract_list(user=user, filters=contracts),
                "orders:contract_list", "contract-list", contracts),
        _listed("findings_to_explain", _("Warnings to explain"), finding_list(user=user, filters=to_explain),
                "checks:finding-list", "finding-list", to_explain),
    ]


def _blocking_item(user) -> WorkItem:
    """Open errors: the findings that block payment of what they concern (``checks.blocking``)."""
    filters = {"severity": BLOCKING_SEVERITIES[0], "status": [str(status) for status in BLOCKING_STATUSES]}
    return _listed("blocking_errors", _("Open errors that block payment"), finding_list(user=user, filters=filters),
                   "checks:finding-list", "finding-list", filters)


def operator_worklist(user, today: dt.date | None = None) -> list[WorkItem]:
    to_approve = {"to_approve": "true"}
    to_export = {"status": _source(Payment.TRANSITIONS, "export"), "in_registry": "false"}
    confirmations = payment_selectors.confirmation_list(user=user).filter(status=ConfirmationStatus.PREVIEWED)
    return [
        WorkItem(key="acts_awaiting_payment", label=_("Accepted acts awaiting a payment"),
                 count=payment_selectors.acts_awaiting_payment(user=user).count(),
                 url=_link("payments:payments", {}, "#awaiting-heading")),
        _listed("payments_to_approve", _("Payments awaiting a second approval"),
                payment_selectors.payment_list(user=user, filters=to_approve), "payments:payments", "payment-list", to_approve),
        _listed("payments_to_export", _("Approved payments to put in a registry"),
                payment_selectors.payment_list(user=user, filters=to_export), "payments:payments", "payment-list", to_export),
        WorkItem(key="confirmations_to_apply", label=_("Bank confirmations to apply"), count=confirmations.count(),
                 url=_link("payments:bank", {}, "#confirmations-heading")),
    ]


def monitor_worklist(user, today: dt.date | None = None) -> list[WorkItem]:
    """The figures of the whole portal (a monitor acts on none of them)."""
    today = today or timezone.localdate()
    months, nearest, overdue = act_selectors.open_act_month_figures(user=user, today=today)
    under_review = {"status": _source(Act.TRANSITIONS, "accept")}
    applications = {"status": _source(APPLICATION_TRANSITIONS, "approve")}
    prepared = {"status": _source(Payment.TRANSITIONS, "approve")}
    return [
        WorkItem(key="acts_not_submitted", label=_("Ended months without a submitted act"), count=months,
                 url=_link("acts:overdue", {}), nearest_deadline=nearest, overdue=overdue, has_deadline=True),
        _acts_by_deadline("acts_under_review", _("Acts under review"), user, under_review, "review_due_on", today),
        _listed("applications_waiting", _("Applications waiting for a decision"),
                order_selectors.application_list(user=user, filters=applications),
                "orders:application_list", "application-list", applications),
        _listed("payments_prepared", _("Payments waiting for approval"),
                payment_selectors.payment_list(user=user, filters=prepared), "payments:payments", "payment-list", prepared),
        _blocking_item(user),
    ]


WORKLISTS = {
    Role.DEPARTMENT: department_worklist,
    Role.SCHOOL: school_worklist,
    Role.OPERATOR: operator_worklist,
    Role.MONITOR: monitor_worklist,
}


def worklist(user, today: dt.date | None = None) -> list[WorkItem]:
    """The home page's counts for ``user`` (none for an administrator or a visitor)."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return []
    selector = WORKLISTS.get(user.role)
    return selector(user, today) if selector else []
