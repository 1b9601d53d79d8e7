"""Filters of the payment pages: those of the act pages (``acts_tags``), with the payment,
recovery and bank-confirmation statuses added to ``badge``."""

from django import template

from acts.templatetags import acts_tags
from payments.choices import PaymentStatus

register = template.Library()
register.filters.update(acts_tags.register.filters)

BADGES = {
    **acts_tags.BADGES,
    "prepared": "text-bg-secondary", "approved": "text-bg-primary", "sent": "text-bg-info", "failed": "text-bg-danger",
    "cancelled": "text-bg-dark", "open": "text-bg-warning", "offset": "text-bg-success", "previewed": "text-bg-secondary",
    "applied": "text-bg-success",
}


@register.filter
def badge(status: str) -> str:
    """Bootstrap classes for a status badge."""
    return BADGES.get(str(status), "text-bg-light border")


@register.filter
def payment_status_label(value: str) -> str:
    return dict(PaymentStatus.choices).get(value, value)
