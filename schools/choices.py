from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


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
