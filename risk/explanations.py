"""Every risk flag in plain words, in the reader's language (kk/ru/en), from its rule and its evidence."""

from __future__ import annotations

from checks.rules.details import DetailsMismatch, parse_details
from checks.rules.wording import Explanation
from risk.rules import rule_for

__all__ = ["Explanation", "explain", "flag_evidence"]


def flag_evidence(flag):
    """The flag's evidence as its rule's schema (a frozen dataclass), or None if it does not fit (an older version)."""
    rule = rule_for(flag.code)
    if rule is None:
        return None
    try:
        return parse_details(rule.evidence, flag.evidence)
    except DetailsMismatch:
        return None


def explain(flag, evidence: dict | None = None) -> Explanation:
    """The flag in plain words; ``evidence`` (a stored or replayed version) instead of the flag's own."""
    rule = rule_for(flag.code)
    if rule is None:
        return Explanation(flag.get_code_display())
    parsed = flag_evidence(flag) if evidence is None else _parse(rule, evidence)
    return rule.explain(flag, parsed)


def _parse(rule, evidence: dict):
    try:
        return parse_details(rule.evidence, evidence)
    except DetailsMismatch:
        return None
