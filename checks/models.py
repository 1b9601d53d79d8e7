from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from checks.choices import LIVE_STATUSES, CheckRunStatus, CheckRunTrigger, FindingCode, FindingStatus, Severity
from checks.transitions import CHECK_RUN_TRANSITIONS, FINDING_TRANSITIONS
from core.errors import DomainError
from core.roles import Role
from core.scoping import Allow, Condition, Scope, ScopedQuerySet

# A school explains its warnings only; an error must be resolved.
WARNINGS_ONLY = Condition(rows=lambda user: Q(severity=Severity.WARNING),
                          message=_("Only a warning can be explained; an error must be resolved."), code="not_a_warning",
                          error=DomainError)


class CheckRun(models.Model):
    """One execution of the check rules for a date D (the snapshot's date).

    Records what it read (snapshot, register loads, row counts), the rule versions,
    when it started and ended, and the number of findings per code.
    """

    check_date = models.DateField(_("check date"))
    snapshot = models.ForeignKey(
        "contingent.NobdSnapshot", verbose_name=_("NOBD snapshot"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="check_runs",
    )
    rule_versions = models.JSONField(_("rule versions"), default=dict)
    inputs = models.JSONField(_("data read"), default=dict, blank=True)
    trigger = models.CharField(_("trigger"), max_length=20, choices=CheckRunTrigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=CheckRunStatus.choices, default=CheckRunStatus.RUNNING)
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    counts = models.JSONField(_("findings per code"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    TRANSITIONS = CHECK_RUN_TRANSITIONS

    objects = ScopedQuerySet.as_manager()
    # Runs are national; every signed-in role may see that they happened and their totals.
    scope = Scope(region=lambda user: Q(), school=lambda user: Q(), actions={
        # started by hand by an operator or an administrator (and by the nightly job)
        "start": Allow(Role.OPERATOR, Role.ADMIN, creates=True),
        # a run ends by itself
        "succeed": Allow(),
        "fail": Allow(),
    })

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.check_date} ({self.get_status_display()})"


class Finding(models.Model):
    """A problem found by a rule about a school, a school and level, or a pupil's enrolment.

    Identity is (code, subject_key): a re-run updates the live finding instead of adding a
    duplicate (a partial unique index guarantees it), and closes the live findings it no
    longer produces.
    """

    code = models.CharField(_("code"), max_length=3, choices=FindingCode.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="findings")
    enrolment = models.ForeignKey(
        "contingent.Enrolment", verbose_name=_("enrolment"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="findings",
    )
    level = models.CharField(_("level"), max_length=10, blank=True)
    # "school:<id>", "school:<id>:<level>" or "enrolment:<id>"
    subject_key = models.CharField(max_length=64)
    details = models.JSONField(_("details"), default=dict, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    status_reason = models.TextField(_("explanation or reason"), blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("status changed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    first_run = models.ForeignKey(CheckRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("first found by"))
    last_run = models.ForeignKey(CheckRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("last found by"))
    closed_by_run = models.ForeignKey(
        CheckRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    TRANSITIONS = FINDING_TRANSITIONS

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="school__region", school="school", actions={
        # the school concerned explains its own warnings
        "explain": Allow(Role.SCHOOL, only=[WARNINGS_ONLY]),
        # the department of the school's region, an operator or an administrator decides
        "waive": Allow(Role.DEPARTMENT, Role.OPERATOR, Role.ADMIN),
        "resolve": Allow(Role.DEPARTMENT, Role.OPERATOR, Role.ADMIN),
        # a check run that no longer finds it closes it
        "close": Allow(),
    })

    class Meta:
        ordering = ["-last_run_id", "code", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "subject_key"],
                condition=Q(status__in=LIVE_STATUSES),
                name="finding_one_live_per_code_and_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["enrolment", "status"]),
            models.Index(fields=["code", "status"]),
            # the API's and the page's orders (core.pagination: a page is an index range)
            models.Index(fields=["-last_run", "code", "id"], name="finding_list_order"),
            models.Index(fields=["-last_run", "severity", "code", "id"], name="finding_page_order"),
            # the page's sort by code (``checks.views.FINDING_SORTING``): every live finding is rewritten by each run
            # (``last_run``), so its index entries are rewritten anyway: refreshing 400 000 live findings took 15.2 s with
            # the four indexes above and 15.6 s with this one (a shared machine), and the first page by code of 500 000
            # findings went from 145 ms (a sort) to 0.1 ms (an index read) — docs/architecture.md
            models.Index(fields=["code", "-last_run", "-id"], name="finding_by_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject_key} ({self.status})"

    @property
    def status_reason_text(self) -> str:
        """Why the finding has its status, in the reader's language.

        When a check run closed it (it no longer found the problem), nothing is stored as text: the
        closing run (``closed_by_run``) is the reason, worded here. Otherwise the words of the person
        who explained, waived or resolved it.
        """
        if self.closed_by_run_id is not None and self.status_changed_by_id is None and not self.status_reason:
            from django.utils import formats
            from django.utils.translation import gettext

            return gettext("No longer found by check run #%(run)s (check date %(date)s).") % {
                "run": self.closed_by_run_id, "date": formats.date_format(self.closed_by_run.check_date, "SHORT_DATE_FORMAT")}
        return self.status_reason

    @property
    def is_blocking(self) -> bool:
        """It blocks payment of the lines it concerns (``checks.blocking.finding_blocks``)."""
        from checks.blocking import finding_blocks

        return finding_blocks(severity=self.severity, status=self.status)
