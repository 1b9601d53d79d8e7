"""Red flags for monitors: one set-based query per code, merged into ``ProcurementFlag`` rows.

A search (``flags_search``) runs every detector as of a day D (default today) and merges what it
found in SQL: a flag found for the first time is raised, one found again after it had cleared is
reopened (same row, same id), one no longer found is cleared. Each of these changes writes its
audit event (``ProcurementEvent.FLAG_*``), which is what notifications and monitoring cases hook
into. Running the search twice on the same data changes nothing.

Codes (one flag per …; found when …):

* PR01 (serial number): accepted at two or more schools.
* PR02 (unit): accepted on a day before its delivery's date.
* PR03 (delivery and line): an invoiced unit price above the line's unit price by more than
  ``PROCUREMENT_PRICE_OVER_CONTRACT_PCT`` % (rejected units aside).
* PR04 (contract line): its unit price above the national median of the item code by more than
  ``PROCUREMENT_PRICE_OVER_MEDIAN_PCT`` %, the item having at least ``PROCUREMENT_MEDIAN_MIN_LINES`` lines.
* PR05 (person and day): at least ``PROCUREMENT_BULK_MIN_UNITS`` units accepted by one person within
  ``PROCUREMENT_BULK_MINUTES`` minutes (first to last acceptance), on the day of the first.
* PR06 (contract): the supplier on the register of unreliable suppliers on the signing day, on a
  delivery day, or on D while the contract is active.
* PR07 (contract line): late, its penalty final (nothing outstanding, the cap reached, or the
  contract ended) and above zero, and no penalty claimed (or only cancelled ones).
* PR08 (warranty claim): not answered by its deadline — still open after it (as of D), or answered after it.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import CharField, Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from core.scoping import require
from core.services import audit_record
from core.workflow import transition_sql
from procurement.choices import LIVE_UNIT_STATUSES, ClaimStatus, ContractStatus, FlagCode, FlagStatus, ProcurementEvent, UnitStatus
from procurement.models import Delivery, DeliveryUnit, FlagRun, ProcurementContract, ProcurementFlag, WarrantyClaim
from procurement.registers import entry_evidence
from procurement.services.common import today
from schools.rules import register_entry_in_force_q

LOCK_KEY = 0x50524F43  # "PROC": one search at a time


def thresholds() -> dict:
    return {
        "PROCUREMENT_PRICE_OVER_CONTRACT_PCT": settings.PROCUREMENT_PRICE_OVER_CONTRACT_PCT,
        "PROCUREMENT_PRICE_OVER_MEDIAN_PCT": settings.PROCUREMENT_PRICE_OVER_MEDIAN_PCT,
        "PROCUREMENT_MEDIAN_MIN_LINES": settings.PROCUREMENT_MEDIAN_MIN_LINES,
        "PROCUREMENT_BULK_MIN_UNITS": settings.PROCUREMENT_BULK_MIN_UNITS,
        "PROCUREMENT_BULK_MINUTES": settings.PROCUREMENT_BULK_MINUTES,
    }


def _found(code, key, *, region_id=None, contract_id=None, school_id=None, summary="", evidence=None) -> tuple:
    return (code, str(key), region_id, contract_id, school_id, summary[:500],
            json.dumps(evidence or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def _fetch(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- detectors: each returns the flags it finds, from one set-based query --------------------------

def detect_serial_twice(as_of: dt.date) -> list[tuple]:
    rows = (
        DeliveryUnit.objects.filter(status=UnitStatus.ACCEPTED).order_by().values("serial_number")
        .annotate(
            schools=Count("delivery__school", distinct=True),
            regions=Count("delivery__contract__region", distinct=True),
            units=JSONBAgg(JSONObject(
                unit="id", delivery="delivery_id", school_id="delivery__school_id", school_bin="delivery__school__bin",
                contract="delivery__contract__number", region="delivery__contract__region_id", item_code="line__item_code",
                accepted_at="decided_at", accepted_by="decided_by_name",
            ), order_by=("decided_at", "id")),
        )
        .filter(schools__gte=2)
    )
    return [
        _found(FlagCode.SERIAL_TWICE, row["serial_number"], region_id=row["units"][0]["region"] if row["regions"] == 1 else None,
               summary=row["serial_number"], evidence={"serial_number": row["serial_number"], "schools": row["schools"],
                                                       "units": row["units"]})
        for row in rows
    ]


def detect_accepted_before_delivery(as_of: dt.date) -> list[tuple]:
    from procurement.selectors import local_date

    rows = (
        DeliveryUnit.objects.filter(status=UnitStatus.ACCEPTED).annotate(accepted_on=local_date("decided_at"))
        .filter(accepted_on__lt=F("delivery__delivered_on"))
        .values("id", "serial_number", "accepted_on", "decided_at", "decided_by_name", "inspected_at", "delivery_id",
                "delivery__delivered_on", "delivery__recorded_at", "delivery__school_id", "delivery__school__bin",
                "delivery__contract_id", "delivery__contract__number", "delivery__contract__region_id", "line__item_code")
    )
    return [
        _found(FlagCode.ACCEPTED_BEFORE_DELIVERY, row["id"], region_id=row["delivery__contract__region_id"],
               contract_id=row["delivery__contract_id"], school_id=row["delivery__school_id"],
               summary=f"{row['delivery__contract__number']} · {row['serial_number']}",
               evidence={"unit": row["id"], "serial_number": row["serial_number"], "item_code": row["line__item_code"],
                         "delivery": row["delivery_id"], "delivered_on": row["delivery__delivered_on"],
                         "delivery_recorded_at": row["delivery__recorded_at"], "accepted_on": row["accepted_on"],
                         "accepted_at": row["decided_at"], "accepted_by": row["decided_by_name"],
                         "inspected_at": row["inspected_at"], "school_bin": row["delivery__school__bin"],
                         "days_before": (row["delivery__delivered_on"] - row["accepted_on"]).days})
        for row in rows
    ]


def detect_price_above_contract(as_of: dt.date) -> list[tuple]:
    factor = 1 + settings.PROCUREMENT_PRICE_OVER_CONTRACT_PCT / 100
    rows = (
        DeliveryUnit.objects.filter(status__in=LIVE_UNIT_STATUSES, invoice_unit_price__gt=F("line__unit_price") * factor)
        .order_by().values("delivery_id", "line_id", "line__unit_price", "line__item_code", "delivery__delivered_on",
                           "delivery__school_id", "delivery__school__bin", "delivery__contract_id",
                           "delivery__contract__number", "delivery__contract__region_id")
        .annotate(units=Count("id"), highest=Max("invoice_unit_price"),
                  serials=JSONBAgg(JSONObject(serial="serial_number", price=Cast("invoice_unit_price", CharField())),
                                   order_by=("id",)))
    )
    found = []
    for row in rows:
        found.append(_found(
            FlagCode.PRICE_ABOVE_CONTRACT, f"{row['delivery_id']}:{row['line_id']}", region_id=row["delivery__contract__region_id"],
            contract_id=row["delivery__contract_id"], school_id=row["delivery__school_id"],
            summary=f"{row['delivery__contract__number']} · {row['line__item_code']}",
            evidence={"delivery": row["delivery_id"], "line": row["line_id"], "item_code": row["line__item_code"],
                      "delivered_on": row["delivery__delivered_on"], "school_bin": row["delivery__school__bin"],
                      "contract_unit_price": row["line__unit_price"], "highest_invoiced_price": row["highest"],
                      "units": row["units"], "unit_prices": row["serials"],
                      "tolerance_pct": settings.PROCUREMENT_PRICE_OVER_CONTRACT_PCT},
        ))
    return found


PRICE_MEDIAN_SQL = """
WITH stats AS (
    SELECT item_code, array_agg(unit_price ORDER BY unit_price) AS prices, count(*) AS n
    FROM procurement_contractline GROUP BY item_code HAVING count(*) >= %(min_lines)s
), medians AS (
    -- the exact median (numeric, no float): the middle price, or the mean of the two middle ones
    SELECT item_code, n, (prices[(n + 1) / 2] + prices[n / 2 + 1]) / 2 AS median FROM stats
)
SELECT l.id, l.item_code, l.item_name, l.unit_price, l.quantity, l.school_id, c.id AS contract_id, c.number,
       c.region_id, m.median, m.n
