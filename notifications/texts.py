"""A notification in words, in the language being shown, and the page it leads to.

The row keeps identifiers and codes (``params``); the words are chosen when it is shown, so the
same notification reads in Kazakh, Russian or English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from notifications.choices import NotificationKind as Kind


def _amount(value) -> str:
    try:
        return formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)
    except (InvalidOperation, TypeError, ValueError):
        return str(value or "—")


def _date(value) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value or "—")


def _month(value) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(str(value)), "YEAR_MONTH_FORMAT")
    except ValueError:
        return str(value or "—")


def _word(value) -> str:
    """A name kept in several languages ({"kk": …, "ru": …}) in the active one (then Russian, then Kazakh)."""
    if isinstance(value, dict):
        language = (get_language() or "kk")[:2]
        return value.get(language) or value.get("ru") or value.get("kk") or ""
    return str(value or "")


def _status(value: str) -> str:
    from orders.choices import ApplicationStatus

    return str(ApplicationStatus(value).label) if value in ApplicationStatus.values else value


def notification_text(notification) -> str:
    p = {key: _word(value) if isinstance(value, dict) else value for key, value in (notification.params or {}).items()}
    kind = notification.kind
    if kind == Kind.APPLICATION_DECIDED:
        return _("The application of %(school)s to the state order %(order)s: %(status)s.") % {
            "school": p.get("school", ""), "order": p.get("order", ""), "status": _status(p.get("status", ""))}
    if kind == Kind.CONTRACT_TO_SIGN:
        return _("Contract %(contract)s of %(school)s is waiting for your signature.") % {
            "contract": p.get("contract", ""), "school": p.get("school", "")}
    if kind == Kind.ACT_RETURNED:
        return _("Act %(act)s was returned for correction: %(reason)s") % {"act": p.get("act", ""), "reason": p.get("reason") or "—"}
    if kind == Kind.ACT_ACCEPTED:
        return _("Act %(act)s was accepted: %(amount)s KZT.") % {"act": p.get("act", ""), "amount": _amount(p.get("amount"))}
    if kind == Kind.ACT_PARTLY_ACCEPTED:
        return _("Act %(act)s was partly accepted: %(amount)s KZT.") % {"act": p.get("act", ""), "amount": _amount(p.get("amount"))}
    if kind == Kind.PAYMENT_APPROVED:
        return _("Payment %(payment)s of %(amount)s KZT for act %(act)s was approved.") % {
            "payment": p.get("payment", ""), "amount": _amount(p.get("amount")), "act": p.get("act", "")}
    if kind == Kind.PAYMENT_PAID:
        return _("Payment %(payment)s of %(amount)s KZT for act %(act)s was paid.") % {
            "payment": p.get("payment", ""), "amount": _amount(p.get("amount")), "act": p.get("act", "")}
    if kind == Kind.PAYMENT_FAILED:
        return _("Payment %(payment)s for act %(act)s failed at the bank: %(reason)s") % {
            "payment": p.get("payment", ""), "act": p.get("act", ""), "reason": p.get("reason") or "—"}
    if kind == Kind.RECOVERY_OPENED:
        return _("A recovery of %(amount)s KZT was opened on contract %(contract)s (act %(act)s).") % {
            "amount": _amount(p.get("amount")), "contract": p.get("contract", ""), "act": p.get("act", "")}
    if kind in (Kind.DEADLINE_SOON, Kind.DEADLINE_OVERDUE):
        return _deadline_text(kind, p)
    if kind == Kind.NEW_FINDINGS:
        return ngettext(
            "Check run #%(run)s of %(date)s found %(count)s new finding for %(subject)s.",
            "Check run #%(run)s of %(date)s found %(count)s new findings for %(subject)s.",
            int(p.get("count", 0)),
        ) % {"run": p.get("run", ""), "date": _date(p.get("date")), "count": p.get("count", 0), "subject": p.get("subject", "")}
    return notification.get_kind_display()


def _deadline_text(kind: str, p: dict) -> str:
    values = {"act": p.get("act", ""), "contract": p.get("contract", ""), "month": _month(p.get("month")),
              "due": _date(p.get("due")), "school": p.get("school", "")}
    if p.get("step") == "review":
        if kind == Kind.DEADLINE_SOON:
            return _("The review of act %(act)s of %(school)s is due by %(due)s.") % values
        return _("The review of act %(act)s of %(school)s was due by %(due)s.") % values
    if kind == Kind.DEADLINE_SOON:
        return _("The act of %(month)s under contract %(contract)s is due by %(due)s.") % values
    return _("The act of %(month)s under contract %(contract)s was due by %(due)s and is not submitted.") % values


def notification_link(notification) -> str:
    """The page of what it is about, in the active language ('' when there is none)."""
    if not notification.url_name:
        return ""
    try:
        url = reverse(notification.url_name, args=list(notification.url_args or []))
    except NoReverseMatch:
        return ""
    return url + (f"?{notification.url_query}" if notification.url_query else "")
