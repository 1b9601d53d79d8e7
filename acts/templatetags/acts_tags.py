"""Filters of the act pages (``{% load acts_tags %}``); the payment pages load ``payments_tags``,
which adds the payment statuses to these."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()

BADGES = {
    "draft": "text-bg-secondary", "submitted": "text-bg-primary", "accepted": "text-bg-success",
    "partly_accepted": "text-bg-info", "returned": "text-bg-warning", "paid": "text-bg-success",
    "pending": "text-bg-light border", "rejected": "text-bg-danger",
}


@register.filter
def badge(status: str) -> str:
    """Bootstrap classes for a status badge."""
    return BADGES.get(str(status), "text-bg-light border")


@register.filter
def money(value) -> str:
    """An amount with two decimals and the language's grouping (1 234 567,50 in kk and ru)."""
    if value in (None, ""):
        return "—"
    return floatformat(value, "2g")


@register.filter
def control(field):
    """Render a form field's widget with Bootstrap classes."""
    from django import forms

    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    return field.as_widget(attrs={"class": css})


@register.filter
def level_label(value: str) -> str:
    from programmes.labels import category_label

    return category_label(value)

