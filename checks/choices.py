from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class FindingCode(models.TextChoices):
    """CONTRACT finding codes. Never rename or remove one; add new codes at the end.

    Each code's severity, SQL, details and explanation belong to its rule (``checks.rules``).
    """

    P01 = "P01", _("IIN invalid or disagrees with the birth date")
    P02 = "P02", _("Pupil not found in NOBD")
    P03 = "P03", _("Pupil studies at another school according to NOBD")
    P04 = "P04", _("Pupil left this school according to NOBD but is still in the contingent")
    P05 = "P05", _("Pupil is in the contingents of two or more schools")
    P06 = "P06", _("Grade differs from NOBD")
    P07 = "P07", _("Age impossible for the grade")
    S01 = "S01", _("No active licence for the level taught")
    S02 = "S02", _("Activity code (OKED) is not education")
    S03 = "S03", _("School is on the register of unreliable suppliers")
    S04 = "S04", _("Contingent above the school's capacity")
    S05 = "S05", _("Contingent above the contracted places for a level")
    # Extensions (issue 10: the other funding instruments), printed after the CONTRACT codes.
    D01 = "D01", _("Dormitory resident not an active student in NOBD")
    D02 = "D02", _("Resident in two or more funded dormitories")
    D03 = "D03", _("Dormitory occupancy above the contracted places")
    C01 = "C01", _("Scholarship holder not enrolled at the college in NOBD")
    G01 = "G01", _("Grant holder funded at two or more providers for the same term")


CONTRACT_CODES = ("P01", "P02", "P03", "P04", "P05", "P06", "P07", "S01", "S02", "S03", "S04", "S05")


class IinProblem(models.TextChoices):
    """Why P01 found an IIN wrong (the ``reason`` of its details)."""

    CHECK_DIGIT = "check_digit", _("its check digit is wrong")
    IMPOSSIBLE_DATE = "impossible_date", _("the birth date it encodes is impossible")
    BIRTH_DATE_DIFFERS = "birth_date_differs", _("the birth date it encodes differs from the pupil's birth date")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained")
    RESOLVED = "resolved", _("Resolved")
    WAIVED = "waived", _("Waived")


# A finding in one of these statuses is "live": the next run keeps it or closes it.
LIVE_STATUSES = (FindingStatus.OPEN, FindingStatus.EXPLAINED, FindingStatus.WAIVED)


class CheckRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class CheckRunTrigger(models.TextChoices):
    COMMAND = "command", _("Command line")
    NIGHTLY = "nightly", _("Nightly job")
    MANUAL = "manual", _("Started by an operator")
    ACT = "act", _("Act submission")


class FindingEvent(models.TextChoices):
    """What happens to a finding: the names of its transitions (``checks.transitions``) and audit events."""

    EXPLAINED = "finding_explained", _("Explained by the school")
    WAIVED = "finding_waived", _("Waived")
    RESOLVED = "finding_resolved", _("Resolved by hand")
    NO_LONGER_FOUND = "finding_no_longer_found", _("No longer found by a check run")


class CheckRunEvent(models.TextChoices):
    """What happens to a check run: the names of its transitions (``checks.transitions``) and audit events."""

    STARTED = "check_run_started", _("Check run started")
    SUCCEEDED = "check_run_succeeded", _("Check run succeeded")
    FAILED = "check_run_failed", _("Check run failed")
