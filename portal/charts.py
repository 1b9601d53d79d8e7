"""The figures behind the home pages' charts, each over the rows the user may see.

* money by month of service: ordered, contracted, accepted and paid (region for a department,
  school for a school, the country for an operator or a monitor); a school is not shown what its
  region ordered;
* the contingent over time: enrolments active on the first day of each month (``contingent.rules``);
* findings by code over the last check runs: the findings each run found (a finding is found by
  every run from its first to its last).

Every figure is one set-based query over the scoped queryset of the owning app (``visible_to``),
never a loop over rows. The charts and their table alternatives are drawn from the same dicts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from acts.choices import PAYABLE_ACT_STATUSES, ActStatus
from acts.models import Act
from checks.blocking import blocking_q
from checks.choices import CheckRunStatus
from checks.models import CheckRun, Finding
from contingent.models import Enrolment
from contingent.rules import active_on_sql
from core.calendar import add_months, month_start, school_year_bounds, school_year_of
from core.roles import Role
from orders.choices import ContractStatus, OrderStatus
from orders.models import Contract, StateOrder
from payments.choices import PaymentStatus
from payments.models import Payment

RUNS_SHOWN = 6
# Contracts that bind money: signed by both parties (whatever became of them afterwards).
SIGNED_CONTRACT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.SUSPENDED, ContractStatus.TERMINATED,
                            ContractStatus.CLOSED)
ORDERED_STATUSES = (OrderStatus.PUBLISHED, OrderStatus.CLOSED)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _ids_sql(queryset) -> tuple[str, list]:
    sql, params = queryset.order_by().values("id").query.sql_with_params()
    return sql, list(params)


def _monthly_capacity(queryset, level_table: str, owner: str, first: str, last: str, school_year: int) -> dict:
    """Σ places × monthly norm for each month of each row's period (orders or contracts)."""
    ids_sql, params = _ids_sql(queryset)
    start, end = school_year_bounds(school_year)
    sql = f"""
        SELECT m.month::date, SUM(l.places * l.monthly_norm)
          FROM {level_table} l
          JOIN {owner[0]} o ON o.id = l.{owner[1]}
         CROSS JOIN LATERAL generate_series(date_trunc('month', o.{first}), date_trunc('month', o.{last}),
                                            interval '1 month') AS m(month)
         WHERE o.id IN ({ids_sql}) AND m.month BETWEEN %s AND %s
         GROUP BY 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, start, end])
        return dict(cursor.fetchall())


def chart_school_year(user, today: dt.date | None = None) -> int:
    """The school year the charts show: the latest with a signed contract the user sees, else today's."""
    latest = (Contract.objects.visible_to(user).filter(status__in=SIGNED_CONTRACT_STATUSES)
              .order_by("-order__school_year").values_list("order__school_year", flat=True).first())
    return latest or school_year_of(today or timezone.localdate())


def money_by_month(user, school_year: int) -> dict:
    """{"months": [...], "series": {name: [amount per month]}} over the months of ``school_year``."""
    start, end = school_year_bounds(school_year)
    months = _months(start, end)
    series: dict[str, dict] = {}
    if user.role != Role.SCHOOL:
        orders = StateOrder.objects.visible_to(user).filter(status__in=ORDERED_STATUSES, school_year=school_year)
        series["ordered"] = _monthly_capacity(orders, "orders_stateorderlevel", ("orders_stateorder", "order_id"),
                                              "service_start", "service_end", school_year)
    contracts = Contract.objects.visible_to(user).filter(status__in=SIGNED_CONTRACT_STATUSES, order__school_year=school_year)
    series["contracted"] = _monthly_capacity(contracts, "orders_contractlevel", ("orders_contract", "contract_id"),
                                             "period_start", "period_end", school_year)
    accepted = (Act.objects.visible_to(user).filter(status__in=(*PAYABLE_ACT_STATUSES, ActStatus.PAID),
                                                    month__range=(start, end))
                .values("month").annotate(total=Sum("accepted_amount")).values_list("month", "total"))
    series["accepted"] = dict(accepted)
    paid = (Payment.objects.visible_to(user).filter(status=PaymentStatus.PAID, act__month__range=(start, end))
            .values("act__month").annotate(total=Sum("amount")).values_list("act__month", "total"))
    series["paid"] = dict(paid)
    return {
        "school_year": school_year,
        "months": months,
        "series": {name: [values.get(month, Decimal("0")) or Decimal("0") for month in months]
                   for name, values in series.items()},
    }


