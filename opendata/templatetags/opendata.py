from django import template
from django.template.defaultfilters import floatformat

from opendata.privacy import SMALL_TEXT, WITHHELD_TEXT, public_value

register = template.Library()


@register.filter
def shown(obj, field: str):
    """A figure over pupils as published: the value, ``<5`` or ``x`` (``opendata.privacy``)."""
    if obj is None:
        return "—"
    return public_value(getattr(obj, field), getattr(obj, f"{field}_mark"))


@register.filter
def money(value):
    """An amount in KZT with grouped thousands, ``<5``, ``x`` and none kept as they are."""
    if value is None:
        return "—"
    if value in (SMALL_TEXT, WITHHELD_TEXT):
        return value
    return floatformat(value, "2g")


@register.filter
def level_label(level: str) -> str:
    from schools.choices import Level

    return str(dict(Level.choices).get(level, level)) if level else ""


@register.filter
def status_label(status: str, kind: str) -> str:
    """The translated label of an order, application, contract or school status."""
    from orders.choices import ApplicationStatus, ContractStatus, OrderStatus
    from schools.choices import LicenceStatus, SchoolStatus

    choices = {"order": OrderStatus, "application": ApplicationStatus, "contract": ContractStatus,
               "school": SchoolStatus, "licence": LicenceStatus}[kind]
    return str(dict(choices.choices).get(status, status))


@register.filter
def code_label(code: str) -> str:
    from checks.choices import FindingCode

    return str(dict(FindingCode.choices).get(code, code))
