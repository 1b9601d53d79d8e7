"""Filters of the act pages (``{% load acts_tags %}``); the payment pages load ``payments_tags``,
which has these too. A status badge's colour comes from its choice (``act.status_colour``)."""

from django import template

from core.money import money_text

register = template.Library()

@register.filter
def money(value) -> str:
    """An amount with two decimals and the language's grouping (1 234 567,50 in kk and ru)."""
    if value in (None, ""):
        return "—"
    return money_text(value)


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

