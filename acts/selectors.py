"""Reads of acts, their lines and deadlines — always scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, F, Q, Sum
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils import timezone

from acts.choices import OPEN_ACT_STATUSES, ActStatus, LineDecision
from acts.deadlines import SUBMISSION_DAY, act_due_on
from acts.inspection import open_findings_sql
from acts.models import Act, ActLine, ActSubmission, InspectionItem, InspectionSample
from checks.blocking import LIVE_SQL, blocked_sql, concerns_sql
from checks.models import Finding
from core.calendar import day_of_next_month_sql, month_start
from core.money import ZERO
from orders.choices import ContractStatus
from orders.models import Contract
from schools.models import School


def _filtered(queryset, filterset_class, filters):
    if filters:
        return filterset_class(filters, queryset=queryset).qs
    return queryset


# --- acts ---------------------------------------------------------------------------------


def act_list(*, user, filters: dict | None = None):
    from acts.filters import ActFilterSet

    queryset = Act.objects.visible_to(user).select_related("contract", "contract__order__programme", "school",
                                                           "school__region")
    return _filtered(queryset, ActFilterSet, filters)


def act_get(*, user, pk) -> Act:
    return get_object_or_404(
        Act.objects.visible_to(user).select_related("contract__order__region", "contract__order__programme", "school",
                                                    "built_by", "submitted_by", "reviewed_by"),
        pk=pk,
    )


def blocked_annotation() -> RawSQL:
    return RawSQL(blocked_sql("acts_actline"), [], output_field=BooleanField())


def open_finding_annotation() -> RawSQL:
    """A line has an open finding (any severity): it belongs in the inspection sample (``acts.inspection``)."""
    return RawSQL(f"{open_findings_sql('acts_actline')} > 0", [], output_field=BooleanField())


def act_lines(*, act: Act, version: int | None = None, filters: dict | None = None):
    """The lines of an act version (default: the current one), each annotated ``blocked``."""
    from acts.filters import ActLineFilterSet

    queryset = (
        ActLine.objects.filter(act_id=act.pk, version=version or act.version)
        .annotate(blocked=blocked_annotation())
        .select_related("decided_by")
    )
    return _filtered(queryset, ActLineFilterSet, filters)


def line_decision_counts(lines) -> dict[str, int]:
    """How many of ``lines`` (a queryset) have each decision, counted by the database."""
    return dict(lines.order_by().values_list("decision").annotate(n=Count("pk")))


def line_findings(lines) -> dict[int, list[Finding]]:
    """The live findings concerning each of ``lines`` (two queries, whatever the number of lines)."""
    ids = [line.pk for line in lines]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.id, f.id FROM acts_actline l JOIN checks_finding f ON {concerns_sql('l')} "
            f"AND f.status IN {LIVE_SQL} WHERE l.id = ANY(%s) ORDER BY l.id, f.code, f.id",
            [ids],
        )
        pairs = cursor.fetchall()
    findings = Finding.objects.in_bulk({finding_id for _line, finding_id in pairs})
    result: dict[int, list[Finding]] = {}
    for line_id, finding_id in pairs:
        result.setdefault(line_id, []).append(findings[finding_id])
    return result


def attach_findings(lines) -> None:
    findings = line_findings(lines)
    for line in lines:
        line.findings = findings.get(line.pk, [])


SHOWN_IINS = 10


def iins_text(lines) -> str:
    """The IINs of ``lines`` (a queryset) for a message: the first ten, then "…"."""
    iins = list(lines.values_list("iin", flat=True)[: SHOWN_IINS + 1])
    return ", ".join(iins[:SHOWN_IINS]) + (" …" if len(iins) > SHOWN_IINS else "")


def act_line_list(*, user, current_only: bool = True):
    queryset = (ActLine.objects.visible_to(user).annotate(blocked=blocked_annotation()).select_related("act__contract")
                .order_by("act_id", "version", "id"))
    return queryset.filter(version=F("act__version")) if current_only else queryset


def lines_with_findings(*, act: Act, version: int | None = None, filters: dict | None = None) -> list[ActLine]:
    lines = list(act_lines(act=act, version=version, filters=filters))
    attach_findings(lines)
    return lines


def act_submissions(*, act: Act):
    return ActSubmission.objects.filter(act=act).select_related("submitted_by", "decided_by").order_by("version")


def inspection_sample(*, act: Act, user, version: int | None = None) -> InspectionSample | None:
    """The inspection sample of an act version, if drawn and ``user`` may see it (a school: only once the
    version is reviewed), with ``sample.entries``: its items, each with its line, open-finding lines first."""
    sample = (InspectionSample.objects.visible_to(user).select_related("drawn_by")
              .filter(act_id=act.pk, version=version or act.version).first())
    if sample is not None:
        sample.entries = list(InspectionItem.objects.filter(sample=sample).select_related("line", "inspected_by")
                            .order_by("rank", "line__pupil_name", "line_id"))
    return sample


def contracts_for_acts(*, user):
    """Active contracts under which ``user`` may build acts (a school's own)."""
    return Contract.objects.visible_to(user).filter(status=ContractStatus.ACTIVE).select_related("school", "order")


# --- deadlines ----------------------------------------------------------------------------


@dataclass
class OverdueItem:
    kind: str  # "submission" or "review"
    contract_id: int
    contract_number: str
    school_name: str
    month: dt.date
    due_on: dt.date
    days_late: int
    act_id: int | None = None  # the act, when one was built


# The months of ``contracts`` that have ended before ``%s`` and have no act yet, or only an act the
# school still has to (re)submit; the caller keeps those whose deadline passed (overdue) or not.
OPEN_MONTHS_SQL = f"""
SELECT c.id, c.number, m.month::date, a.status
  FROM orders_contract c
 CROSS JOIN LATERAL generate_series(date_trunc('month', c.period_start), date_trunc('month', c.period_end),
                                    interval '1 month') AS m(month)
  LEFT JOIN acts_act a ON a.contract_id = c.id AND a.month = m.month::date
 WHERE c.id IN ({{contracts}})
   AND m.month::date < %s
   AND (a.id IS NULL OR a.status IN ({", ".join(f"'{s}'" for s in OPEN_ACT_STATUSES)}))
 ORDER BY m.month, c.number
"""


@dataclass(frozen=True)
class OpenMonth:
    """A month of an active contract that has ended without an act submitted (``act_status`` '' = no act)."""

    contract_id: int
    contract_number: str
    month: dt.date
    act_status: str

    @property
    def due_on(self) -> dt.date:
        return act_due_on(self.month)


def _visible_active_contracts(user) -> tuple[str, list]:
    contracts = Contract.objects.all() if user is None else Contract.objects.visible_to(user)
    return contracts.filter(status=ContractStatus.ACTIVE).values("id").query.sql_with_params()


def open_act_months(*, user, today: dt.date | None = None) -> list[OpenMonth]:
    """Ended months of the active contracts ``user`` sees with no act, a draft or a returned act
    (``user`` None: the system, every contract — the reminders of the notifications)."""
    today = today or timezone.localdate()
    sub_sql, sub_params = _visible_active_contracts(user)
    with connection.cursor() as cursor:
        cursor.execute(OPEN_MONTHS_SQL.replace("{contracts}", sub_sql), [*sub_params, month_start(today)])
        return [OpenMonth(contract_id, number, month, status or "") for contract_id, number, month, status in cursor.fetchall()]


def open_act_month_figures(*, user, today: dt.date | None = None) -> tuple[int, dt.date | None, int]:
    """How many ended months ``user`` sees without a submitted act, the nearest deadline not yet passed,
    and how many are past their deadline: ``open_act_months`` counted in the database (a national
    list has thousands of rows)."""
    today = today or timezone.localdate()
    sub_sql, sub_params = _visible_active_contracts(user)
    due = day_of_next_month_sql("o.month", SUBMISSION_DAY)
    rows = OPEN_MONTHS_SQL.replace("{contracts}", sub_sql)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), min({due}) FILTER (WHERE {due} >= %s), count(*) FILTER (WHERE {due} < %s) "
                       f"FROM ({rows}) o(contract_id, number, month, status)",
                       [today, today, *sub_params, month_start(today)])
        return cursor.fetchone()


