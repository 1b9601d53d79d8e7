"""R04 bank account changed before payment (one flag per payment).

Raised when a payment was approved less than ``RISK_R04_DAYS`` days after a change of the paid
school's IBAN (strictly after the change). Payments come from the view ``payments_approved``
(``payments.published``), IBAN changes from the school change history through the view
``schools_iban_changes`` (``schools.published``); both are read up to the run's ``as_of``, so a
replay reads exactly what the run read. The evidence names the payment and every such change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from checks.rules.wording import Explanation
from payments.published import APPROVED_PAYMENTS_VIEW
from risk.choices import RiskCode
from risk.rules import RiskRule, register
from risk.rules.common import not_an_accusation
from schools.published import IBAN_CHANGES_VIEW


@dataclass(frozen=True)
class IbanChange:
    change_id: int
    changed_at: str  # ISO 8601 with the time zone
    iban_before: str
    iban_after: str


@dataclass(frozen=True)
class Evidence:
    payment_id: int
    act_month: dt.date
    amount: str
    payee_iban: str
    approved_at: str  # ISO 8601 with the time zone
    window_days: int
    as_of: str
    changes: list[IbanChange]


def _iso(expr: str) -> str:
    return f"to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"


SQL = f"""
SELECT 'payment:' || p.payment_id AS subject_key, p.school_id, ARRAY[p.school_id]::bigint[] AS school_ids,
       NULL::text AS pupil_iin, p.payment_id, p.act_month AS month,
       jsonb_build_object(
           'payment_id', p.payment_id, 'act_month', p.act_month, 'amount', p.amount::text, 'payee_iban', p.payee_iban,
           'approved_at', {_iso("p.approved_at")}, 'window_days', %(t_r04_days)s::int, 'as_of', {_iso("%(as_of)s::timestamptz")},
           'changes', jsonb_agg(jsonb_build_object('change_id', c.change_id, 'changed_at', {_iso("c.changed_at")},
                                                   'iban_before', c.iban_before, 'iban_after', c.iban_after)
                                ORDER BY c.changed_at, c.change_id)) AS evidence
  FROM {APPROVED_PAYMENTS_VIEW} p
  JOIN schools_school s ON s.id = p.school_id
  JOIN {IBAN_CHANGES_VIEW} c
    ON c.bin = s.bin AND c.changed_at < p.approved_at
   AND p.approved_at < c.changed_at + make_interval(days => %(t_r04_days)s)
 WHERE p.approved_at <= %(as_of)s AND c.changed_at <= %(as_of)s
 GROUP BY p.payment_id, p.school_id, p.act_month, p.amount, p.payee_iban, p.approved_at
"""


def moment_text(value: str) -> str:
    moment = parse_datetime(value)
    if moment is None:
        return value
    from django.utils import timezone

    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def explain(flag, evidence: Evidence | None) -> Explanation:
    advice = _("Confirm with the school, through a channel known before the change, that the new account is its own "
               "before the next payment.")
    if evidence is None:
        return Explanation(_("A payment was approved soon after the school's bank account changed."), [], advice,
                           not_an_accusation())
    summary = _("Payment #%(payment)s of %(amount)s KZT for %(month)s to account %(iban)s was approved on %(approved)s, "
                "less than %(days)s days after the school's account changed.") % {
        "payment": evidence.payment_id, "amount": evidence.amount, "month": formats.date_format(evidence.act_month, "YEAR_MONTH_FORMAT"),
        "iban": evidence.payee_iban, "approved": moment_text(evidence.approved_at), "days": evidence.window_days}
    facts = [_("On %(when)s the account %(before)s was replaced by %(after)s.") % {
        "when": moment_text(change.changed_at), "before": change.iban_before, "after": change.iban_after}
        for change in evidence.changes]
    return Explanation(summary, facts, advice, not_an_accusation())


RULE = register(RiskRule(code=RiskCode.R04, version="1", sql=SQL, evidence=Evidence, explain=explain))
