"""Risk flags, the runs that raise them and the scores of schools (``risk.engine``, ``risk.scores``).

Who sees what and who does what (``core.scoping``, each model's ``scope``): operators, monitors and
administrators see everything; a department the flags and scores of schools of its region; a school
nothing at all — a flag is a lead for oversight, never an accusation shown to the school. Nobody
changes a flag by hand: a run raises and closes flags (the system), and a run is started by the
command, the pipeline, or an operator or administrator. Statuses move only through the declared
``TRANSITIONS`` (``core.workflow``), each naming its audit event type (``risk.choices``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import Allow, Scope, ScopedQuerySet
from core.workflow import Transition
from risk.choices import RiskCode, RiskFlagEvent, RiskFlagStatus, RiskRunEvent, RiskRunStatus, RiskRunTrigger


def _nothing(user) -> Q:
    return Q(pk__in=[])


def _flags_of_region(user) -> Q:
    return Q(pk__in=RiskFlagSchool.objects.filter(school__region_id=user.region_id).values("flag_id"))


class RiskRun(models.Model):
    """One computation of every risk rule for a snapshot's date D, with everything it read.

    ``as_of`` bounds what R04 reads (payments approved and bank-account changes recorded up to that
    moment); thresholds and score settings (weights, size bands, minimum peers, quantile) are the
    settings the run used, so that it can be replayed.
    """

    snapshot = models.ForeignKey("contingent.NobdSnapshot", verbose_name=_("NOBD snapshot"), on_delete=models.PROTECT,
                                 related_name="risk_runs")
    previous_snapshot = models.ForeignKey(
        "contingent.NobdSnapshot", verbose_name=_("previous NOBD snapshot"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    check_date = models.DateField(_("date D"))
    previous_date = models.DateField(_("date of the previous snapshot"), null=True, blank=True)
    as_of = models.DateTimeField(_("payments and bank accounts read up to"))
    thresholds = models.JSONField(_("thresholds"), default=dict)
    score_settings = models.JSONField(_("score settings"), default=dict)
    rule_versions = models.JSONField(_("rule versions"), default=dict)
    trigger = models.CharField(_("trigger"), max_length=20, choices=RiskRunTrigger.choices)
    check_run = models.ForeignKey("checks.CheckRun", verbose_name=_("after check run"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=RiskRunStatus.choices, default=RiskRunStatus.RUNNING)
    counts = models.JSONField(_("open flags per code"), default=dict, blank=True)
    timings = models.JSONField(_("seconds per step"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # A run is created running (event ``RiskRunEvent.STARTED``) and ends once, by itself
    # (``risk.engine``: one conditional UPDATE built from these entries).
    TRANSITIONS = {
        "succeed": Transition(sources=(RiskRunStatus.RUNNING,), target=RiskRunStatus.SUCCEEDED, event=RiskRunEvent.SUCCEEDED),
        "fail": Transition(sources=(RiskRunStatus.RUNNING,), target=RiskRunStatus.FAILED, event=RiskRunEvent.FAILED),
    }

    objects = ScopedQuerySet.as_manager()
    # National totals: operators, monitors and administrators only.
    scope = Scope(region=_nothing, school=_nothing, actions={
        # started by an operator or an administrator (and by the command and the pipeline, as the system)
        "start": Allow(Role.OPERATOR, Role.ADMIN, creates=True),
        # a run ends by itself
        "succeed": Allow(),
        "fail": Allow(),
    })

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("risk run")
        verbose_name_plural = _("risk runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.check_date} ({self.get_status_display()})"

    def params(self) -> dict:
        """The named parameters every rule's SQL receives (``risk.rules.RiskRule``)."""
        from core.calendar import school_year_start

        year_start = school_year_start(self.check_date)

        def text(day):  # a date as NOBD writes it (``risk.rules.common``)
            return day.isoformat() if day else None

        return {
            "snapshot_id": self.snapshot_id,
            "previous_snapshot_id": self.previous_snapshot_id,
            "check_date": self.check_date,
            "previous_date": self.previous_date,
            "school_year_start": year_start,
            "check_date_text": text(self.check_date),
            "previous_date_text": text(self.previous_date),
            "school_year_start_text": text(year_start),
            "as_of": self.as_of,
            **{f"t_{name}": value for name, value in self.thresholds.items()},
        }


