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
from opendata.privacy import Figure, Relation, figure, is_small, withhold
from orders.choices import ContractParty, ContractStatus, OrderStatus
from orders.models import Application, ApplicationLevel, Contract, ContractLevel, ContractSignature, StateOrder, StateOrderLevel
from payments.choices import PaymentStatus, RecoveryStatus
from payments.models import Payment, Recovery, RecoveryOffset
from programmes.choices import BeneficiaryKind, InstrumentCode
from schools.models import Licence, School
from schools.rules import level_of_grade

BATCH = 2000
ZERO = Decimal("0.00")

# Children first: the order in which the public tables are emptied (the reverse is the order of filling).
TABLES = [
    public.ProcurementFigure, public.PublicAuditHead, public.MonthlyFigure, public.PublicPayment, public.PublicContractLevel, public.PublicContract,
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
    """Pupils active on ``as_of`` by school and level, by school, by region and for the country.

    The cells form one tree (levels → school → region → country); ``opendata.privacy.withhold`` decides
    the marks of the whole tree at once.
    """
    counts = (Enrolment.objects.filter(active_on_q(as_of), kind=BeneficiaryKind.PUPIL).values("school_id", "school__region_id", "grade")
              .annotate(pupils=Count("id")).order_by())
    by_level: dict[tuple[int, str, str], int] = defaultdict(int)
    for row in counts:
        by_level[(row["school_id"], row["school__region_id"], level_of_grade(row["grade"]).value)] += row["pupils"]
    cells: dict[tuple, int] = {}  # (grain, region, school, level) → pupils
    schools: dict[tuple, list] = defaultdict(list)
    regions: dict[tuple, list] = defaultdict(list)
    for (school_id, region_id, level), pupils in sorted(by_level.items()):
        cell, school = (Grain.SCHOOL, region_id, school_id, level), (Grain.SCHOOL, region_id, school_id, "")
        cells[cell] = pupils
        cells[school] = cells.get(school, 0) + pupils
        schools[school].append(cell)
    for school in sorted(schools):
        region = (Grain.REGION, school[1], None, "")
        cells[region] = cells.get(region, 0) + cells[school]
        regions[region].append(school)
    country = (Grain.COUNTRY, None, None, "")
    cells[country] = sum(cells[region] for region in regions)
    relations = [Relation(total, tuple(parts)) for total, parts in (*schools.items(), *regions.items())]
    relations.append(Relation(country, tuple(sorted(regions))))
    shown = withhold(cells, cells, relations)
    return _create(public.ContingentFigure, [
        public.ContingentFigure(grain=grain, region_id=region_id, school_id=school_id, level=level,
                                pupils=shown[key].value, pupils_mark=shown[key].mark)
        for key in cells for grain, region_id, school_id, level in [key]
    ])


def build_findings() -> int:
    """Open findings by code: per school, per region, for the country.

    A pupil code counts enrolments (the <5 rule applies, with complementary suppression over the tree
    school → region → country of each code); a school code counts schools or school levels, shown as
    they are (its cells are over no pupil).
    """
    counts = (Finding.objects.filter(status=FindingStatus.OPEN, code__in=CONTRACT_CODES)  # the state order's codes
              .values("school_id", "school__region_id", "code")
              .annotate(findings=Count("id"), pupils=Count("enrolment_id", distinct=True)).order_by("code", "school_id"))
    findings: dict[tuple, int] = {}  # (grain, region, school, code) → findings
    pupils: dict[tuple, int] = defaultdict(int)
    regions: dict[tuple, list] = defaultdict(list)
    countries: dict[tuple, list] = defaultdict(list)
    for row in counts:
        code, region_id = row["code"], row["school__region_id"]
        school = (Grain.SCHOOL, region_id, row["school_id"], code)
        findings[school], pupils[school] = row["findings"], row["pupils"]
        regions[(Grain.REGION, region_id, None, code)].append(school)
    for region in sorted(regions, key=lambda key: (key[3], key[1])):
        findings[region] = sum(findings[school] for school in regions[region])
        pupils[region] = sum(pupils[school] for school in regions[region])
        countries[(Grain.COUNTRY, None, None, region[3])].append(region)
    for country in sorted(countries, key=lambda key: key[3]):
        findings[country] = sum(findings[region] for region in countries[country])
        pupils[country] = sum(pupils[region] for region in countries[country])
    relations = [Relation(total, tuple(parts)) for total, parts in (*regions.items(), *countries.items())]
    shown = withhold(findings, pupils, relations)
    return _create(public.FindingFigure, [
        public.FindingFigure(grain=grain, region_id=region_id, school_id=school_id, code=code,
                             count=shown[key].value, count_mark=shown[key].mark)
        for key in findings for grain, region_id, school_id, code in [key]
    ])


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
    fields = ["id", "region_id", "school_year", "programme_code", "title", "title_ru", "title_en", "status", "budget", "committed_amount",
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


MEASURES = ("accepted", "paid", "recovered")


def build_monthly() -> int:
    """Accepted, paid and recovered money by contract and month, by region and month, for the country.

    The definitions of the final report (``payments.reports``): accepted — accepted lines of reviewed
    acts (current version); paid — accepted lines of paid acts; recovered — recoveries not cancelled
    of lines of that month. Pupils are counted as distinct enrolments. Each month and measure is a tree
    (contracts → region → country) under complementary suppression; the three measures of a row share
    their fate (a paid act's accepted money is its paid money).
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

    rows: dict[tuple, dict] = {}  # (grain, region, contract, month) → the row's cell
    regions: dict[tuple, list] = defaultdict(list)
    countries: dict[tuple, list] = defaultdict(list)
    for (contract_id, month), cell in sorted(cells.items()):
        contract = contracts.get(contract_id)
        if contract is None:
            continue
        key = (Grain.CONTRACT, contract.region_id, contract_id, month)
        rows[key] = cell
        regions[(Grain.REGION, contract.region_id, None, month)].append(key)
    for region in sorted(regions, key=lambda key: (key[3], key[1])):
        rows[region] = _summed(rows[key] for key in regions[region])
        countries[(Grain.COUNTRY, None, None, region[3])].append(region)
    for country in sorted(countries, key=lambda key: key[3]):
        rows[country] = _summed(rows[key] for key in countries[country])
    values = {(key, name): Decimal(cell[name]).quantize(ZERO) for key, cell in rows.items() for name in MEASURES}
    pupils = {(key, name): cell[f"{name}_n"] for key, cell in rows.items() for name in MEASURES}
    relations = [Relation((total, name), tuple((part, name) for part in parts))
                 for total, parts in (*regions.items(), *countries.items()) for name in MEASURES]
    shown = withhold(values, pupils, relations, linked=lambda cell: [(cell[0], name) for name in MEASURES])
    return _create(public.MonthlyFigure, [
        public.MonthlyFigure(grain=grain, region_id=region_id, contract_id=contract_id, month=month,
                             school_id=contracts[contract_id].school_id if contract_id else None,
                             school_year=school_year_of(month),
                             **{field: value for name in MEASURES
                                for field, value in ((name, shown[(key, name)].value), (f"{name}_mark", shown[(key, name)].mark))})
        for key in rows for grain, region_id, contract_id, month in [key]
    ])


def _summed(cells) -> dict:
    total = dict.fromkeys(("accepted", "accepted_n", "paid", "paid_n", "recovered", "recovered_n"), 0)
    for cell in cells:
        for name, value in cell.items():
            total[name] += value
    return total


def build_payments() -> int:
    """Payments the bank confirmed (or settled by offsets): the amount transferred.

    A payment pays the accepted money of one contract and month less the recoveries it offsets: it is
    withheld with that month's paid money (``<5`` or ``x``, from ``build_monthly``, which runs first),
    and withheld (``x``) when the recoveries it offsets are over 1 to 4 pupils — the paid money minus
    the amount would tell them.
    """
    pupils = (ActLine.objects.filter(act=OuterRef("act"), version=OuterRef("act__version"), decision=LineDecision.ACCEPTED)
              .order_by().values("act").annotate(n=Count("enrolment_id", distinct=True)).values("n"))
    offset_pupils = (RecoveryOffset.objects.filter(payment=OuterRef("pk")).order_by().values("payment")
                     .annotate(n=Count("recovery__line__enrolment_id", distinct=True)).values("n"))
    payments = (Payment.objects.filter(status=PaymentStatus.PAID, act__contract__in=public_contracts())
                .annotate(pupils=Subquery(pupils), offset_pupils=Subquery(offset_pupils))
                .values("id", "act__contract_id", "act__contract__order__region_id", "act__school_id", "act__month",
                        "paid_on", "amount", "pupils", "offset_pupils"))
    paid_marks = dict(((row.contract_id, row.month), row.paid_mark) for row in
                      public.MonthlyFigure.objects.filter(grain=Grain.CONTRACT).only("contract_id", "month", "paid_mark"))
    rows = []
    for row in payments:
        shown = figure(row["amount"], pupils=row["pupils"] or 0)
        mark = paid_marks.get((row["act__contract_id"], row["act__month"]), Mark.SHOWN)
        if shown.mark == Mark.SHOWN and (mark != Mark.SHOWN or is_small(row["offset_pupils"] or 0)):
            shown = Figure(None, mark if mark != Mark.SHOWN else Mark.WITHHELD)
        rows.append(public.PublicPayment(
            id=row["id"], reference=Payment(pk=row["id"]).reference, contract_id=row["act__contract_id"],
            region_id=row["act__contract__order__region_id"], school_id=row["act__school_id"], month=row["act__month"],
            paid_on=row["paid_on"], amount=shown.value, amount_mark=shown.mark,
        ))
    return _create(public.PublicPayment, rows)


# --- procurement oversight (issue 17) ----------------------------------------------------------

PROCUREMENT_FIGURES = ("contracts", "units", "amount", "units_on_time", "units_accepted_late", "units_late",
                       "penalty_due", "penalties_claimed", "penalties_paid")


def build_procurement(as_of: dt.date) -> int:
    """Procurement contracts by region and for the country, as of ``as_of``: contracted, accepted on time and late,
    late units and penalties (``public.ProcurementFigure``). Each figure is one GROUP BY over the procurement tables;
    lateness and the penalty are the rule's SQL twin (``procurement.selectors.lines_with_lateness``)."""
    from procurement.choices import PenaltyStatus, UnitStatus
    from procurement.models import ContractLine, DeliveryUnit, PenaltyClaim, ProcurementContract
    from procurement.selectors import lines_with_lateness, local_date

    cells: dict[str, dict] = defaultdict(lambda: dict.fromkeys(PROCUREMENT_FIGURES, 0))
    for row in ProcurementContract.objects.values("region_id").annotate(n=Count("id")).order_by():
        cells[row["region_id"]]["contracts"] = row["n"]
    lines = (lines_with_lateness(ContractLine.objects.all(), as_of=as_of).values("contract__region_id")
             .annotate(n_units=Sum("quantity"), n_amount=Sum(F("quantity") * F("unit_price")), n_late=Sum("late_units"),
                       n_penalty=Sum("penalty"))
             .order_by())
    for row in lines:
        cell = cells[row["contract__region_id"]]
        cell["units"], cell["amount"] = row["n_units"] or 0, row["n_amount"] or ZERO
        cell["units_late"], cell["penalty_due"] = row["n_late"] or 0, row["n_penalty"] or ZERO
    accepted = (DeliveryUnit.objects.filter(status=UnitStatus.ACCEPTED).annotate(day=local_date("decided_at"))
                .values("line__contract__region_id")
                .annotate(on_time=Count("id", filter=Q(day__lte=F("line__delivery_due"))),
                          late=Count("id", filter=Q(day__gt=F("line__delivery_due"))))
                .order_by())
    for row in accepted:
        cell = cells[row["line__contract__region_id"]]
        cell["units_on_time"], cell["units_accepted_late"] = row["on_time"], row["late"]
    claims = (PenaltyClaim.objects.exclude(status=PenaltyStatus.CANCELLED).values("line__contract__region_id")
              .annotate(claimed=Sum("amount"), paid=Sum("amount", filter=Q(status=PenaltyStatus.PAID), default=ZERO))
              .order_by())
    for row in claims:
        cell = cells[row["line__contract__region_id"]]
        cell["penalties_claimed"], cell["penalties_paid"] = row["claimed"], row["paid"]
    if not cells:
        return 0
    country = dict.fromkeys(PROCUREMENT_FIGURES, 0)
    rows = []
    for region_id, cell in sorted(cells.items()):
        rows.append(public.ProcurementFigure(grain=Grain.REGION, region_id=region_id, **cell))
        for name in PROCUREMENT_FIGURES:
            country[name] += cell[name]
    rows.append(public.ProcurementFigure(grain=Grain.COUNTRY, region_id=None, **country))
    return _create(public.ProcurementFigure, rows)


# --- the audit chain (issue 15) -----------------------------------------------------------------

def build_audit_heads() -> int:
    """Every published head of the audit chain (``core.PublishedHead``), with its timestamp when sealed."""
    import base64

    from core.models import PublishedHead

    return _create(public.PublicAuditHead, [
        public.PublicAuditHead(
            id=head.pk, day=head.day, seq=head.seq, hash=head.hash, published_at=head.published_at,
            statement=head.statement().decode(), tsa_url=head.tsa_url if head.sealed else "", tsa_time=head.tsa_time,
            tsa_serial=head.tsa_serial, tsa_token=base64.b64encode(bytes(head.tsa_token)).decode() if head.sealed else "")
        for head in PublishedHead.objects.order_by("seq").iterator(chunk_size=BATCH)
    ])


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
        "procurement": build_procurement(as_of),
        "audit_heads": build_audit_heads(),
    }

