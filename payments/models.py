"""Monthly acts of services rendered, payments, recoveries and final reports.

An ``Act`` is one contract's bill for one month; its ``ActLine`` rows (one per enrolment) are
built set-based from the contingent. Lines carry the act's ``version``: a draft is rebuilt in
place, but once a version was submitted its lines are never changed again — correcting a
returned act builds the next version, so every submitted version stays readable
(``ActSubmission`` records each submission and its outcome).

A ``Payment`` pays an accepted act: prepared by one operator, approved by another (the database
refuses the same person), at most one live payment per act (partial unique index). Money paid
for a line later found in error comes back as a ``Recovery``, offset against the next payment of
the contract (``RecoveryOffset``). ``FinalReport`` sums a contract's school year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.scoping import Scope, ScopedQuerySet
from contingent.choices import PupilCategory
from core.workflow import Transition
from payments.choices import (
    DEAD_PAYMENT_STATUSES,
    ActStatus,
    ConfirmationStatus,
    LineDecision,
    LineRejectReason,
    PaymentStatus,
    RecoveryStatus,
    ReportStatus,
    SubmissionOutcome,
)
from schools.choices import Level

MONEY = {"max_digits": 16, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL

SCHOOL, DEPARTMENT, OPERATOR = frozenset({Role.SCHOOL}), frozenset({Role.DEPARTMENT}), frozenset({Role.OPERATOR})


def _public(user) -> Q:
    return Q()


class Holiday(models.Model):
    """A public holiday (not a working day for the review deadline). Reference data."""

    date = models.DateField(_("date"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region=_public, school=_public, public=Q())

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name_en}"


class Act(models.Model):
    """The act of services rendered of one contract for one month."""

    TRANSITIONS = {
        "rebuild": Transition(sources=(ActStatus.DRAFT,), target=ActStatus.DRAFT, roles=SCHOOL),
        "submit": Transition(sources=(ActStatus.DRAFT,), target=ActStatus.SUBMITTED, roles=SCHOOL),
        "accept": Transition(sources=(ActStatus.SUBMITTED,), target=ActStatus.ACCEPTED, roles=DEPARTMENT),
        "partly_accept": Transition(sources=(ActStatus.SUBMITTED,), target=ActStatus.PARTLY_ACCEPTED, roles=DEPARTMENT),
        "return": Transition(sources=(ActStatus.SUBMITTED,), target=ActStatus.RETURNED, roles=DEPARTMENT,
                             reason_required=True),
        "correct": Transition(sources=(ActStatus.RETURNED,), target=ActStatus.DRAFT, roles=SCHOOL),
        "mark_paid": Transition(sources=(ActStatus.ACCEPTED, ActStatus.PARTLY_ACCEPTED), target=ActStatus.PAID,
                                roles=OPERATOR),
    }

    contract = models.ForeignKey("orders.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="acts")
    # The contract's school, kept on the act for scoping and for the line/finding rule.
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="acts")
    month = models.DateField(_("month"), help_text=_("the first day of the month"))
    status = models.CharField(_("status"), max_length=20, choices=ActStatus.choices, default=ActStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total_amount = models.DecimalField(_("total"), default=0, **MONEY)
    accepted_amount = models.DecimalField(_("accepted amount"), default=0, **MONEY)
    due_on = models.DateField(_("due by"))
    review_due_on = models.DateField(_("review due by"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"))
    built_by = models.ForeignKey(USER, verbose_name=_("built by"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__order__region", school="school")

    class Meta:
        ordering = ["-month", "school_id", "-id"]
        verbose_name = _("act of services rendered")
        verbose_name_plural = _("acts of services rendered")
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="act_one_per_contract_and_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="act_month_first_day"),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="act_total_not_negative"),
            models.CheckConstraint(condition=Q(accepted_amount__gte=0, accepted_amount__lte=F("total_amount")),
                                   name="act_accepted_within_total"),
            models.CheckConstraint(condition=Q(version__gte=1), name="act_version_positive"),
        ]
        indexes = [models.Index(fields=["status", "month"]), models.Index(fields=["school", "month"])]

    def __str__(self) -> str:
        return _("Act %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"{self.contract.number}/{self.month:%Y-%m}"

    @property
    def is_reviewed(self) -> bool:
        return self.status in (ActStatus.ACCEPTED, ActStatus.PARTLY_ACCEPTED, ActStatus.PAID)


class ActSubmission(models.Model):
    """What the school submitted each time (one row per submitted version) and what became of it."""

    act = models.ForeignKey(Act, verbose_name=_("act"), on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+")
    line_count = models.PositiveIntegerField(_("lines"))
    total_amount = models.DecimalField(_("total"), **MONEY)
    # sha256 over the submitted lines (enrolment, days, norm, coefficient, amount), in line order.
    lines_sha256 = models.CharField(_("SHA-256 of the lines"), max_length=64)
    review_due_on = models.DateField(_("review due by"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=SubmissionOutcome.choices, blank=True,
                               default=SubmissionOutcome.PENDING)
    accepted_amount = models.DecimalField(_("accepted amount"), null=True, blank=True, **MONEY)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="act__contract__order__region", school="act__school")

    class Meta:
        ordering = ["act_id", "version"]
        verbose_name = _("act submission")
        verbose_name_plural = _("act submissions")
        constraints = [models.UniqueConstraint(fields=["act", "version"], name="act_submission_one_per_version")]

    def __str__(self) -> str:
        return f"{self.act_id} v{self.version}"


class ActLine(models.Model):
    """One pupil's enrolment billed in an act version: days, norm, coefficient, amount, decision."""

    act = models.ForeignKey(Act, verbose_name=_("act"), on_delete=models.CASCADE, related_name="lines",
                            db_index=False)  # the unique (act, version, enrolment) index serves it
    version = models.PositiveIntegerField(_("version"))
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    enrolment = models.ForeignKey("contingent.Enrolment", verbose_name=_("enrolment"), on_delete=models.PROTECT,
                                  related_name="act_lines")
    # What was billed, as it was at build time (the contingent may change later).
    iin = models.CharField(_("IIN"), max_length=12)
    pupil_name = models.CharField(_("pupil"), max_length=310)
    grade = models.PositiveSmallIntegerField(_("grade"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    category = models.CharField(_("category"), max_length=10, choices=PupilCategory.choices)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    days = models.PositiveSmallIntegerField(_("days enrolled"))
    days_in_month = models.PositiveSmallIntegerField(_("days in the month"))
    norm = models.DecimalField(_("monthly norm"), **MONEY)
    coefficient = models.DecimalField(_("coefficient"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount"), **MONEY)
    decision = models.CharField(_("decision"), max_length=10, choices=LineDecision.choices, default=LineDecision.PENDING)
    reject_reason = models.CharField(_("reason for rejection"), max_length=20, choices=LineRejectReason.choices, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="act__contract__order__region", school="school")

    class Meta:
        ordering = ["act_id", "version", "level", "grade", "pupil_name", "id"]
        verbose_name = _("act line")
        verbose_name_plural = _("act lines")
        constraints = [
            models.UniqueConstraint(fields=["act", "version", "enrolment"], name="act_line_one_per_enrolment"),
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=F("days_in_month")), name="act_line_days_in_month"),
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="act_line_period_ordered"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="act_line_amount_not_negative"),
            models.CheckConstraint(
                condition=(Q(decision=LineDecision.REJECTED) & ~Q(reject_reason=""))
                | (~Q(decision=LineDecision.REJECTED) & Q(reject_reason="")),
                name="act_line_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.iin} {self.days}/{self.days_in_month} {self.amount}"


class PaymentRegistry(models.Model):
    """A batch of approved payments exported for the bank (the payment registry)."""

    created_by = models.ForeignKey(USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    payment_count = models.PositiveIntegerField(_("payments"))
    total_amount = models.DecimalField(_("total"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope = Scope()  # operators, monitors and administrators only

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

    objects = ScopedQuerySet.as_manager()
    scope = Scope()  # operators, monitors and administrators only

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bank confirmation")
        verbose_name_plural = _("bank confirmations")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Payment(models.Model):
    """The payment of one accepted act: accepted amount − recoveries offset = amount transferred."""

    TRANSITIONS = {
        "approve": Transition(sources=(PaymentStatus.PREPARED,), target=PaymentStatus.APPROVED, roles=OPERATOR),
        "cancel": Transition(sources=(PaymentStatus.PREPARED,), target=PaymentStatus.CANCELLED, roles=OPERATOR,
                             reason_required=True),
        "export": Transition(sources=(PaymentStatus.APPROVED,), target=PaymentStatus.SENT, roles=OPERATOR),
        # nothing to transfer (everything was offset): approved means settled
        "settle": Transition(sources=(PaymentStatus.APPROVED,), target=PaymentStatus.PAID, roles=OPERATOR),
        "confirm_paid": Transition(sources=(PaymentStatus.SENT,), target=PaymentStatus.PAID, roles=OPERATOR),
        "confirm_failed": Transition(sources=(PaymentStatus.SENT,), target=PaymentStatus.FAILED, roles=OPERATOR,
                                     reason_required=True),
    }

    act = models.ForeignKey(Act, verbose_name=_("act"), on_delete=models.PROTECT, related_name="payments")
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
    scope = Scope(region="act__contract__order__region", school="act__school")

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
        indexes = [models.Index(fields=["status"])]

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

    # open ⇄ offset follow the payments that offset it (bookkeeping, see recovery_statuses_refresh);
    # cancelling is a decision.
    TRANSITIONS = {
        "cancel": Transition(sources=(RecoveryStatus.OPEN,), target=RecoveryStatus.CANCELLED,
                             roles=DEPARTMENT | OPERATOR, reason_required=True),
    }

    contract = models.ForeignKey("orders.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="recoveries")
    line = models.ForeignKey(ActLine, verbose_name=_("act line"), on_delete=models.PROTECT, related_name="recoveries")
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
    scope = Scope(region="contract__order__region", school="contract__school")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
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
        "approve": Transition(sources=(ReportStatus.DRAFT,), target=ReportStatus.APPROVED, roles=DEPARTMENT),
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
    scope = Scope(region="contract__order__region", school="contract__school")

    class Meta:
        ordering = ["-school_year", "-id"]
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        constraints = [models.UniqueConstraint(fields=["contract", "school_year"], name="final_report_one_per_contract_year")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.school_year}"
