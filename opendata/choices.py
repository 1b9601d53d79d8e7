from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    """The level of a published figure: the whole country, one region, one school or one contract."""

    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    SCHOOL = "school", _("School")
    CONTRACT = "contract", _("Contract")


class Mark(models.TextChoices):
    """How a figure over pupils is shown (``opendata.privacy``).

    The value of a withheld figure is never stored: its column is NULL and the mark says why.
    """

    SHOWN = "", _("shown")
    SMALL = "<5", _("fewer than 5 pupils")
    WITHHELD = "x", _("withheld so that a figure over fewer than 5 pupils cannot be worked out")


class PublicationStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class PublicationTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly job")
    CHECKS = "checks", _("After a check run")
    PAYMENTS = "payments", _("After a payment registry or bank confirmation")
    COMMAND = "command", _("Command line")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


class OpenDataEvent(models.TextChoices):
    """Audit events of the open data (the refresh is the system's own action)."""

    PUBLISHED = "open_data_published", _("Open data published")
