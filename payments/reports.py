"""The figures of a contract's final report (reads only; frozen into the report when approved).

By period (a month, or an academic term of a term programme) and norm category (for schools: the level):
* ordered — the state order's places for the level (region-wide) × its norm, for the order's period;
* contracted — the contract's places × norm, for the contract period;
* submitted — the lines of the acts as submitted (current version);
* accepted — the lines the department accepted;
* paid — the accepted lines of acts whose payment the bank confirmed;
* recovered — recoveries recorded on lines of that month and level (not cancelled).
A partial month counts its days (the money rule, rounded once per cell); a term counts whole.

The settlement reconciles lines and transfers: paid (lines) = Σ accepted amounts of the paid
payments, and transferred = paid − recoveries offset against those payments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from acts.choices import ActStatus, LineDecision
from core.money import ZERO, round_money
from payments.choices import PaymentStatus, RecoveryStatus
from payments.models import Payment, Recovery, RecoveryOffset
from programmes.labels import category_sort_key
from programmes.periods import periods_between

COLUMNS = ("ordered", "contracted", "submitted", "accepted", "paid", "recovered")

LINES_SQL = f"""
SELECT a.month, l.level,
       coalesce(sum(l.amount) FILTER (WHERE a.status <> '{ActStatus.DRAFT}'), 0),
       coalesce(sum(l.amount) FILTER (WHERE l.decision = '{LineDecision.ACCEPTED}'
                                        AND a.status IN ('{ActStatus.ACCEPTED}', '{ActStatus.PARTLY_ACCEPTED}', '{ActStatus.PAID}')), 0),
       coalesce(sum(l.amount) FILTER (WHERE l.decision = '{LineDecision.ACCEPTED}' AND a.status = '{ActStatus.PAID}'), 0)
  FROM acts_act a JOIN acts_actline l ON l.act_id = a.id AND l.version = a.version
 WHERE a.contract_id = %s
 GROUP BY a.month, l.level
"""


def _prorated(places: int, norm: Decimal, period: tuple[dt.date, dt.date], start: dt.date, end: dt.date) -> Decimal:
    """Places × norm for the part of ``period`` within ``start``–``end`` (by days; rounded once)."""
    first, last = max(period[0], start), min(period[1], end)
    if last < first:
        return ZERO
    return round_money(Decimal(places) * norm * ((last - first).days + 1) / ((period[1] - period[0]).days + 1))


def report_figures(contract) -> dict:
    """Every figure of the final report of ``contract`` as plain JSON-ready values (amounts as strings)."""
    order = contract.order
    contract_levels = {cl.level: cl for cl in contract.levels.all()}
    order_levels = {ol.level: ol for ol in order.levels.all()}
    programme = order.programme
    levels = sorted(contract_levels, key=lambda key: category_sort_key(key, programme))
    periods = periods_between(programme, contract.period_start, contract.period_end)
    cells: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(COLUMNS, ZERO))
    for period in periods:
        for level in levels:
            cell = cells[(f"{period[0]:%Y-%m}", level)]
            cl, ol = contract_levels[level], order_levels.get(level)
            cell["contracted"] = _prorated(cl.places, cl.monthly_norm, period, contract.period_start, contract.period_end)
            if ol is not None:
                cell["ordered"] = _prorated(ol.places, ol.monthly_norm, period, order.service_start, order.service_end)
    with connection.cursor() as cursor:
        cursor.execute(LINES_SQL, [contract.pk])
        for month, level, submitted, accepted, paid in cursor.fetchall():
            cell = cells[(f"{month:%Y-%m}", level)]
            cell["submitted"], cell["accepted"], cell["paid"] = submitted, accepted, paid
    recovered = (
        Recovery.objects.filter(contract=contract).exclude(status=RecoveryStatus.CANCELLED)
        .values_list("line__act__month", "line__level").annotate(total=Sum("amount"))
    )
    for month, level, total in recovered:
        cells[(f"{month:%Y-%m}", level)]["recovered"] = total

    month_keys = sorted({key[0] for key in cells})
    level_order = sorted({key[1] for key in cells}, key=lambda key: category_sort_key(key, programme))
    by_month = []
    level_totals = {level: dict.fromkeys(COLUMNS, ZERO) for level in level_order}
    grand = dict.fromkeys(COLUMNS, ZERO)
    for month in month_keys:
        rows, month_total = [], dict.fromkeys(COLUMNS, ZERO)
        for level in level_order:
            if (month, level) not in cells:
                continue
            cell = cells[(month, level)]
            rows.append({"level": level, **{c: str(cell[c]) for c in COLUMNS}})
            for column in COLUMNS:
                month_total[column] += cell[column]
                level_totals[level][column] += cell[column]
                grand[column] += cell[column]
        by_month.append({"month": month, "rows": rows, "total": {c: str(v) for c, v in month_total.items()}})

    payments = list(
        Payment.objects.filter(act__contract=contract).select_related("act").order_by("act__month", "prepared_at", "id")
    )
    paid = [p for p in payments if p.status == PaymentStatus.PAID]
    settlement = {
        "paid_gross": sum((p.accepted_amount for p in paid), ZERO),
        "offset_applied": sum((p.offset_amount for p in paid), ZERO),
        "transferred": sum((p.amount for p in paid), ZERO),
        "recoveries_recorded": grand["recovered"],
    }
    live_offsets = (
        RecoveryOffset.objects.filter(recovery__contract=contract)
        .exclude(recovery__status=RecoveryStatus.CANCELLED)
        .exclude(payment__status__in=[PaymentStatus.FAILED, PaymentStatus.CANCELLED])
        .aggregate(total=Sum("amount", default=ZERO))["total"]
    )
    settlement["recoveries_outstanding"] = grand["recovered"] - live_offsets
    balanced = (
        settlement["paid_gross"] == grand["paid"]
        and settlement["paid_gross"] - settlement["offset_applied"] == settlement["transferred"]
    )
    return {
        "contract": {
            "id": contract.pk, "number": contract.number, "school_kk": contract.school.name_kk,
            "school_ru": contract.school.name_ru, "bin": contract.school.bin,
            "region": order.region_id, "programme_code": order.programme_code, "school_year": order.school_year,
            "programme": programme.code, "instrument": programme.instrument, "period": programme.period,
            "period_start": str(contract.period_start), "period_end": str(contract.period_end),
        },
        "levels": [
            {"level": level, "ordered_places": getattr(order_levels.get(level), "places", None),
             "ordered_norm": str(order_levels[level].monthly_norm) if level in order_levels else None,
             "contracted_places": contract_levels[level].places, "norm": str(contract_levels[level].monthly_norm)}
            for level in levels
        ],
        "months": by_month,
        "by_level": [{"level": level, **{c: str(v) for c, v in level_totals[level].items()}} for level in level_order],
        "total": {c: str(v) for c, v in grand.items()},
        "payments": [
            {"reference": p.reference, "month": f"{p.act.month:%Y-%m}", "status": p.status,
             "accepted": str(p.accepted_amount), "offset": str(p.offset_amount), "amount": str(p.amount),
             "paid_on": str(p.paid_on) if p.paid_on else None}
            for p in payments
        ],
        "settlement": {key: str(value) for key, value in settlement.items()},
        "balanced": balanced,
    }
