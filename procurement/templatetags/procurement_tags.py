from django import template
from django.template.defaultfilters import floatformat

from core.audit_actions import action_label
from procurement.choices import FlagCode

register = template.Library()


@register.filter
def money(value) -> str:
    """An amount with two decimals and the language's grouping (1 234 567,50 in kk and ru)."""
    if value in (None, ""):
        return "—"
    return floatformat(value, "2g")


@register.filter
def event_label(value: str) -> str:
    """The translated name of an audit event type (``core.audit_actions``: every app's, and the legacy ones)."""
    return action_label(value)


@register.filter
def flag_label(value: str) -> str:
    return str(dict(FlagCode.choices).get(value, value))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