FROM procurement_contractline l
JOIN medians m ON m.item_code = l.item_code
JOIN procurement_procurementcontract c ON c.id = l.contract_id
WHERE l.unit_price * 100 > m.median * (100 + %(pct)s)
"""


def detect_price_above_median(as_of: dt.date) -> list[tuple]:
    rows = _fetch(PRICE_MEDIAN_SQL, {"min_lines": settings.PROCUREMENT_MEDIAN_MIN_LINES,
                                     "pct": settings.PROCUREMENT_PRICE_OVER_MEDIAN_PCT})
    return [
        _found(FlagCode.PRICE_ABOVE_MEDIAN, row["id"], region_id=row["region_id"], contract_id=row["contract_id"],
               school_id=row["school_id"], summary=f"{row['number']} · {row['item_code']}",
               evidence={"line": row["id"], "item_code": row["item_code"], "item_name": row["item_name"],
                         "unit_price": row["unit_price"], "quantity": row["quantity"], "national_median": row["median"],
                         "lines_of_the_item": row["n"], "tolerance_pct": settings.PROCUREMENT_PRICE_OVER_MEDIAN_PCT,
                         "above_median_pct": ((row["unit_price"] / row["median"] - 1) * 100).quantize(Decimal("0.01"))})
        for row in rows
    ]


BULK_SQL = """
WITH accepted AS (
    SELECT u.id, u.decided_by_id, u.decided_by_name, u.decided_at, d.school_id, c.region_id,
           count(*) OVER w AS n, max(u.decided_at) OVER w AS last_at
    FROM procurement_deliveryunit u
    JOIN procurement_delivery d ON d.id = u.delivery_id
    JOIN procurement_procurementcontract c ON c.id = d.contract_id
    WHERE u.status = 'accepted'
    WINDOW w AS (PARTITION BY u.decided_by_id ORDER BY u.decided_at RANGE BETWEEN CURRENT ROW AND %(window)s FOLLOWING)
), bursts AS (
    SELECT DISTINCT ON (decided_by_id, (decided_at AT TIME ZONE %(tz)s)::date)
           decided_by_id, decided_by_name, (decided_at AT TIME ZONE %(tz)s)::date AS day, decided_at AS first_at, last_at, n,
           school_id, region_id
    FROM accepted WHERE n >= %(min_units)s
    ORDER BY decided_by_id, (decided_at AT TIME ZONE %(tz)s)::date, n DESC, decided_at
)
SELECT b.*, (
    SELECT jsonb_agg(jsonb_build_object('unit', x.id, 'serial_number', x.serial_number, 'delivery', x.delivery_id,
                                        'accepted_at', x.decided_at, 'inspected_at', x.inspected_at)
                     ORDER BY x.decided_at, x.id)
    FROM procurement_deliveryunit x
    WHERE x.status = 'accepted' AND x.decided_by_id = b.decided_by_id AND x.decided_at BETWEEN b.first_at AND b.last_at
) AS units
FROM bursts b
"""


def detect_bulk_acceptance(as_of: dt.date) -> list[tuple]:
    rows = _fetch(BULK_SQL, {"window": dt.timedelta(minutes=settings.PROCUREMENT_BULK_MINUTES), "tz": settings.TIME_ZONE,
                             "min_units": settings.PROCUREMENT_BULK_MIN_UNITS})
    return [
        _found(FlagCode.BULK_ACCEPTANCE, f"{row['decided_by_id']}:{row['day'].isoformat()}", region_id=row["region_id"],
               school_id=row["school_id"], summary=f"{row['decided_by_name']} · {row['day']:%d.%m.%Y}",
               evidence={"person": row["decided_by_name"], "user": row["decided_by_id"], "day": row["day"],
                         "units": row["n"], "first_at": row["first_at"], "last_at": row["last_at"],
                         "seconds": int((row["last_at"] - row["first_at"]).total_seconds()),
                         "minutes_threshold": settings.PROCUREMENT_BULK_MINUTES,
                         "units_threshold": settings.PROCUREMENT_BULK_MIN_UNITS,
                         "accepted": json.loads(row["units"]) if isinstance(row["units"], str) else row["units"]})
        for row in rows
    ]


def detect_unreliable_supplier(as_of: dt.date) -> list[tuple]:
    from schools.models import UnreliableSupplierEntry

    entries = UnreliableSupplierEntry.objects.filter(bin=OuterRef("supplier_bin"))
    listed_delivery = Delivery.objects.filter(contract=OuterRef("pk")).filter(Exists(
        UnreliableSupplierEntry.objects.filter(register_entry_in_force_q(OuterRef("delivered_on")), bin=OuterRef("contract__supplier_bin"))))
    contracts = ProcurementContract.objects.filter(
        Exists(entries.filter(register_entry_in_force_q(OuterRef("signed_on"))))
        | Exists(listed_delivery)
        | (Q(status=ContractStatus.ACTIVE) & Exists(entries.filter(register_entry_in_force_q(as_of))))
    )
    found = []
    for contract in contracts:  # the flagged contracts only: their evidence, occasion by occasion
        register = list(UnreliableSupplierEntry.objects.filter(bin=contract.supplier_bin).order_by("included_on", "id"))

        def listed_on(day, register=register):
            return [entry_evidence(entry) for entry in register if entry.is_in_force_on(day)]

        occasions = []
        if listed_on(contract.signed_on):
            occasions.append({"occasion": "signing", "day": contract.signed_on, "entries": listed_on(contract.signed_on)})
        for delivery in contract.deliveries.order_by("delivered_on", "id"):
            if listed_on(delivery.delivered_on):
                occasions.append({"occasion": "delivery", "delivery": delivery.pk, "day": delivery.delivered_on,
                                  "entries": listed_on(delivery.delivered_on)})
        if contract.status == ContractStatus.ACTIVE and listed_on(as_of):
            occasions.append({"occasion": "as_of", "day": as_of, "entries": listed_on(as_of)})
        found.append(_found(FlagCode.UNRELIABLE_SUPPLIER, contract.pk, region_id=contract.region_id, contract_id=contract.pk,
                            summary=f"{contract.number} · {contract.supplier_bin}",
                            evidence={"contract": contract.number, "supplier_bin": contract.supplier_bin,
                                      "supplier_name": contract.supplier_name, "occasions": occasions}))
    return found


def detect_late_without_penalty(as_of: dt.date) -> list[tuple]:
    from procurement.models import ContractLine
    from procurement.selectors import has_live_penalty, lines_with_lateness

    rows = (
        lines_with_lateness(ContractLine.objects.all(), as_of=as_of)
        .filter(penalty_final=True, late_units__gt=0, penalty__gt=0)
        .exclude(has_live_penalty())
        .values("id", "item_code", "quantity", "unit_price", "delivery_due", "late_units", "unit_days", "penalty",
                "effective_as_of", "accepted_count", "school_id", "school__bin", "contract_id", "contract__number",
                "contract__region_id", "contract__status")
    )
    return [
        _found(FlagCode.LATE_WITHOUT_PENALTY, row["id"], region_id=row["contract__region_id"], contract_id=row["contract_id"],
               school_id=row["school_id"], summary=f"{row['contract__number']} · {row['item_code']}",
               evidence={"line": row["id"], "item_code": row["item_code"], "school_bin": row["school__bin"],
                         "quantity": row["quantity"], "accepted": row["accepted_count"], "unit_price": row["unit_price"],
                         "delivery_due": row["delivery_due"], "as_of": row["effective_as_of"], "late_units": row["late_units"],
                         "unit_days": row["unit_days"], "penalty_due": row["penalty"],
                         "contract_status": row["contract__status"]})
        for row in rows
    ]


def detect_warranty_unanswered(as_of: dt.date) -> list[tuple]:
    rows = (
        WarrantyClaim.objects.filter(Q(status=ClaimStatus.OPEN, response_due_on__lt=as_of) | Q(answered_on__gt=F("response_due_on")))
        .values("id", "filed_on", "response_due_on", "answered_on", "status", "unit__serial_number", "unit__line__item_code",
                "unit__delivery__school_id", "unit__delivery__school__bin", "unit__delivery__contract_id",
                "unit__delivery__contract__number", "unit__delivery__contract__region_id",
                "unit__delivery__contract__supplier_bin")
    )
    return [
        _found(FlagCode.WARRANTY_UNANSWERED, row["id"], region_id=row["unit__delivery__contract__region_id"],
               contract_id=row["unit__delivery__contract_id"], school_id=row["unit__delivery__school_id"],
               summary=f"{row['unit__delivery__contract__number']} · {row['unit__serial_number']}",
               evidence={"claim": row["id"], "serial_number": row["unit__serial_number"], "item_code": row["unit__line__item_code"],
                         "school_bin": row["unit__delivery__school__bin"], "supplier_bin": row["unit__delivery__contract__supplier_bin"],
                         "filed_on": row["filed_on"], "response_due_on": row["response_due_on"], "answered_on": row["answered_on"],
                         "status": row["status"],
                         "days_late": ((row["answered_on"] or as_of) - row["response_due_on"]).days})
        for row in rows
    ]


DETECTORS = {
    FlagCode.SERIAL_TWICE: detect_serial_twice,
    FlagCode.ACCEPTED_BEFORE_DELIVERY: detect_accepted_before_delivery,
    FlagCode.PRICE_ABOVE_CONTRACT: detect_price_above_contract,
    FlagCode.PRICE_ABOVE_MEDIAN: detect_price_above_median,
    FlagCode.BULK_ACCEPTANCE: detect_bulk_acceptance,
    FlagCode.UNRELIABLE_SUPPLIER: detect_unreliable_supplier,
    FlagCode.LATE_WITHOUT_PENALTY: detect_late_without_penalty,
    FlagCode.WARRANTY_UNANSWERED: detect_warranty_unanswered,
}


# --- the search ------------------------------------------------------------------------------------

# A flag found is open (raised, kept open, or reopened: ``ProcurementFlag.TRANSITIONS["reopen"]``); an open flag
# no longer found is cleared (``["clear"]``). Both statements are built from those entries.
_REOPEN_FROM, _OPEN = transition_sql(ProcurementFlag.TRANSITIONS, "reopen")
_CLEAR_FROM, _CLEARED = transition_sql(ProcurementFlag.TRANSITIONS, "clear")
MERGE_SQL = f"""
INSERT INTO procurement_procurementflag
    (code, key, status, region_id, contract_id, school_id, summary, evidence, first_raised_at, last_seen_at, cleared_at, last_run_id)
