"""Choices of core, and the base of every choice that carries a colour.

The colour of a status belongs to the status (NetBox's ``ChoiceSet`` entries are ``(value, label,
colour)``): a ``ColouredChoices`` member is declared as ``DRAFT = "draft", "secondary", _("Draft")``
(Django takes the label from the end), and a model shows it through ``ChoiceColour``::

    status_colour = ChoiceColour("status", ActStatus)   # template: text-bg-{{ act.status_colour }}

The colour is a Bootstrap contextual colour name: primary, secondary, success, danger, warning,
info, light, dark.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

COLOURS = frozenset({"primary", "secondary", "success", "danger", "warning", "info", "light", "dark"})


class ColouredChoices(models.TextChoices):
    """TextChoices whose members carry a Bootstrap colour: ``NAME = value, colour, label``."""

    def __new__(cls, value, colour="secondary"):
        if colour not in COLOURS:
            raise ValueError(f"{cls.__name__}.{value}: unknown colour {colour!r}")
        member = str.__new__(cls, value)
        member._value_ = value
        member.colour = colour
        return member


class ChoiceColour:
    """The colour of a model's coloured choice field (``status_colour = ChoiceColour("status", ActStatus)``).

    An unknown value (a row written before a status was renamed) is shown as ``secondary``.
    """

    def __init__(self, field: str, choices: type[ColouredChoices]):
        self.field, self.choices = field, choices

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return colour_of(self.choices, getattr(obj, self.field))


def colour_of(choices: type[ColouredChoices], value) -> str:
    try:
        return choices(value).colour
    except ValueError:
        return "secondary"


class RegionKind(models.TextChoices):
    REGION = "region", _("Region")
    CITY = "city", _("City of republican significance")
