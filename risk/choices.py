from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskCode(models.TextChoices):
    """CONTRACT risk codes ("Risk flags"). Never rename or remove one; add new codes at the end.

    Each code's SQL, version, evidence and explanation belong to its rule (``risk.rules``).
    """

    R01 = "R01", _("Transfer velocity: many NOBD enrolments of one pupil this school year")
    R02 = "R02", _("Month-end churn: enrolled at the end of a month, gone at the start of the next")
    R03 = "R03", _("Contingent jump within 30 days")
    R04 = "R04", _("Payment approved soon after the bank account changed")
    R05 = "R05", _("NOBD record vanished since the previous snapshot")


class RiskFlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    # A later run no longer raised it; the flag and its evidence stay.
    CLOSED = "closed", _("No longer raised")


class RiskRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RiskRunTrigger(models.TextChoices):
    COMMAND = "command", _("Command line")
    CHECKS = "checks", _("After a check run")


class RiskRunEvent(models.TextChoices):
    """What happens to a risk run (audit event types)."""

    STARTED = "risk_run_started", _("Risk run started")
    SUCCEEDED = "risk_run_succeeded", _("Risk run succeeded")
    FAILED = "risk_run_failed", _("Risk run failed")


class RiskFlagEvent(models.TextChoices):
    """What happens to a risk flag (audit event types). A run raises, keeps and closes flags set-based; the
    run's own events carry the counts (``RiskRunEvent``)."""

    NO_LONGER_RAISED = "risk_flag_no_longer_raised", _("Risk flag no longer raised by a risk run")
