"""Procurement oversight: equipment bought by departments for schools.

A department records a ``ProcurementContract`` for its region with a supplier (by BIN, checked
against the register of unreliable suppliers). Its ``ContractLine`` rows are the CONTRACT file's
rows: one item for one school, with quantity, unit price, delivery deadline, warranty and the
licensed software that must come installed.

The supplier's ``Delivery`` to a school lists every unit by serial number (``DeliveryUnit``). The
school's responsible person inspects each unit against the checklist and accepts or rejects it;
the database refuses an accepted unit that was not inspected or failed the checklist. A rejected
unit frees its place: a later delivery re-delivers it (``replaces``).

Units not accepted by their deadline are late; the penalty (``procurement.penalties``) is claimed
from the supplier as a ``PenaltyClaim``. A school files ``WarrantyClaim`` rows on accepted units.
``ProcurementFlag`` rows are the red flags monitors read, found by ``FlagRun`` searches.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceColour
from core.identifiers import validate_bin
from core.roles import Role
from core.scoping import Allow, Scope, ScopedQuerySet
from core.workflow import Transition
from procurement.choices import (
    ClaimResolution,
    ClaimStatus,
    ContractStatus,
    FlagCode,
    FlagStatus,
    PenaltyStatus,
    ProcurementEvent,
    RejectReason,
    UnitStatus,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL
MAX_WARRANTY_MONTHS = 120


def _contracts_of_school(user) -> Q:
    # A school sees the contracts that deliver something to it (and, on them, only its own lines).
    return Q(pk__in=ContractLine.objects.filter(school_id=user.school_id).values("contract_id"))


def _nobody(user) -> Q:
    return Q(pk__in=[])


class ProcurementContract(models.Model):
    TRANSITIONS = {
        # an active contract is edited in place and gets lines (the status stays)
        "change": Transition(sources=(ContractStatus.ACTIVE,), target=None, event=ProcurementEvent.CONTRACT_CHANGED),
        "close": Transition(sources=(ContractStatus.ACTIVE,), target=ContractStatus.CLOSED,
                            event=ProcurementEvent.CONTRACT_CLOSED),
        "terminate": Transition(sources=(ContractStatus.ACTIVE,), target=ContractStatus.TERMINATED,
                                event=ProcurementEvent.CONTRACT_TERMINATED, reason_required=True),
    }

    number = models.CharField(_("contract number"), max_length=60, unique=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("signed on"))
    supplier_bin = models.CharField(_("supplier's BIN"), max_length=12, validators=[validate_bin])
    supplier_name = models.CharField(_("supplier"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    status_reason = models.TextField(_("reason"), blank=True)
    # The day a closed or terminated contract ended: lateness stops counting then.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", school=_contracts_of_school, actions={
        # the department of the region records (by hand or from a file), edits, closes and terminates
        "add": Allow(Role.DEPARTMENT, creates=True),
        "import": Allow(Role.DEPARTMENT, creates=True),
        "change": Allow(Role.DEPARTMENT),
        "close": Allow(Role.DEPARTMENT),
        "terminate": Allow(Role.DEPARTMENT),
    })

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("procurement contract")
        verbose_name_plural = _("procurement contracts")
        constraints = [
            models.CheckConstraint(condition=Q(supplier_bin__regex=r"^[0-9]{12}$"), name="proc_contract_supplier_bin_12_digits"),
            models.CheckConstraint(condition=~Q(number=""), name="proc_contract_number_not_empty"),
            models.CheckConstraint(
                condition=Q(status=ContractStatus.ACTIVE, ended_on__isnull=True) | (~Q(status=ContractStatus.ACTIVE) & Q(ended_on__isnull=False)),
                name="proc_contract_ended_when_not_active",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("procurement:contract_detail", args=[self.pk])

    status_colour = ChoiceColour("status", ContractStatus)


class ContractLine(models.Model):
    """One row of the contract: an item for one school (the CONTRACT file's row)."""

    contract = models.ForeignKey(ProcurementContract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="lines")
    item_code = models.CharField(_("item code"), max_length=40)
    item_name = models.CharField(_("item"), max_length=300)
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    delivery_due = models.DateField(_("delivery due by"))
    warranty_months = models.PositiveSmallIntegerField(_("warranty, months"), validators=[MaxValueValidator(MAX_WARRANTY_MONTHS)])
    software = ArrayField(models.CharField(max_length=200), verbose_name=_("licensed software to be installed"),
                          default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__region", school="school", actions={
        "add": Allow(Role.DEPARTMENT, creates=True),
        "change": Allow(Role.DEPARTMENT),
        "delete": Allow(Role.DEPARTMENT),
    })

    class Meta:
        ordering = ["contract_id", "school_id", "item_code"]
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        constraints = [
            models.UniqueConstraint(fields=["contract", "item_code", "school"], name="proc_line_unique_item_school"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="proc_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="proc_line_price_positive"),
            models.CheckConstraint(condition=Q(warranty_months__lte=MAX_WARRANTY_MONTHS), name="proc_line_warranty_bounded"),
            models.CheckConstraint(condition=~Q(item_code="") & ~Q(item_name=""), name="proc_line_item_named"),
        ]
        indexes = [models.Index(fields=["item_code"], name="proc_line_item_code_idx"),
                   models.Index(fields=["school", "delivery_due"], name="proc_line_school_due_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.item_code} × {self.quantity} → {self.school_id}"

    @property
    def amount(self):
        return self.unit_price * self.quantity


class Delivery(models.Model):
    """A supplier's delivery of units to one school under a contract (a waybill)."""

    contract = models.ForeignKey(ProcurementContract, verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="deliveries")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField(_("delivered on"))
    waybill_number = models.CharField(_("waybill number"), max_length=60, blank=True)
    # The check of the supplier against the register of unreliable suppliers on the delivery day.
    supplier_listed = models.BooleanField(_("supplier on the unreliable-supplier register that day"), default=False)
    supplier_check = models.JSONField(_("register entries in force that day"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__region", school="school", actions={
        # the department of the contract's region, or the school that received it
        "add": Allow(Role.DEPARTMENT, Role.SCHOOL, creates=True),
        "correct": Allow(Role.DEPARTMENT, Role.SCHOOL),
    })

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.contract_id}/{self.pk} {self.delivered_on}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:delivery_detail", args=[self.pk])


class DeliveryUnit(models.Model):
    """One delivered unit, by serial number: inspected against the checklist, then accepted or rejected."""

    TRANSITIONS = {
        "inspect": Transition(sources=(UnitStatus.DELIVERED, UnitStatus.INSPECTED), target=UnitStatus.INSPECTED,
                              event=ProcurementEvent.UNIT_INSPECTED),
        "accept": Transition(sources=(UnitStatus.INSPECTED,), target=UnitStatus.ACCEPTED, event=ProcurementEvent.UNIT_ACCEPTED),
        "reject": Transition(sources=(UnitStatus.INSPECTED,), target=UnitStatus.REJECTED, event=ProcurementEvent.UNIT_REJECTED),
    }
    CHECKLIST = ("model_ok", "works", "software_ok", "warranty_card")

    delivery = models.ForeignKey(Delivery, verbose_name=_("delivery"), on_delete=models.PROTECT, related_name="units")
    line = models.ForeignKey(ContractLine, verbose_name=_("contract line"), on_delete=models.PROTECT, related_name="units")
    serial_number = models.CharField(_("serial number"), max_length=100)
    invoice_unit_price = models.DecimalField(_("invoiced unit price"), **MONEY)
    # A re-delivery names the rejected unit it replaces (one replacement per rejected unit).
    replaces = models.OneToOneField("self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")
    status = models.CharField(_("status"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.DELIVERED)
    # The checklist: empty until inspected.
    model_ok = models.BooleanField(_("model as in the contract"), null=True, blank=True)
    works = models.BooleanField(_("works"), null=True, blank=True)
    software_ok = models.BooleanField(_("licensed software installed"), null=True, blank=True)
    warranty_card = models.BooleanField(_("warranty card present"), null=True, blank=True)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    inspected_by = models.ForeignKey(USER, verbose_name=_("inspected by"), null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    # The responsible person who accepted or rejected the unit, and answers for it.
    decided_by = models.ForeignKey(USER, verbose_name=_("accepted or rejected by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_by_name = models.CharField(_("responsible person"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("accepted or rejected at"), null=True, blank=True, db_index=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=20, choices=RejectReason.choices, blank=True)
    reject_note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="delivery__contract__region", school="delivery__school", actions={
        # the school's responsible person, on the units delivered to it
        "inspect": Allow(Role.SCHOOL),
        "accept": Allow(Role.SCHOOL),
        "reject": Allow(Role.SCHOOL),
    })

    class Meta:
        ordering = ["delivery_id", "id"]
        verbose_name = _("delivered unit")
        verbose_name_plural = _("delivered units")
        constraints = [
            # The same unit cannot be live twice on one contract line (a rejected one may come back repaired).
            models.UniqueConstraint(fields=["line", "serial_number"], condition=~Q(status=UnitStatus.REJECTED),
                                    name="proc_unit_live_serial_once_per_line"),
            models.UniqueConstraint(fields=["delivery", "serial_number"], name="proc_unit_serial_once_per_delivery"),
            models.CheckConstraint(condition=Q(serial_number__regex=r"^[A-Z0-9][A-Z0-9./_-]*$"), name="proc_unit_serial_normalised"),
            models.CheckConstraint(condition=Q(invoice_unit_price__gt=0), name="proc_unit_invoice_price_positive"),
            models.CheckConstraint(condition=Q(status__in=UnitStatus.values), name="proc_unit_status_known"),
            # Inspected means the whole checklist is filled in, by someone, at some time.
            models.CheckConstraint(
                condition=Q(status=UnitStatus.DELIVERED) | Q(
                    inspected_by__isnull=False, inspected_at__isnull=False, model_ok__isnull=False, works__isnull=False,
                    software_ok__isnull=False, warranty_card__isnull=False),
                name="proc_unit_inspected_before_decision",
            ),
            # Accepting an uninspected unit, or one that failed an item of the checklist, is impossible.
            models.CheckConstraint(
                condition=~Q(status=UnitStatus.ACCEPTED) | Q(
                    model_ok=True, works=True, software_ok=True, warranty_card=True, decided_by__isnull=False,
                    decided_at__isnull=False, reject_reason=""),
                name="proc_unit_accepted_only_after_passing_inspection",
            ),
            models.CheckConstraint(
                condition=~Q(status=UnitStatus.REJECTED) | (Q(decided_by__isnull=False, decided_at__isnull=False)
                                                            & ~Q(reject_reason="")),
                name="proc_unit_rejected_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[UnitStatus.ACCEPTED, UnitStatus.REJECTED]) | Q(decided_by__isnull=True, decided_at__isnull=True),
                name="proc_unit_undecided_has_no_decision",
            ),
            models.CheckConstraint(condition=Q(inspected_at__isnull=True) | Q(decided_at__isnull=True)
                                   | Q(decided_at__gte=F("inspected_at")), name="proc_unit_decided_after_inspection"),
        ]
        indexes = [models.Index(fields=["serial_number"], name="proc_unit_serial_idx"),
                   models.Index(fields=["decided_by", "decided_at"], name="proc_unit_decider_time_idx"),
                   models.Index(fields=["line", "status"], name="proc_unit_line_status_idx")]

    def __str__(self) -> str:
        return self.serial_number

    status_colour = ChoiceColour("status", UnitStatus)

    @property
    def checklist(self) -> list[tuple[str, str, bool | None]]:
        return [(name, self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.CHECKLIST]

    @property
    def passed_inspection(self) -> bool:
        return all(getattr(self, name) is True for name in self.CHECKLIST)


class PenaltyClaim(models.Model):
    """The late-delivery penalty of a contract line, claimed from the supplier once its amount is final."""

    TRANSITIONS = {
        "mark_paid": Transition(sources=(PenaltyStatus.CLAIMED,), target=PenaltyStatus.PAID, event=ProcurementEvent.PENALTY_PAID),
        "cancel": Transition(sources=(PenaltyStatus.CLAIMED,), target=PenaltyStatus.CANCELLED,
                             event=ProcurementEvent.PENALTY_CANCELLED, reason_required=True),
    }

    line = models.ForeignKey(ContractLine, verbose_name=_("contract line"), on_delete=models.PROTECT, related_name="penalties")
    as_of = models.DateField(_("computed as of"))
    late_units = models.PositiveIntegerField(_("late units"))
    unit_days = models.PositiveIntegerField(_("unit-days late"))
    amount = models.DecimalField(_("penalty"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=PenaltyStatus.choices, default=PenaltyStatus.CLAIMED)
    claimed_by = models.ForeignKey(USER, verbose_name=_("claimed by"), on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="line__contract__region", school="line__school", actions={
        # the department of the contract's region claims the penalty and follows it up
        "add": Allow(Role.DEPARTMENT, creates=True),
        "mark_paid": Allow(Role.DEPARTMENT),
        "cancel": Allow(Role.DEPARTMENT),
    })

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("penalty claim")
        verbose_name_plural = _("penalty claims")
        constraints = [
            models.UniqueConstraint(fields=["line"], condition=~Q(status=PenaltyStatus.CANCELLED), name="proc_penalty_one_live_per_line"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="proc_penalty_amount_positive"),
            models.CheckConstraint(condition=~Q(status=PenaltyStatus.PAID) | Q(paid_on__isnull=False), name="proc_penalty_paid_on_when_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.amount}"

    status_colour = ChoiceColour("status", PenaltyStatus)


class WarrantyClaim(models.Model):
    """A school's warranty claim on an accepted unit; the supplier must answer by ``response_due_on``."""

    TRANSITIONS = {
        "answer": Transition(sources=(ClaimStatus.OPEN,), target=ClaimStatus.ANSWERED, event=ProcurementEvent.CLAIM_ANSWERED),
        "close": Transition(sources=(ClaimStatus.OPEN, ClaimStatus.ANSWERED), target=ClaimStatus.CLOSED,
                            event=ProcurementEvent.CLAIM_CLOSED),
    }

    unit = models.ForeignKey(DeliveryUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="claims")
    filed_on = models.DateField(_("filed on"))
    filed_by = models.ForeignKey(USER, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    description = models.TextField(_("fault"))
    response_due_on = models.DateField(_("supplier's answer due by"))
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    response = models.TextField(_("supplier's answer"), blank=True)
    resolution = models.CharField(_("outcome"), max_length=20, choices=ClaimResolution.choices, blank=True)
    resolution_note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="unit__delivery__contract__region", school="unit__delivery__school", actions={
        # the school files on its own accepted units; it or the department records the supplier's answer
        "file": Allow(Role.SCHOOL, creates=True),
        "answer": Allow(Role.DEPARTMENT, Role.SCHOOL),
        "close": Allow(Role.SCHOOL),
    })

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("warranty claim")
        verbose_name_plural = _("warranty claims")
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(status=ClaimStatus.OPEN), name="proc_claim_one_open_per_unit"),
            models.CheckConstraint(condition=Q(response_due_on__gte=F("filed_on")), name="proc_claim_due_after_filing"),
            models.CheckConstraint(condition=~Q(status=ClaimStatus.ANSWERED) | Q(answered_on__isnull=False),
                                   name="proc_claim_answered_has_date"),
            models.CheckConstraint(condition=~Q(status=ClaimStatus.CLOSED) | ~Q(resolution=""), name="proc_claim_closed_has_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.filed_on}"

    status_colour = ChoiceColour("status", ClaimStatus)


class FlagRun(models.Model):
    """One search for red flags, as of a day: when, by whom, how many of each code."""

    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(USER, verbose_name=_("started by"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    counts = models.JSONField(_("open flags by code"), default=dict, blank=True)
    settings_used = models.JSONField(_("thresholds"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    # seen by monitors, operators and administrators only; searched by operators and administrators
    scope = Scope(region=_nobody, school=_nobody, actions={"search": Allow(Role.OPERATOR, Role.ADMIN, creates=True)})

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("red-flag search")
        verbose_name_plural = _("red-flag searches")

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"


class ProcurementFlag(models.Model):
    """A red flag: a code and a stable key (what it is about), with the evidence of the latest search.

    The row's id is stable: a flag that is no longer found is *cleared*, and found again it is
    reopened on the same row (so that a monitoring case or a notification can refer to it).
    """

    code = models.CharField(_("code"), max_length=4, choices=FlagCode.choices)
    key = models.CharField(_("key"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    contract = models.ForeignKey(ProcurementContract, verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="flags")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    first_raised_at = models.DateTimeField(_("first raised at"))
    last_seen_at = models.DateTimeField(_("last found at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    last_run = models.ForeignKey(FlagRun, verbose_name=_("last search"), on_delete=models.PROTECT, related_name="+")

    # A search clears the open flags it no longer finds and reopens the cleared ones it finds again:
    # set-based SQL built from these entries (``procurement.services.flags``).
    TRANSITIONS = {
        "clear": Transition(sources=(FlagStatus.OPEN,), target=FlagStatus.CLEARED, event=ProcurementEvent.FLAG_CLEARED),
        "reopen": Transition(sources=(FlagStatus.CLEARED,), target=FlagStatus.OPEN, event=ProcurementEvent.FLAG_REOPENED),
    }

    objects = ScopedQuerySet.as_manager()
    # monitors, operators and administrators only; only a search moves a flag
    scope = Scope(region=_nobody, school=_nobody, actions={"clear": Allow(), "reopen": Allow()})

    class Meta:
        ordering = ["code", "-last_seen_at", "id"]
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        constraints = [
            models.UniqueConstraint(fields=["code", "key"], name="proc_flag_unique_code_key"),
            models.CheckConstraint(condition=Q(code__in=FlagCode.values), name="proc_flag_code_known"),
            models.CheckConstraint(condition=Q(status=FlagStatus.OPEN, cleared_at__isnull=True)
                                   | Q(status=FlagStatus.CLEARED, cleared_at__isnull=False), name="proc_flag_cleared_has_time"),
        ]
        indexes = [models.Index(fields=["status", "code"], name="proc_flag_status_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.key}"

    status_colour = ChoiceColour("status", FlagStatus)