def contingent_by_month(user, school_year: int, today: dt.date | None = None) -> dict:
    """Enrolments active on the 1st of each month of ``school_year`` up to this month."""
    today = today or timezone.localdate()
    start, end = school_year_bounds(school_year)
    months = _months(start, min(end, today)) or [start]
    # One scan of the enrolments the user sees, grouped by their dates first (a few thousand distinct
    # spans nationally), then the rule applied to each span and month: not the rule once per
    # enrolment and month (600 k × 12 at national size took 20 s).
    spans_sql, params = (Enrolment.objects.visible_to(user).order_by().values("enrolled_on", "left_on")
                         .query.sql_with_params())
    sql = f"""
        WITH e AS (SELECT s.enrolled_on, s.left_on, COUNT(*) AS n FROM ({spans_sql}) s GROUP BY 1, 2)
        SELECT m.day::date, COALESCE(SUM(e.n), 0)
          FROM generate_series(%s::date, %s::date, interval '1 month') AS m(day)
          LEFT JOIN e ON {active_on_sql('e', 'm.day::date')}
         GROUP BY 1 ORDER BY 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, months[0], months[-1]])
        counts = dict(cursor.fetchall())
    return {"months": months, "counts": [counts.get(month, 0) for month in months]}


def findings_by_run(user, runs: int = RUNS_SHOWN) -> dict:
    """For each of the last ``runs`` successful check runs: the findings it found, by code."""
    recent = list(CheckRun.objects.visible_to(user).filter(status=CheckRunStatus.SUCCEEDED)
                  .order_by("-started_at", "-id")[:runs])[::-1]
    findings = Finding.objects.visible_to(user)
    per_run: list[dict[str, int]] = []
    codes: set[str] = set()
    for run in recent:  # at most RUNS_SHOWN grouped queries
        counts = dict(findings.filter(first_run__started_at__lte=run.started_at, last_run__started_at__gte=run.started_at)
                      .values("code").annotate(count=Count("id")).values_list("code", "count"))
        codes.update(counts)
        per_run.append(counts)
    ordered = sorted(codes)
    return {
        "runs": recent,
        "codes": ordered,
        "counts": {code: [counts.get(code, 0) for counts in per_run] for code in ordered},
    }


def region_overview(user, school_year: int, today: dt.date | None = None) -> list[dict]:
    """Per region (a monitor's overview): acts under review and late, open errors, accepted and paid money."""
    from core.models import Region

    today = today or timezone.localdate()
    start, end = school_year_bounds(school_year)
    under_review = dict(
        Act.objects.visible_to(user).filter(status=ActStatus.SUBMITTED)
        .values("contract__order__region_id").annotate(n=Count("id")).values_list("contract__order__region_id", "n"))
    late = dict(
        Act.objects.visible_to(user).filter(status=ActStatus.SUBMITTED, review_due_on__lt=today)
        .values("contract__order__region_id").annotate(n=Count("id")).values_list("contract__order__region_id", "n"))
    errors = dict(
        Finding.objects.visible_to(user).filter(blocking_q())
        .values("school__region_id").annotate(n=Count("id")).values_list("school__region_id", "n"))
    accepted = dict(
        Act.objects.visible_to(user).filter(status__in=(*PAYABLE_ACT_STATUSES, ActStatus.PAID), month__range=(start, end))
        .values("contract__order__region_id").annotate(total=Sum("accepted_amount"))
        .values_list("contract__order__region_id", "total"))
    paid = dict(
        Payment.objects.visible_to(user).filter(status=PaymentStatus.PAID, act__month__range=(start, end))
        .values("act__contract__order__region_id").annotate(total=Sum("amount"))
        .values_list("act__contract__order__region_id", "total"))
    codes = sorted(set(under_review) | set(errors) | set(accepted) | set(paid))
    regions = Region.objects.in_bulk(codes)
    return [{"region": regions[code], "under_review": under_review.get(code, 0), "late": late.get(code, 0),
             "errors": errors.get(code, 0), "accepted": accepted.get(code, Decimal("0")),
             "paid": paid.get(code, Decimal("0"))} for code in codes]
