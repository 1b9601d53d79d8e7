"""What the explanations of every rule share: the ``Explanation`` they build and how they name things.

Every text is translated in the reader's language (kk/ru/en) when the explanation is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from core.models import localized


@dataclass(frozen=True)
class Explanation:
    summary: str
    facts: list[str] = field(default_factory=list)
    advice: str = ""
    consequence: str = ""


@dataclass(frozen=True)
class SchoolRef:
    """A school named in a finding's details: its BIN, and its names when it is a school of the portal."""

    bin: str
    name_kk: str | None
    name_ru: str | None

    @property
    def in_portal(self) -> bool:
        return bool(self.name_kk or self.name_ru)

    def label(self) -> str:
        """The name (BIN …), or "a school not registered in the portal (BIN …)"."""
        if self.in_portal:
            return _("%(name)s (BIN %(bin)s)") % {"name": localized(self, "name"), "bin": self.bin}
        return _("a school not registered in the portal (BIN %(bin)s)") % {"bin": self.bin}


def date_text(value) -> str:
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return "—" if value is None else str(value)


def level_text(value) -> str:
    """A norm category (for schools: a level) in words."""
    from programmes.labels import category_label

    return category_label(value) or str(_("unknown level"))


def levels_text(values) -> str:
    return ", ".join(level_text(value) for value in (values or [])) or _("no level")


def pupil_of(finding) -> tuple[str, str]:
    """The pupil's name and IIN, from the finding's enrolment."""
    enrolment = getattr(finding, "enrolment", None)
    if enrolment is None:
        return _("the pupil"), "—"
    pupil = enrolment.pupil
    return str(pupil), pupil.iin
