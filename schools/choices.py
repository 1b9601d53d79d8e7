from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
