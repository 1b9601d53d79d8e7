"""Reads of procurement, always through the central scoping.

Lateness and penalties of many lines are computed in the database by the SQL twin of the
penalty rule (``procurement.penalties``), one statement for any number of lines.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Least, TruncDate

from procurement import penalties
from procurement.choices import LIVE_PENALTY_STATUSES, UNDECIDED_UNIT_STATUSES, ClaimStatus, ContractStatus, UnitStatus
from procurement.models import (
    ContractLine,
    Delivery,
    DeliveryUnit,
    FlagRun,
    PenaltyClaim,
    ProcurementContract,
    ProcurementFlag,
    WarrantyClaim,
)
from procurement.services.common import today


def local_tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_date(field: str):
    """The local (Asia/Almaty) date of a timestamp column: the day a unit was accepted."""
    return TruncDate(field, tzinfo=local_tz())


# --- contracts and lines ------------------------------------------------------------------------

def contract_list(*, user, filters: dict | None = None):
    queryset = (
        ProcurementContract.objects.visible_to(user).select_related("region")
        .annotate(line_count=Count("lines", distinct=True))
        .order_by("-signed_on", "-id")
    )
    if filters is not None:
        from procurement.filters import ContractFilterSet

        queryset = ContractFilterSet(filters, queryset=queryset).qs
    return queryset


def line_list(*, user, filters: dict | None = None):
    queryset = lines_with_progress(ContractLine.objects.visible_to(user).select_related("contract", "contract__region", "school"))
    if filters is not None:
        from procurement.filters import LineFilterSet

        queryset = LineFilterSet(filters, queryset=queryset).qs
    return queryset


def _count_units(*statuses):
    return Coalesce(Subquery(
        DeliveryUnit.objects.filter(line=OuterRef("pk"), status__in=statuses).order_by()
        .values("line").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def lines_with_progress(queryset):
    """Lines with ``accepted_count``, ``pending_count`` (delivered, not decided) and ``rejected_count``."""
    return queryset.annotate(
        accepted_count=_count_units(UnitStatus.ACCEPTED),
        pending_count=_count_units(*UNDECIDED_UNIT_STATUSES),
        rejected_count=_count_units(UnitStatus.REJECTED),
    )


def _accepted_dates():
    return Coalesce(
        Subquery(
            DeliveryUnit.objects.filter(line=OuterRef("pk"), status=UnitStatus.ACCEPTED).order_by()
            .values("line").annotate(days=ArrayAgg(local_date("decided_at"))).values("days"),
            output_field=ArrayField(DateField()),
        ),
        Value([], output_field=ArrayField(DateField())),
    )


def lines_with_lateness(queryset, *, as_of: dt.date | None = None):
    """Lines annotated, as of a day (capped by the day an ended contract ended), with the penalty rule's figures.

    ``effective_as_of``, ``late_units``, ``unit_days``, ``penalty`` (SQL twin of ``procurement.penalties``),
    ``accepted_count``, ``pending_count``, ``rejected_count``, ``outstanding`` (units not accepted yet), ``days_late``
    (days past the deadline) and
    ``penalty_final`` (the amount can no longer change).
    """
    as_of = as_of or today()
    effective = Least(Value(as_of, output_field=DateField()), Coalesce(F("contract__ended_on"), Value(as_of, output_field=DateField())))
    queryset = lines_with_progress(queryset).annotate(
        accepted_days=_accepted_dates(),
        effective_as_of=effective,
    )
    queryset = queryset.annotate(
        late_units=Func(F("quantity"), F("delivery_due"), F("accepted_days"), F("effective_as_of"),
                        function=penalties.SQL_LATE_UNITS, output_field=IntegerField()),
        unit_days=Func(F("quantity"), F("delivery_due"), F("accepted_days"), F("effective_as_of"),
                       function=penalties.SQL_UNIT_DAYS, output_field=BigIntegerField()),
    )
    queryset = queryset.annotate(
        days_late=Func(F("effective_as_of"), F("delivery_due"), template="greatest(%(expressions)s, 0)", arg_joiner=" - ",
                       output_field=IntegerField()),
        penalty=Func(F("unit_price"), F("late_units"), F("unit_days"), function=penalties.SQL_PENALTY,
                     output_field=DecimalField(max_digits=16, decimal_places=2)),
        outstanding=Func(F("quantity"), F("accepted_days"), F("effective_as_of"), function=penalties.SQL_OUTSTANDING,
                         output_field=IntegerField()),
    )
    # The twin of ``Lateness.is_final``: nothing outstanding, the cap reached, or the contract ended.
    return queryset.annotate(penalty_final=ExpressionWrapper(
        Q(outstanding=0) | Q(contract__ended_on__isnull=False)
        | (Q(late_units__gt=0) & Q(unit_days__gte=F("late_units") * penalties.CAP_DAYS)),
        output_field=BooleanField()))


def line_lateness(line: ContractLine, *, as_of: dt.date | None = None) -> penalties.Lateness:
    """One line's lateness by the Python rule (the page of a line, the penalty claim)."""
    as_of = as_of or today()
    contract = line.contract
    if contract.ended_on is not None:
        as_of = min(as_of, contract.ended_on)
    accepted = [
        row for row in DeliveryUnit.objects.filter(line=line, status=UnitStatus.ACCEPTED)
        .annotate(day=local_date("decided_at")).values_list("day", flat=True)
    ]
    return penalties.lateness(quantity=line.quantity, due=line.delivery_due, accepted=accepted, as_of=as_of,
                              unit_price=line.unit_price, ended=contract.ended_on is not None)


