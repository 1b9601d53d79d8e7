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
    # The grades of each level: ``schools.rules.LEVEL_GRADES``.


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("licence status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("licence status", "Suspended")
    REVOKED = "revoked", pgettext_lazy("licence status", "Revoked")


class LicenceGap(models.TextChoices):
    """Why a licence does not cover a level on a day (the first reason that applies)."""

    SUSPENDED = "suspended", _("suspended")
    REVOKED = "revoked", _("revoked")
    NOT_YET_ISSUED = "not_yet_issued", _("issued after the day")
    LEVEL_NOT_LISTED = "level_not_listed", _("does not list the level")


class SchoolEvent(models.TextChoices):
    """Audit event types of schools and registers (``AuditEvent.action``)."""

    REGISTER_LOADED = "register_loaded", _("Register loaded")
    PROFILE_UPDATED = "school_profile_updated", _("School profile updated")


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


class ProviderKind(models.TextChoices):
    """What kind of organisation a provider (``School``) is: a school is paid for pupils, a dormitory
    operator for places, a college or a university for scholarship and grant holders."""

    SCHOOL = "school", _("School")
    COLLEGE = "college", _("College")
    DORMITORY = "dormitory", _("Dormitory operator")
    UNIVERSITY = "university", _("University")