# Overdue, in one query: the open months whose act is late (``act_due_on``'s SQL twin, bound by
# ``tests/acts/test_deadlines.py``), then the submitted acts whose review is late. A national list
# has thousands of rows: it is counted and sliced in the database, never built whole in Python.
OVERDUE_SQL = f"""
SELECT 0 AS kind, c.id, c.number, c.school_id, m.month::date AS month,
       {day_of_next_month_sql("m.month", SUBMISSION_DAY)} AS due_on, a.id AS act_id
  FROM orders_contract c
 CROSS JOIN LATERAL generate_series(date_trunc('month', c.period_start), date_trunc('month', c.period_end),
                                    interval '1 month') AS m(month)
  LEFT JOIN acts_act a ON a.contract_id = c.id AND a.month = m.month::date
 WHERE c.id IN ({{contracts}})
   AND m.month::date < %(month)s
   AND (a.id IS NULL OR a.status IN ({", ".join(f"'{s}'" for s in OPEN_ACT_STATUSES)}))
   AND {day_of_next_month_sql("m.month", SUBMISSION_DAY)} < %(today)s
UNION ALL
SELECT 1, c.id, c.number, a.school_id, a.month, a.review_due_on, a.id
  FROM acts_act a JOIN orders_contract c ON c.id = a.contract_id
 WHERE a.id IN ({{reviews}})
"""
OVERDUE_PAGE = "SELECT * FROM ({sql}) overdue ORDER BY kind, CASE WHEN kind = 0 THEN month ELSE due_on END, number, act_id"


