from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from integrations.registers import SourceKind


class SchoolStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("school status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("school status", "Suspended")
    CLOSED = "closed", pgettext_lazy("school status", "Closed")


class Level(models.TextChoices):
    PRIMARY = "primary", _("Primary (grades 0–4)")
    BASIC = "basic", _("Basic secondary (grades 5–9)")
    GENERAL = "general", _("General secondary (grades 10–11)")

    @classmethod
    def for_grade(cls, grade: int) -> "Level":
        if 0 <= grade <= 4:
            return cls.PRIMARY
        if 5 <= grade <= 9:
            return cls.BASIC
        if 10 <= grade <= 11:
            return cls.GENERAL
        raise ValueError(f"grade {grade} is outside 0–11")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("licence status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("licence status", "Suspended")
    REVOKED = "revoked", pgettext_lazy("licence status", "Revoked")


class RegisterKind(models.TextChoices):
    """What an import or an upload loads."""

    SCHOOLS = "schools", _("Schools")
    LICENCES = "licences", _("Licence register")
    RNU = "rnu", _("Register of unreliable suppliers")


class ChangeKind(models.TextChoices):
    """What a history entry of a school records."""

    SCHOOL = "school", _("Registry data")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    CONTACTS = "contacts", _("Contacts")
    LICENCE = "licence", _("Licence")
    RNU = "rnu", _("Register of unreliable suppliers")


class ChangeSource(models.TextChoices):
    """Who or what changed a school's data: the school itself, or a register load (``SourceKind``)."""

    PROFILE = "profile", _("Edited by the school")
    IMPORT = SourceKind.IMPORT.value, SourceKind.IMPORT.label
    UPLOAD = SourceKind.UPLOAD.value, SourceKind.UPLOAD.label
    HTTP = SourceKind.HTTP.value, SourceKind.HTTP.label
