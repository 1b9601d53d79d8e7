"""Every finding in plain words, in the reader's language (kk/ru/en).

``explain(finding)`` asks the finding's rule (``checks.rules``): the rule reads the finding's
``details`` through its schema (``checks.rules.details.parse_details``), so an explanation reads
exactly the keys its rule's SQL writes. Details that do not fit the schema (a finding of an older
version of the rule) give the rule's more general sentence, never an error.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from checks.choices import Severity
from checks.rules import rule_for
from checks.rules.details import DetailsMismatch, parse_details
from checks.rules.wording import Explanation

__all__ = ["Explanation", "explain", "finding_details"]


def _consequence(finding) -> str:
    if finding.severity == Severity.ERROR:
        return _("This is an error: while it is open, the act lines it concerns are not payable.")
    return _("This is a warning: it does not stop payment, but the school should explain it.")


def _check_date(finding):
    run = getattr(finding, "last_run", None)
    return getattr(run, "check_date", None)


def finding_details(finding):
    """The finding's details as its rule's schema (a frozen dataclass), or None if they do not fit it."""
    rule = rule_for(finding.code)
    if rule is None:
        return None
    try:
        return parse_details(rule.details, finding.details)
    except DetailsMismatch:
        return None


def explain(finding) -> Explanation:
    """The finding in plain words, in the active language."""
    rule = rule_for(finding.code)
    if rule is None:
        return Explanation(finding.get_code_display(), consequence=_consequence(finding))
    result = rule.explain(finding, _check_date(finding), finding_details(finding))
    return Explanation(result.summary, result.facts, result.advice, _consequence(finding))