class OverdueList:
    """Late acts and late reviews ``user`` may see: a sequence the paginators count and slice in SQL
    (submissions first, by month and contract; then reviews, by their deadline)."""

    def __init__(self, *, user, today: dt.date | None = None):
        self.today = today or timezone.localdate()
        contracts_sql, contracts_params = _visible_active_contracts(user)
        reviews = (Act.objects.visible_to(user).filter(status=ActStatus.SUBMITTED, review_due_on__lt=self.today)
                   .values("id").query.sql_with_params())
        # Django's subqueries use %s placeholders: turn the whole statement into positional parameters.
        self.sql = (OVERDUE_SQL.replace("%(month)s", "%s").replace("%(today)s", "%s")
                    .replace("{contracts}", contracts_sql).replace("{reviews}", reviews[0]))
        self.params = [*contracts_params, month_start(self.today), self.today, *reviews[1]]
        self._count = None

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({self.sql}) overdue", self.params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        start, stop = index.start or 0, index.stop
        limit = "" if stop is None else f" LIMIT {max(int(stop) - int(start), 0)}"
        with connection.cursor() as cursor:
            cursor.execute(OVERDUE_PAGE.format(sql=self.sql) + f"{limit} OFFSET {int(start)}", self.params)
            rows = cursor.fetchall()
        schools = School.objects.in_bulk({row[3] for row in rows})
        return [OverdueItem("review" if kind else "submission", contract_id, number, schools[school_id].name, month,
                            due_on, (self.today - due_on).days, act_id)
                for kind, contract_id, number, school_id, month, due_on, act_id in rows]


def overdue_items(*, user, today: dt.date | None = None) -> OverdueList:
    """Acts not submitted by the 5th of the next month, and submitted acts not reviewed in time."""
    return OverdueList(user=user, today=today)


def act_line_summary(*, act: Act) -> dict:
    """Counts and amounts of the current version's lines by decision, and the lines not payable (an open error):
    what the confirmation dialogs of submission and partial acceptance show."""
    lines = ActLine.objects.filter(act_id=act.pk, version=act.version)
    summary = lines.aggregate(
        count=Count("pk"), total=Sum("amount", default=ZERO),
        accepted=Count("pk", filter=Q(decision=LineDecision.ACCEPTED)),
        accepted_amount=Sum("amount", filter=Q(decision=LineDecision.ACCEPTED), default=ZERO),
        rejected=Count("pk", filter=Q(decision=LineDecision.REJECTED)),
        rejected_amount=Sum("amount", filter=Q(decision=LineDecision.REJECTED), default=ZERO),
        pending=Count("pk", filter=Q(decision=LineDecision.PENDING)),
    )
    summary.update(lines.alias(blocked=blocked_annotation()).filter(blocked=True).aggregate(
        blocked=Count("pk"), blocked_amount=Sum("amount", default=ZERO)))
    return summary
