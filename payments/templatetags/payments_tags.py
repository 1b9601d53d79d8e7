"""Filters of the payment pages: those of the act pages (``acts_tags``), and the colour and label of a
payment status given as a bare value (the final report's figures)."""

from django import template

from acts.templatetags import acts_tags
from core.choices import colour_of
from payments.choices import PaymentStatus

register = template.Library()
register.filters.update(acts_tags.register.filters)


@register.filter
def payment_status_colour(value: str) -> str:
    return colour_of(PaymentStatus, value)


@register.filter
def payment_status_label(value: str) -> str:
    return dict(PaymentStatus.choices).get(value, value)
