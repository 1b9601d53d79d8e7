"""Payments, payment registries, bank confirmations, recoveries and final reports.

A ``Payment`` pays an accepted act (``acts.Act``): prepared by one operator, approved by another
(the database refuses the same person), at most one live payment per act (partial unique index).
Money paid for a line later found in error comes back as a ``Recovery``, offset against the next
payment of the contract (``RecoveryOffset``). ``FinalReport`` sums a contract's school year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceColour
from core.roles import Role
from core.scoping import Allow, Condition, Scope, ScopedQuerySet
from core.workflow import Transition
from payments.choices import (
    DEAD_PAYMENT_STATUSES,
    BankConfirmationEvent,
    ConfirmationStatus,
    FinalReportEvent,
    PaymentEvent,
    PaymentStatus,
    RecoveryEvent,
    RecoveryStatus,
    ReportStatus,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL

# Four eyes: whoever prepared a payment never approves it (the database refuses it too: payment_four_eyes).
FOUR_EYES = Condition(rows=lambda user: ~Q(prepared_by=user),
                      message=_("You prepared this payment; another operator must approve it."), code="four_eyes")


class PaymentRegistry(models.Model):
    """A batch of approved payments exported for the bank (the payment registry)."""

    created_by = models.ForeignKey(USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    payment_count = models.PositiveIntegerField(_("payments"))
    total_amount = models.DecimalField(_("total"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(actions={"add": Allow(Role.OPERATOR, creates=True)})  # seen by operators, monitors, administrators

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment registry")
        verbose_name_plural = _("payment registries")
        constraints = [models.CheckConstraint(condition=Q(total_amount__gte=0), name="registry_total_not_negative")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"R{self.pk:06d}"


class BankConfirmation(models.Model):
    """A bank's confirmation file: checked first (preview), then applied all-or-nothing."""

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    row_count = models.PositiveIntegerField(_("rows"))
    paid_count = models.PositiveIntegerField(_("paid"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=ConfirmationStatus.choices, default=ConfirmationStatus.PREVIEWED)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_by = models.ForeignKey(USER, verbose_name=_("applied by"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    # Checked when uploaded (previewed), then applied once, all rows or none.
    TRANSITIONS = {
        "apply": Transition(sources=(ConfirmationStatus.PREVIEWED,), target=ConfirmationStatus.APPLIED,
                            event=BankConfirmationEvent.APPLIED),
    }

    objects = ScopedQuerySet.as_manager()
    scope = Scope(actions={  # seen by operators, monitors and administrators
        "upload": Allow(Role.OPERATOR, creates=True),
        "apply": Allow(Role.OPERATOR),
    })
    status_colour = ChoiceColour("status", ConfirmationStatus)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bank confirmation")
        verbose_name_plural = _("bank confirmations")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Payment(models.Model):
    """The payment of one accepted act: accepted amount − recoveries offset = amount transferred."""

    # From which statuses each action may be taken and where it leads (who may: ``scope`` below).
    TRANSITIONS = {
        "approve": Transition(sources=(PaymentStatus.PREPARED,), target=PaymentStatus.APPROVED, event=PaymentEvent.APPROVED),
        "cancel": Transition(sources=(PaymentStatus.PREPARED,), target=PaymentStatus.CANCELLED,
                             event=PaymentEvent.CANCELLED, reason_required=True),
        "export": Transition(sources=(PaymentStatus.APPROVED,), target=PaymentStatus.SENT, event=PaymentEvent.EXPORTED),
        # nothing to transfer (everything was offset): approved means settled
        "settle": Transition(sources=(PaymentStatus.APPROVED,), target=PaymentStatus.PAID, event=PaymentEvent.SETTLED),
        "confirm_paid": Transition(sources=(PaymentStatus.SENT,), target=PaymentStatus.PAID, event=PaymentEvent.PAID),
        "confirm_failed": Transition(sources=(PaymentStatus.SENT,), target=PaymentStatus.FAILED,
                                     event=PaymentEvent.FAILED, reason_required=True),
        # a failed payment is re-issued as a new payment (it stays failed)
        "reissue": Transition(sources=(PaymentStatus.FAILED,), target=None, event=PaymentEvent.REISSUED),
    }

    act = models.ForeignKey("acts.Act", verbose_name=_("act"), on_delete=models.PROTECT, related_name="payments")
    status = models.CharField(_("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PREPARED)
    accepted_amount = models.DecimalField(_("accepted amount"), **MONEY)
    offset_amount = models.DecimalField(_("recoveries offset"), default=0, **MONEY)
    amount = models.DecimalField(_("amount to pay"), **MONEY)
    # The payee and purpose as prepared (what the approver approved and the bank receives).
    payee_bin = models.CharField(_("BIN"), max_length=12)
    payee_name = models.CharField(_("payee"), max_length=300)
    payee_iban = models.CharField(_("IBAN"), max_length=20)
    purpose = models.CharField(_("purpose of payment"), max_length=300)
    prepared_by = models.ForeignKey(USER, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    registry = models.ForeignKey(PaymentRegistry, verbose_name=_("registry"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="payments")
    confirmation = models.ForeignKey(BankConfirmation, verbose_name=_("bank confirmation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="payments")
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    reissue_of = models.OneToOneField("self", verbose_name=_("re-issue of"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="reissued_as")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="act__contract__order__region", school="act__school", actions={
        # operators pay; another operator approves (four eyes)
        "prepare": Allow(Role.OPERATOR, creates=True),
        "approve": Allow(Role.OPERATOR, only=[FOUR_EYES]),
        "cancel": Allow(Role.OPERATOR),
        "reissue": Allow(Role.OPERATOR),
        "export": Allow(Role.OPERATOR),
        "settle": Allow(Role.OPERATOR),
        "confirm_paid": Allow(Role.OPERATOR),
        "confirm_failed": Allow(Role.OPERATOR),
    })
    status_colour = ChoiceColour("status", PaymentStatus)

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            # Exactly one live payment per act: failed and cancelled ones stay in the history.
            models.UniqueConstraint(fields=["act"], condition=~Q(status__in=DEAD_PAYMENT_STATUSES),
                                    name="payment_one_live_per_act"),
            models.CheckConstraint(condition=Q(offset_amount__gte=0, amount__gte=0), name="payment_amounts_not_negative"),
            models.CheckConstraint(condition=Q(amount=F("accepted_amount") - F("offset_amount")),
                                   name="payment_amount_is_accepted_minus_offset"),
            # Four eyes: whoever prepared a payment can never be the one who approved it.
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                                   name="payment_four_eyes"),
            models.CheckConstraint(
                condition=Q(status__in=[PaymentStatus.PREPARED, PaymentStatus.CANCELLED]) | Q(approved_by__isnull=False),
                name="payment_approved_before_money_moves",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["-prepared_at", "-id"], name="payment_list_order"),
                   models.Index(fields=["amount", "id"], name="payment_by_amount")]  # the list's sort by amount

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The payment reference the bank sends back in its confirmation."""
        return f"EQP{self.pk:09d}"

    @property
    def is_live(self) -> bool:
        return self.status not in DEAD_PAYMENT_STATUSES


class Recovery(models.Model):
    """Money paid for a line later found in error, to be offset against the contract's next payment."""

    # open ⇄ offset follow the live payments that offset it: bookkeeping done set-based in SQL, built from
    # these two entries (``payments.services.recoveries.recovery_statuses_refresh``); cancelling is a decision.
    TRANSITIONS = {
        "offset": Transition(sources=(RecoveryStatus.OPEN,), target=RecoveryStatus.OFFSET, event=RecoveryEvent.OFFSET),
        "reopen": Transition(sources=(RecoveryStatus.OFFSET,), target=RecoveryStatus.OPEN, event=RecoveryEvent.REOPENED),
        "cancel": Transition(sources=(RecoveryStatus.OPEN,), target=RecoveryStatus.CANCELLED,
                             event=RecoveryEvent.CANCELLED, reason_required=True),
    }

    contract = models.ForeignKey("orders.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="recoveries")
    line = models.ForeignKey("acts.ActLine", verbose_name=_("act line"), on_delete=models.PROTECT, related_name="recoveries")
    finding = models.ForeignKey("checks.Finding", verbose_name=_("finding"), on_delete=models.PROTECT,
                                related_name="recoveries")
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN)
    detected_by_run = models.ForeignKey("checks.CheckRun", verbose_name=_("found by check run"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    status_reason = models.TextField(_("reason"), blank=True)
    cancelled_by = models.ForeignKey(USER, verbose_name=_("cancelled by"), null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__order__region", school="contract__school", actions={
        "offset": Allow(),  # the system, as payments cover it
        "reopen": Allow(),
        # the department of the contract's region or an operator
        "cancel": Allow(Role.DEPARTMENT, Role.OPERATOR),
    })
    status_colour = ChoiceColour("status", RecoveryStatus)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        # The list's sortable columns (``payments.views.RECOVERY_SORTING``): recoveries grow with the act lines found in
        # error over the years, so each ordering is an index read forwards or backwards.
        indexes = [models.Index(fields=["created_at", "id"], name="recovery_list_order"),
                   models.Index(fields=["amount", "id"], name="recovery_by_amount")]
        constraints = [
            # Idempotent detection: one recovery per line and finding …
            models.UniqueConstraint(fields=["line", "finding"], name="recovery_one_per_line_and_finding"),
            # … and a line's money comes back at most once, whatever the number of findings.
            models.UniqueConstraint(fields=["line"], condition=~Q(status=RecoveryStatus.CANCELLED),
                                    name="recovery_one_live_per_line"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.amount}"


class RecoveryOffset(models.Model):
    """The part of a recovery taken off one payment."""

    recovery = models.ForeignKey(Recovery, verbose_name=_("recovery"), on_delete=models.PROTECT, related_name="offsets")
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="offsets")
    amount = models.DecimalField(_("amount"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="payment__act__contract__order__region", school="payment__act__school")

    class Meta:
        ordering = ["payment_id", "recovery_id"]
        verbose_name = _("recovery offset")
        verbose_name_plural = _("recovery offsets")
        constraints = [
            models.UniqueConstraint(fields=["recovery", "payment"], name="recovery_offset_once_per_payment"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_offset_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.recovery_id} → {self.payment_id}: {self.amount}"


class FinalReport(models.Model):
    """A contract's school year: ordered, contracted, accepted, paid, recovered — approved by the department."""

    TRANSITIONS = {
        "approve": Transition(sources=(ReportStatus.DRAFT,), target=ReportStatus.APPROVED, event=FinalReportEvent.APPROVED),
    }

    contract = models.ForeignKey("orders.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="final_reports")
    school_year = models.PositiveSmallIntegerField(_("school year (first year)"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # Frozen at approval: exactly the figures the department approved (and their sha256).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    figures_sha256 = models.CharField(_("SHA-256 of the figures"), max_length=64, blank=True)
    created_by = models.ForeignKey(USER, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__order__region", school="contract__school", actions={
        # the school, the department of its region or an operator prepares; the department approves
        "prepare": Allow(Role.SCHOOL, Role.DEPARTMENT, Role.OPERATOR, creates=True),
        "approve": Allow(Role.DEPARTMENT),
    })
    status_colour = ChoiceColour("status", ReportStatus)

    class Meta:
        ordering = ["-school_year", "-id"]
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        constraints = [models.UniqueConstraint(fields=["contract", "school_year"], name="final_report_one_per_contract_year")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.school_year}"
