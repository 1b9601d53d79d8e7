"""Monthly acts of services rendered.

An ``Act`` is one contract's bill for one month; its ``ActLine`` rows (one per enrolment) are
built set-based from the contingent. Lines carry the act's ``version``: a draft is rebuilt in
place, but once a version was submitted its lines are never changed again — correcting a
returned act builds the next version, so every submitted version stays readable
(``ActSubmission`` records each submission and its outcome). ``Holiday`` holds the public
holidays that the review deadline skips. Before accepting a submitted version the department
inspects a sample of its lines (``InspectionSample``, ``InspectionItem``; the rule of the sample is
``acts.inspection``).

The tables were created by the payments app (payments 0001) and moved here with their rows
(acts 0001); payments pays accepted acts (``Payment.act``) and marks them paid (``mark_paid``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from acts.choices import (
    INSPECTION_NOTE_REQUIRED,
    ActEvent,
    ActStatus,
    InspectionEvent,
    InspectionResult,
    LineDecision,
    LineRejectReason,
    SubmissionOutcome,
)
from contingent.choices import PupilCategory
from core.calendar import month_end
from core.choices import ChoiceColour
from core.roles import Role
from core.scoping import Allow, Scope, ScopedQuerySet
from core.workflow import Transition
from programmes.labels import category_label

MONEY = {"max_digits": 16, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


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

    # From which statuses each action may be taken and where it leads (who may: ``scope`` below).
    TRANSITIONS = {
        "rebuild": Transition(sources=(ActStatus.DRAFT,), target=ActStatus.DRAFT, event=ActEvent.REBUILT),
        "submit": Transition(sources=(ActStatus.DRAFT,), target=ActStatus.SUBMITTED, event=ActEvent.SUBMITTED),
        # the department decides lines while the act is submitted (the status stays)
        "decide": Transition(sources=(ActStatus.SUBMITTED,), target=None, event=ActEvent.LINES_DECIDED),
        # … and inspects its sample before accepting (draw the sample, record each sampled line's result)
        "inspect": Transition(sources=(ActStatus.SUBMITTED,), target=None, event=InspectionEvent.LINE_INSPECTED),
        "accept": Transition(sources=(ActStatus.SUBMITTED,), target=ActStatus.ACCEPTED, event=ActEvent.ACCEPTED),
        "partly_accept": Transition(sources=(ActStatus.SUBMITTED,), target=ActStatus.PARTLY_ACCEPTED,
                                    event=ActEvent.PARTLY_ACCEPTED),
        "return": Transition(sources=(ActStatus.SUBMITTED,), target=ActStatus.RETURNED, event=ActEvent.RETURNED,
                             reason_required=True),
        "correct": Transition(sources=(ActStatus.RETURNED,), target=ActStatus.DRAFT, event=ActEvent.CORRECTED),
        "mark_paid": Transition(sources=(ActStatus.ACCEPTED, ActStatus.PARTLY_ACCEPTED), target=ActStatus.PAID,
                                event=ActEvent.PAID),
    }

    contract = models.ForeignKey("orders.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="acts")
    # The contract's school, kept on the act for scoping and for the line/finding rule.
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="acts")
    # The act's period: a calendar month, or an academic term of a term programme. ``month`` keeps its
    # name (and its CHECK: a first day) for compatibility; it is the period's first day.
    month = models.DateField(_("period from"), help_text=_("the first day of the period (a month or a term)"))
    period_end = models.DateField(_("period until"))
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
    scope = Scope(region="contract__order__region", school="school", actions={
        # the school builds its own act of a month; an operator builds a whole month at once
        "build": Allow(Role.SCHOOL, creates=True),
        "build_month": Allow(Role.OPERATOR, Role.ADMIN, creates=True),
        "rebuild": Allow(Role.SCHOOL),
        "submit": Allow(Role.SCHOOL),
        "correct": Allow(Role.SCHOOL),
        # the department of the contract's region reviews
        "decide": Allow(Role.DEPARTMENT),
        "inspect": Allow(Role.DEPARTMENT),
        "accept": Allow(Role.DEPARTMENT),
        "partly_accept": Allow(Role.DEPARTMENT),
        "return": Allow(Role.DEPARTMENT),
        # an operator's payment (or the bank's confirmation of it) marks the act paid
        "mark_paid": Allow(Role.OPERATOR),
    })
    status_colour = ChoiceColour("status", ActStatus)

    class Meta:
        ordering = ["-month", "school_id", "-id"]
        verbose_name = _("act of services rendered")
        verbose_name_plural = _("acts of services rendered")
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="act_one_per_contract_and_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="act_month_first_day"),
            models.CheckConstraint(condition=Q(period_end__gte=F("month")), name="act_period_ordered"),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="act_total_not_negative"),
            models.CheckConstraint(condition=Q(accepted_amount__gte=0, accepted_amount__lte=F("total_amount")),
                                   name="act_accepted_within_total"),
            models.CheckConstraint(condition=Q(version__gte=1), name="act_version_positive"),
        ]
        indexes = [models.Index(fields=["status", "month"]), models.Index(fields=["school", "month"]),
                   models.Index(fields=["-month", "school", "-id"], name="act_list_order"),
                   # the list's sorts by total and by status (``acts.views.ACT_SORTING``), read forwards or backwards
                   models.Index(fields=["total_amount", "id"], name="act_by_total"),
                   models.Index(fields=["status", "-month", "-id"], name="act_by_status")]

    def __str__(self) -> str:
        return _("Act %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs):
        if self.period_end is None and self.month is not None:  # a monthly act (the default period)
            self.period_end = month_end(self.month)
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        return f"{self.contract.number}/{self.month:%Y-%m}"

    @property
    def is_month(self) -> bool:
        """The act covers one calendar month (else a term)."""
        return self.period_end == month_end(self.month)

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
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)  # pupils only
    # The programme's norm category (for school_per_capita: the level); ``level`` for compatibility.
    level = models.CharField(_("category"), max_length=20)
    category = models.CharField(_("beneficiary category"), max_length=10, choices=PupilCategory.choices)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    # Days paid for: the days enrolled (proration by days), or every day of the period.
    days = models.PositiveSmallIntegerField(_("days paid"))
    days_in_month = models.PositiveSmallIntegerField(_("days in the period"))
    norm = models.DecimalField(_("norm per period"), **MONEY)
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
    decision_colour = ChoiceColour("decision", LineDecision)

    class Meta:
        ordering = ["act_id", "version", "level", "grade", "pupil_name", "id"]
        indexes = [  # the API list's order, for all lines and for a school's (core.pagination)
            models.Index(fields=["act", "version", "id"], name="act_line_list_order"),
            models.Index(fields=["school", "act", "version", "id"], name="act_line_school_order"),
            models.Index(fields=["iin", "act", "version", "id"], name="act_line_by_iin"),  # one pupil across acts
        ]
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

    @property
    def level_label(self) -> str:
        return category_label(self.level, lambda: self.act.contract.order.programme)

def _sample_shown_to_school(prefix: str = ""):
    """A school sees the inspection of its acts once the version is reviewed, never while it is under review
    (it must not learn which pupils will be looked at)."""

    def rule(user) -> Q:
        return Q(**{f"{prefix}act__school": user.school_id}) & ~Q(
            **{f"{prefix}act__status": ActStatus.SUBMITTED, f"{prefix}version": F(f"{prefix}act__version")})

    return rule


class InspectionSample(models.Model):
    """The lines of one submitted act version that the department inspects before it accepts the act.

    Drawn once per version by the department (``acts.services.act_sample_draw``) from ``seed``, with
    the risk ``weights`` and the random ``size`` in force then (``acts.inspection``): the same seed,
    lines and weights give the same sample. Lines that get an open finding later are added to it.
    """

    act = models.ForeignKey(Act, verbose_name=_("act"), on_delete=models.PROTECT, related_name="inspection_samples")
    version = models.PositiveIntegerField(_("version"))
    seed = models.BigIntegerField(_("seed of the draw"))
    size = models.PositiveIntegerField(_("lines drawn at random"))
    weights = models.JSONField(_("risk weights"))
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(USER, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="act__contract__order__region", school=_sample_shown_to_school())

    class Meta:
        verbose_name = _("inspection sample")
        verbose_name_plural = _("inspection samples")
        constraints = [
            models.UniqueConstraint(fields=["act", "version"], name="inspection_sample_one_per_version"),
            models.CheckConstraint(condition=Q(seed__gte=0), name="inspection_sample_seed_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.act_id} v{self.version} seed {self.seed}"


class InspectionItem(models.Model):
    """One sampled line: why it is in the sample, and what the inspector found, who and when."""

    sample = models.ForeignKey(InspectionSample, verbose_name=_("inspection sample"), on_delete=models.PROTECT,
                               related_name="items")
    line = models.ForeignKey(ActLine, verbose_name=_("act line"), on_delete=models.PROTECT, related_name="inspections")
    open_finding = models.BooleanField(_("sampled for an open finding"))
    weight = models.DecimalField(_("risk weight"), max_digits=12, decimal_places=4)
    rank = models.PositiveIntegerField(_("order of the draw"), help_text=_("0 for a line sampled for its open finding"))
    added_at = models.DateTimeField(_("added at"))
    result = models.CharField(_("inspection result"), max_length=10, choices=InspectionResult.choices,
                              default=InspectionResult.PENDING)
    note = models.TextField(_("note"), blank=True)
    inspected_by = models.ForeignKey(USER, verbose_name=_("inspected by"), null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)

    result_colour = ChoiceColour("result", InspectionResult)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="sample__act__contract__order__region", school=_sample_shown_to_school("sample__"))

    class Meta:
        ordering = ["sample_id", "rank", "line_id"]
        verbose_name = _("inspected line")
        verbose_name_plural = _("inspected lines")
        constraints = [
            models.UniqueConstraint(fields=["sample", "line"], name="inspection_item_one_per_line"),
            models.CheckConstraint(
                condition=(Q(result=InspectionResult.PENDING) & Q(inspected_at__isnull=True) & Q(inspected_by__isnull=True))
                | (~Q(result=InspectionResult.PENDING) & Q(inspected_at__isnull=False) & Q(inspected_by__isnull=False)),
                name="inspection_item_result_has_inspector",
            ),
            models.CheckConstraint(condition=~Q(result__in=INSPECTION_NOTE_REQUIRED) | ~Q(note=""),
                                   name="inspection_item_finding_has_note"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="inspection_item_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.line_id} {self.result}"