class RiskFlag(models.Model):
    """A pattern one rule found: one flag per code and subject while it is raised (open).

    ``subject_key`` names what the flag is about (``iin:…`` R01, ``school:<id>:<YYYY-MM>`` R02,
    ``school:<id>`` R03, ``payment:<id>`` R04, ``nobd:<iin>:<bin>:<enrolled on>`` R05). A re-run keeps
    an open flag it raises again (its evidence refreshed, each new version kept in
    ``RiskFlagEvidence``) and closes the open flags it no longer raises; a partial unique index
    makes duplicates impossible.
    """

    code = models.CharField(_("code"), max_length=3, choices=RiskCode.choices)
    subject_key = models.CharField(max_length=100)
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    schools = models.ManyToManyField("schools.School", through="RiskFlagSchool", related_name="+",
                                     verbose_name=_("schools concerned"))
    pupil_iin = models.CharField(_("IIN"), max_length=12, blank=True)
    payment = models.ForeignKey("payments.Payment", verbose_name=_("payment"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), null=True, blank=True)
    evidence = models.JSONField(_("flag evidence"), default=dict)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence"), max_length=64)
    rule_version = models.CharField(_("rule version"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=RiskFlagStatus.choices, default=RiskFlagStatus.OPEN)
    first_run = models.ForeignKey(RiskRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("first raised by"))
    last_run = models.ForeignKey(RiskRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("last raised by"))
    closed_by_run = models.ForeignKey(RiskRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("no longer raised by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A run closes the open flags of a code it no longer raises: set-based SQL built from this entry
    # (``risk.engine``).
    TRANSITIONS = {
        "close": Transition(sources=(RiskFlagStatus.OPEN,), target=RiskFlagStatus.CLOSED,
                            event=RiskFlagEvent.NO_LONGER_RAISED),
    }

    objects = ScopedQuerySet.as_manager()
    # Only a risk run raises and closes flags (the system); nobody changes one by hand.
    scope = Scope(region=_flags_of_region, school=_nothing, actions={
        "raise": Allow(creates=True),
        "close": Allow(),
    })

    class Meta:
        ordering = ["-last_run_id", "code", "id"]
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        constraints = [
            models.UniqueConstraint(fields=["code", "subject_key"], condition=Q(status=RiskFlagStatus.OPEN),
                                    name="risk_flag_one_open_per_code_and_subject"),
        ]
        indexes = [
            models.Index(fields=["code", "status"]),
            models.Index(fields=["last_run", "status"]),
            models.Index(fields=["-last_run", "code", "id"], name="risk_flag_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject_key} ({self.status})"

    @property
    def case_key(self) -> str:
        """The flag's stable name for a monitoring case opened from it (``risk:<id>:<code>``)."""
        return f"risk:{self.pk}:{self.code}"


class RiskFlagSchool(models.Model):
    """A school of the portal that a flag concerns (an R01 pupil may have passed through several)."""

    flag = models.ForeignKey(RiskFlag, on_delete=models.CASCADE, related_name="school_links")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["flag", "school"], name="risk_flag_school_once")]
        indexes = [models.Index(fields=["school", "flag"])]

    def __str__(self) -> str:
        return f"{self.flag_id} → {self.school_id}"


class RiskFlagEvidence(models.Model):
    """Each version of a flag's evidence, with the run that produced it (appended when it changes)."""

    flag = models.ForeignKey(RiskFlag, on_delete=models.CASCADE, related_name="evidence_versions")
    run = models.ForeignKey(RiskRun, on_delete=models.PROTECT, related_name="+")
    evidence = models.JSONField(_("flag evidence"))
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence"), max_length=64)
    rule_version = models.CharField(_("rule version"), max_length=20)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["flag_id", "-run_id"]
        constraints = [models.UniqueConstraint(fields=["flag", "run"], name="risk_evidence_once_per_run")]

    def __str__(self) -> str:
        return f"{self.flag_id} @ run {self.run_id}"


class RiskScore(models.Model):
    """A school's risk score in one run: its flags weighted, ranked within its peers.

    Peers are the schools of the same region and size band (pupils active on D, bands from
    ``RISK_SIZE_BANDS``). ``percentile`` is the share of peers scoring at most as much; a school is
    *ranked* only when it has at least ``RISK_MIN_PEERS`` peers (itself included), and an *outlier*
    when ranked and its score is above the peers' ``RISK_OUTLIER_QUANTILE`` quantile.
    """

    run = models.ForeignKey(RiskRun, on_delete=models.CASCADE, related_name="scores")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    pupils = models.PositiveIntegerField(_("pupils active on D"))
    size_band = models.PositiveSmallIntegerField(_("size band"))
    flags = models.JSONField(_("open flags per code"), default=dict)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=2)
    peers = models.PositiveIntegerField(_("peers"))
    percentile = models.DecimalField(_("share of peers scoring at most as much"), max_digits=5, decimal_places=4)
    peer_quantile = models.DecimalField(_("peers' quantile score"), max_digits=12, decimal_places=2)
    ranked = models.BooleanField(_("ranked"))
    outlier = models.BooleanField(_("outlier among peers"))

    objects = ScopedQuerySet.as_manager()
    # Only a risk run computes scores (the system).
    scope = Scope(region="region", school=_nothing, actions={"compute": Allow(creates=True)})

    class Meta:
        ordering = ["-score", "school_id"]
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        constraints = [
            models.UniqueConstraint(fields=["run", "school"], name="risk_score_once_per_run_and_school"),
            models.CheckConstraint(condition=Q(score__gte=0), name="risk_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.score} (run {self.run_id})"