SELECT f.code, f.key, '{_OPEN}', f.region_id, f.contract_id, f.school_id, f.summary, f.evidence, %(now)s, %(now)s, NULL, %(run)s
FROM procurement_found f
ON CONFLICT (code, key) DO UPDATE SET
    status = '{_OPEN}', region_id = EXCLUDED.region_id, contract_id = EXCLUDED.contract_id, school_id = EXCLUDED.school_id,
    summary = EXCLUDED.summary, evidence = EXCLUDED.evidence, last_seen_at = EXCLUDED.last_seen_at, cleared_at = NULL,
    last_run_id = EXCLUDED.last_run_id
"""

CLEAR_SQL = f"""
UPDATE procurement_procurementflag p SET status = '{_CLEARED}', cleared_at = %(now)s
WHERE p.status IN ({", ".join(f"'{status}'" for status in _CLEAR_FROM)})
  AND NOT EXISTS (SELECT 1 FROM procurement_found f WHERE f.code = p.code AND f.key = p.key)
RETURNING p.id
"""


@transaction.atomic
def flags_search(*, actor=None, as_of: dt.date | None = None) -> FlagRun:
    """Run every detector as of ``as_of`` and merge the result into the flags (one search at a time)."""
    from psycopg2.extras import execute_values

    require(actor, "search", FlagRun)
    as_of = as_of or today()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    run = FlagRun.objects.create(as_of=as_of, started_by=actor if getattr(actor, "pk", None) else None,
                                 settings_used=json.loads(json.dumps(thresholds(), cls=DjangoJSONEncoder)))
    found: list[tuple] = []
    for detector in DETECTORS.values():
        found.extend(detector(as_of))
    moment = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE TEMPORARY TABLE procurement_found (
                code varchar(4), key varchar(200), region_id varchar(2), contract_id bigint, school_id bigint,
                summary varchar(500), evidence jsonb, PRIMARY KEY (code, key)
            ) ON COMMIT DROP
        """)
        execute_values(cursor, "INSERT INTO procurement_found VALUES %s", found, template="(%s, %s, %s, %s, %s, %s, %s::jsonb)")
        cursor.execute("""
            SELECT f.code, f.key, p.id, p.status FROM procurement_found f
            LEFT JOIN procurement_procurementflag p ON p.code = f.code AND p.key = f.key
        """)
        before = cursor.fetchall()
        cursor.execute(MERGE_SQL, {"now": moment, "run": run.pk})
        cursor.execute(CLEAR_SQL, {"now": moment})
        cleared = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE procurement_found")
    raised = ProcurementFlag.objects.filter(last_run=run, first_raised_at=moment)  # the rows this search inserted
    reopened = [pk for _code, _key, pk, status in before if status == FlagStatus.CLEARED]
    changed = {
        ProcurementEvent.FLAG_RAISED: raised,
        ProcurementEvent.FLAG_REOPENED: ProcurementFlag.objects.filter(pk__in=reopened),
        ProcurementEvent.FLAG_CLEARED: ProcurementFlag.objects.filter(pk__in=cleared),
    }
    for event, flags in changed.items():
        for flag in flags.order_by("code", "id"):  # the changed flags only: one event each (notifications hook here)
            audit_record(actor=actor, action=event, subject=flag, to_status=flag.status,
                         data={"code": flag.code, "key": flag.key, "run": run.pk, "as_of": as_of})
    counts = {code: 0 for code in FlagCode.values}
    for row in ProcurementFlag.objects.filter(status=FlagStatus.OPEN).values("code").annotate(n=Count("id")):
        counts[row["code"]] = row["n"]
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    audit_record(actor=actor, action=ProcurementEvent.FLAGS_RUN, subject=run, data={
        "as_of": as_of, "counts": counts, "raised": raised.count(), "reopened": len(reopened), "cleared": len(cleared)})
    return run
