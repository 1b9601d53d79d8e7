"""Building the public tables from the portal's data (``opendata.services.publication_refresh`` runs it).

Every figure is aggregated in the database (``GROUP BY``; no loop over pupils or act lines). What
comes back is a few rows per school, contract and month; the small-numbers rule
(``opendata.privacy``) is applied to those rows before anything is written, and the region and
country totals are the sums of the published tree's leaves (so the tree adds up).

Nothing here reads a column that holds personal data: pupils are counted by enrolment id, money is
summed, findings are counted by code. The public tables have no column to hold it anyway.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, Count, F, Min, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Cast, RowNumber

from acts.choices import ActStatus, LineDecision
from acts.models import ActLine
from checks.choices import CONTRACT_CODES, FindingStatus
from checks.models import Finding
from contingent.models import Enrolment
from contingent.rules import active_on_q
from core.calendar import school_year_of
from core.models import AuditEvent
from opendata import models as public
from opendata.choices import Grain, Mark
from opendata.privacy import Figure, figure
from orders.choices import ContractParty, ContractStatus, OrderStatus
from orders.models import Application, ApplicationLevel, Contract, ContractLevel, ContractSignature, StateOrder, StateOrderLevel
from payments.choices import PaymentStatus, RecoveryStatus
from payments.models import Payment, Recovery
from programmes.choices import BeneficiaryKind, InstrumentCode
from schools.models import Licence, School
from schools.rules import level_of_grade

BATCH = 2000
ZERO = Decimal("0.00")

# Children first: the order in which the public tables are emptied (the reverse is the order of filling).
TABLES = [
    public.MonthlyFigure, public.PublicPayment, public.PublicContractLevel, public.PublicContract,
    public.PublicApplicationLevel, public.PublicApplication, public.PublicOrderLevel, public.PublicOrder,
    public.FindingFigure, public.ContingentFigure, public.PublicLicence, public.PublicSchool,
]


def empty_tables() -> None:
    """Delete every row of the public tables (the refresh's transaction fills them again)."""
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')  # noqa: S608 - our own table names


def _create(model, rows: list) -> int:
    model.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- organisations ---------------------------------------------------------------------------

def build_schools() -> int:
    fields = ["id", "bin", "name_kk", "name_ru", "region_id", "kato", "address", "oked", "capacity", "status"]
    return _create(public.PublicSchool, [public.PublicSchool(**row) for row in School.objects.values(*fields)])


def build_licences() -> int:
    school_id = School.objects.filter(bin=OuterRef("bin")).values("id")[:1]
    rows = (Licence.objects.filter(bin__in=School.objects.values("bin")).annotate(school_ref=Subquery(school_id))
            .values("school_ref", "bin", "number", "issued_on", "levels", "status"))
    return _create(public.PublicLicence, [
        public.PublicLicence(school_id=row.pop("school_ref"), **row) for row in rows
    ])


# --- figures over pupils ---------------------------------------------------------------------

def build_contingent(as_of: dt.date) -> int:
    """Pupils active on ``as_of`` by school and level, by school, by region and for the country."""
    counts = (Enrolment.objects.filter(active_on_q(as_of), kind=BeneficiaryKind.PUPIL).values("school_id", "school__region_id", "grade")
              .annotate(pupils=Count("id")).order_by())
    by_level: dict[tuple[int, str, str], int] = defaultdict(int)
    for row in counts:
        by_level[(row["school_id"], row["school__region_id"], level_of_grade(row["grade"]).value)] += row["pupils"]
    by_school: dict[tuple[int, str], int] = defaultdict(int)
    by_region: dict[str, int] = defaultdict(int)
    rows = []
    for (school_id, region_id, level), pupils in sorted(by_level.items()):
        by_school[(school_id, region_id)] += pupils
        rows.append(_contingent(Grain.SCHOOL, region_id, school_id, level, pupils))
    for (school_id, region_id), pupils in sorted(by_school.items()):
        by_region[region_id] += pupils
        rows.append(_contingent(Grain.SCHOOL, region_id, school_id, "", pupils))
    for region_id, pupils in sorted(by_region.items()):
        rows.append(_contingent(Grain.REGION, region_id, None, "", pupils))
    rows.append(_contingent(Grain.COUNTRY, None, None, "", sum(by_region.values())))
    return _create(public.ContingentFigure, rows)


def _contingent(grain, region_id, school_id, level, pupils: int) -> public.ContingentFigure:
    shown = figure(pupils, pupils=pupils)
    return public.ContingentFigure(grain=grain, region_id=region_id, school_id=school_id, level=level,
                                   pupils=shown.value, pupils_mark=shown.mark)


def build_findings() -> int:
    """Open findings by code: per school, per region, for the country.

    A pupil code counts enrolments (the <5 rule applies); a school code counts schools or school
    levels, shown as they are.
    """
    counts = (Finding.objects.filter(status=FindingStatus.OPEN, code__in=CONTRACT_CODES)  # the state order's codes
              .values("school_id", "school__region_id", "code")
              .annotate(findings=Count("id"), pupils=Count("enrolment_id", distinct=True)).order_by())
    rows = []
    by_region: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_country: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in counts:
        code = row["code"]
        rows.append(_finding(Grain.SCHOOL, row["school__region_id"], row["school_id"], code, row["findings"], row["pupils"]))
        for cell in (by_region[(row["school__region_id"], code)], by_country[code]):
            cell[0] += row["findings"]
            cell[1] += row["pupils"]
    for (region_id, code), (findings, pupils) in sorted(by_region.items()):
        rows.append(_finding(Grain.REGION, region_id, None, code, findings, pupils))
    for code, (findings, pupils) in sorted(by_country.items()):
        rows.append(_finding(Grain.COUNTRY, None, None, code, findings, pupils))
    return _create(public.FindingFigure, rows)


def _finding(grain, region_id, school_id, code, findings: int, pupils: int) -> public.FindingFigure:
    # A school finding concerns no pupil (no enrolment): shown as it is.
    shown = figure(findings, pupils=pupils) if pupils else Figure(findings, Mark.SHOWN)
    return public.FindingFigure(grain=grain, region_id=region_id, school_id=school_id, code=code,
                                count=shown.value, count_mark=shown.mark)


# --- orders, the queue, contracts ------------------------------------------------------------

# The open data publishes the state educational order (``school_per_capita``): its tables speak of
# pupils, levels and monthly norms. Calls of the other funding programmes (dormitory places,
# scholarships, grants) have categories and per-term norms that these tables cannot say, so they are
# left out until the public tables and OCDS carry the programme and its unit.
STATE_ORDER = {"programme__instrument": InstrumentCode.SCHOOL_PER_CAPITA}


def _of(path: str) -> dict:
    """``STATE_ORDER`` seen from a row that reaches the order through ``path``."""
    return {f"{path}__{key}": value for key, value in STATE_ORDER.items()}


def build_orders() -> int:
    order_type = ContentType.objects.get_for_model(StateOrder)
    published_at = (AuditEvent.objects.filter(content_type=order_type, object_id=Cast(OuterRef("pk"), CharField()),
                                              to_status=OrderStatus.PUBLISHED)
                    .order_by().values("object_id").annotate(first=Min("created_at")).values("first"))
    places = StateOrderLevel.objects.filter(order=OuterRef("pk")).order_by().values("order")
    orders = (StateOrder.objects.filter(**STATE_ORDER).exclude(status=OrderStatus.DRAFT)
              .annotate(published=Subquery(published_at),
                        all_places=Subquery(places.annotate(total=Sum("places")).values("total")),
                        all_approved=Subquery(places.annotate(total=Sum("approved_places")).values("total"))))
    fields = ["id", "region_id", "school_year", "programme_code", "title", "status", "budget", "committed_amount",
              "sen_coefficient", "applications_open_at", "applications_close_at", "service_start", "service_end"]
    count = _create(public.PublicOrder, [
        public.PublicOrder(**{f: getattr(order, f) for f in fields}, published_at=order.published,
                           places=order.all_places or 0, approved_places=order.all_approved or 0)
        for order in orders
    ])
    levels = StateOrderLevel.objects.filter(**_of("order")).exclude(order__status=OrderStatus.DRAFT).values(
        "order_id", "level", "places", "approved_places", "monthly_norm")
    _create(public.PublicOrderLevel, [public.PublicOrderLevel(**row) for row in levels])
    return count


def build_applications() -> int:
    applications = (Application.objects.filter(**_of("order")).exclude(order__status=OrderStatus.DRAFT)
                    .annotate(position=Window(RowNumber(), partition_by=[F("order_id")],
                                              order_by=[F("submitted_at").asc(), F("id").asc()]))
                    .values("id", "order_id", "order__region_id", "school_id", "position", "status", "submitted_at",
                            "decided_at"))
    count = _create(public.PublicApplication, [
        public.PublicApplication(region_id=row.pop("order__region_id"), **row) for row in applications
    ])
    levels = ApplicationLevel.objects.filter(**_of("application__order")).exclude(
        application__order__status=OrderStatus.DRAFT).values(
        "application_id", "level", "requested_places", "approved_places")
    _create(public.PublicApplicationLevel, [public.PublicApplicationLevel(**row) for row in levels])
    return count


def public_contracts():
    """The contracts the public sees: every state-order one but drafts (not yet signed by anyone)."""
    return Contract.objects.filter(**_of("order")).exclude(status=ContractStatus.DRAFT)


def build_contracts() -> int:
    signed_at = ContractSignature.objects.filter(contract=OuterRef("pk"), party=ContractParty.DEPARTMENT).values("signed_at")[:1]
    places = (ContractLevel.objects.filter(contract=OuterRef("pk")).order_by().values("contract")
              .annotate(total=Sum("places")).values("total"))
    contracts = (public_contracts().annotate(signed=Subquery(signed_at), all_places=Subquery(places))
                 .values("id", "number", "order_id", "application_id", "order__region_id", "school_id", "order__school_year",
                         "status", "period_start", "period_end", "months", "total_amount", "signed", "all_places"))
    count = _create(public.PublicContract, [
        public.PublicContract(
            region_id=row.pop("order__region_id"), school_year=row.pop("order__school_year"), signed_at=row.pop("signed"),
            places=row.pop("all_places") or 0, **row,
        )
        for row in contracts
    ])
    levels = ContractLevel.objects.filter(contract__in=public_contracts()).values("contract_id", "level", "places", "monthly_norm")
    _create(public.PublicContractLevel, [public.PublicContractLevel(**row) for row in levels])
    return count


# --- money -----------------------------------------------------------------------------------

REVIEWED = [ActStatus.ACCEPTED, ActStatus.PARTLY_ACCEPTED, ActStatus.PAID]


def build_monthly() -> int:
    """Accepted, paid and recovered money by contract and month, by region and month, for the country.

    The definitions of the final report (``payments.reports``): accepted — accepted lines of reviewed
    acts (current version); paid — accepted lines of paid acts; recovered — recoveries not cancelled
    of lines of that month. Pupils are counted as distinct enrolments.
    """
    contracts = {c.id: c for c in public.PublicContract.objects.only("id", "region_id", "school_id", "school_year")}
    cells: dict[tuple[int, dt.date], dict] = defaultdict(lambda: {
        "accepted": ZERO, "accepted_n": 0, "paid": ZERO, "paid_n": 0, "recovered": ZERO, "recovered_n": 0})
    lines = (ActLine.objects.filter(version=F("act__version"), decision=LineDecision.ACCEPTED, act__status__in=REVIEWED)
             .values("act__contract_id", "act__month")
             .annotate(accepted=Sum("amount"), accepted_n=Count("enrolment_id", distinct=True),
                       paid=Sum("amount", filter=Q(act__status=ActStatus.PAID), default=ZERO),
                       paid_n=Count("enrolment_id", distinct=True, filter=Q(act__status=ActStatus.PAID)))
             .order_by())
    for row in lines:
        cell = cells[(row["act__contract_id"], row["act__month"])]
        for key in ("accepted", "accepted_n", "paid", "paid_n"):
            cell[key] = row[key]
    recovered = (Recovery.objects.exclude(status=RecoveryStatus.CANCELLED).values("contract_id", "line__act__month")
                 .annotate(recovered=Sum("amount"), recovered_n=Count("line__enrolment_id", distinct=True)).order_by())
    for row in recovered:
        cell = cells[(row["contract_id"], row["line__act__month"])]
        cell["recovered"], cell["recovered_n"] = row["recovered"], row["recovered_n"]

    rows = []
    totals: dict[tuple[str | None, dt.date], dict] = defaultdict(lambda: dict.fromkeys(
        ("accepted", "accepted_n", "paid", "paid_n", "recovered", "recovered_n"), 0))
    for (contract_id, month), cell in sorted(cells.items()):
        contract = contracts.get(contract_id)
        if contract is None:
            continue
        rows.append(_monthly(Grain.CONTRACT, contract.region_id, contract.school_id, contract_id, month, cell))
        for key in ((contract.region_id, month), (None, month)):
            for name, value in cell.items():
                totals[key][name] += value
    for (region_id, month), cell in sorted(totals.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        grain = Grain.REGION if region_id else Grain.COUNTRY
        rows.append(_monthly(grain, region_id, None, None, month, cell))
    return _create(public.MonthlyFigure, rows)


def _monthly(grain, region_id, school_id, contract_id, month: dt.date, cell: dict) -> public.MonthlyFigure:
    values = {}
    for name in ("accepted", "paid", "recovered"):
        shown = figure(Decimal(cell[name]).quantize(ZERO), pupils=cell[f"{name}_n"])
        values[name], values[f"{name}_mark"] = shown.value, shown.mark
    return public.MonthlyFigure(grain=grain, region_id=region_id, school_id=school_id, contract_id=contract_id,
                                month=month, school_year=school_year_of(month), **values)


def build_payments() -> int:
    """Payments the bank confirmed (or settled by offsets): the amount transferred, under the <5 rule."""
    pupils = (ActLine.objects.filter(act=OuterRef("act"), version=OuterRef("act__version"), decision=LineDecision.ACCEPTED)
              .order_by().values("act").annotate(n=Count("enrolment_id", distinct=True)).values("n"))
    payments = (Payment.objects.filter(status=PaymentStatus.PAID, act__contract__in=public_contracts())
                .annotate(pupils=Subquery(pupils))
                .values("id", "act__contract_id", "act__contract__order__region_id", "act__school_id", "act__month",
                        "paid_on", "amount", "pupils"))
    rows = []
    for row in payments:
        shown = figure(row["amount"], pupils=row["pupils"] or 0)
        rows.append(public.PublicPayment(
            id=row["id"], reference=Payment(pk=row["id"]).reference, contract_id=row["act__contract_id"],
            region_id=row["act__contract__order__region_id"], school_id=row["act__school_id"], month=row["act__month"],
            paid_on=row["paid_on"], amount=shown.value, amount_mark=shown.mark,
        ))
    return _create(public.PublicPayment, rows)


def build_all(*, as_of: dt.date) -> dict[str, int]:
    """Empty and fill every public table; returns the rows written per table."""
    empty_tables()
    return {
        "schools": build_schools(),
        "licences": build_licences(),
        "contingent": build_contingent(as_of),
        "findings": build_findings(),
        "orders": build_orders(),
        "applications": build_applications(),
        "contracts": build_contracts(),
        "monthly": build_monthly(),
        "payments": build_payments(),
    }