def overdue_lines(*, user, as_of: dt.date | None = None):
    """Lines of active contracts past their deadline with units still not accepted (department, monitor pages)."""
    as_of = as_of or today()
    queryset = ContractLine.objects.visible_to(user).filter(contract__status=ContractStatus.ACTIVE, delivery_due__lt=as_of)
    return (
        lines_with_lateness(queryset.select_related("contract", "contract__region", "school"), as_of=as_of)
        .filter(outstanding__gt=0)
        .order_by("delivery_due", "contract__number", "id")
    )


# --- deliveries and units -----------------------------------------------------------------------

def delivery_list(*, user, filters: dict | None = None):
    queryset = (
        Delivery.objects.visible_to(user).select_related("contract", "contract__region", "school", "recorded_by")
        .annotate(
            unit_count=Count("units", distinct=True),
            undecided_count=Count("units", filter=Q(units__status__in=UNDECIDED_UNIT_STATUSES), distinct=True),
            accepted_count=Count("units", filter=Q(units__status=UnitStatus.ACCEPTED), distinct=True),
            rejected_count=Count("units", filter=Q(units__status=UnitStatus.REJECTED), distinct=True),
        )
        .order_by("-delivered_on", "-id")
    )
    if filters is not None:
        from procurement.filters import DeliveryFilterSet

        queryset = DeliveryFilterSet(filters, queryset=queryset).qs
    return queryset


def unit_list(*, user, filters: dict | None = None):
    queryset = DeliveryUnit.objects.visible_to(user).select_related(
        "delivery", "delivery__school", "delivery__contract", "line", "inspected_by", "decided_by", "replaces",
    )
    if filters is not None:
        from procurement.filters import UnitFilterSet

        queryset = UnitFilterSet(filters, queryset=queryset).qs
    return queryset


def delivery_units(delivery: Delivery):
    return (
        delivery.units.select_related("line", "inspected_by", "decided_by", "replaces")
        .prefetch_related(Prefetch("claims", queryset=WarrantyClaim.objects.order_by("-filed_on")))
        .order_by("line__item_code", "id")
    )


def delivery_history(delivery: Delivery):
    """The audit events of a delivery and of each of its units (inspections, acceptances, rejections), in order."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEvent

    units = [str(pk) for pk in delivery.units.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Delivery), object_id=str(delivery.pk))
            | Q(content_type=ContentType.objects.get_for_model(DeliveryUnit), object_id__in=units))
        .select_related("actor", "content_type").order_by("created_at", "id")
    )


def same_serial_elsewhere(delivery: Delivery) -> dict[int, list]:
    """For each unit of ``delivery``, the other accepted units with its serial number (any school).

    Shown to whoever may see the delivery as a warning; the school names are public information.
    """
    others = (
        DeliveryUnit.objects.filter(status=UnitStatus.ACCEPTED, serial_number__in=delivery.units.values("serial_number"))
        .exclude(delivery=delivery).select_related("delivery__school")
    )
    by_serial: dict[str, list] = {}
    for unit in others:
        by_serial.setdefault(unit.serial_number, []).append(unit)
    return {unit.pk: by_serial.get(unit.serial_number, []) for unit in delivery.units.all()}


# --- penalties, warranty claims, flags -----------------------------------------------------------

def penalty_list(*, user, filters: dict | None = None):
    queryset = PenaltyClaim.objects.visible_to(user).select_related("line", "line__contract", "line__school", "claimed_by")
    if filters is not None:
        from procurement.filters import PenaltyFilterSet

        queryset = PenaltyFilterSet(filters, queryset=queryset).qs
    return queryset


def claim_list(*, user, filters: dict | None = None):
    queryset = WarrantyClaim.objects.visible_to(user).select_related(
        "unit", "unit__line", "unit__delivery", "unit__delivery__school", "unit__delivery__contract", "filed_by",
    )
    if filters is not None:
        from procurement.filters import ClaimFilterSet

        queryset = ClaimFilterSet(filters, queryset=queryset).qs
    return queryset


def overdue_claims(*, user, as_of: dt.date | None = None):
    """Warranty claims the supplier has not answered by their deadline."""
    as_of = as_of or today()
    return claim_list(user=user).filter(status=ClaimStatus.OPEN, response_due_on__lt=as_of).order_by("response_due_on", "id")


def has_live_penalty():
    return Exists(PenaltyClaim.objects.filter(line=OuterRef("pk"), status__in=LIVE_PENALTY_STATUSES))


def flag_list(*, user, filters: dict | None = None):
    queryset = ProcurementFlag.objects.visible_to(user).select_related("region", "contract", "school", "last_run")
    if filters is not None:
        from procurement.filters import FlagFilterSet

        queryset = FlagFilterSet(filters, queryset=queryset).qs
    return queryset


def flag_run_list(*, user):
    return FlagRun.objects.visible_to(user).select_related("started_by")
