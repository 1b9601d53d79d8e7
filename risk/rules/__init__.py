"""The registry of risk rules: one ``RiskRule`` object per risk code owns everything about it.

A rule is its code and version, its set-based SQL, the schema of the ``evidence`` that SQL writes
(a frozen dataclass, checked like the checks' details: ``checks.rules.details``) and its
explanation in plain words, which reads exactly that evidence. Each code lives in its own module of
this package (``r01_transfers.py`` … ``r05_vanished.py``). When a rule's SQL or evidence changes,
its version goes up (flags and runs record the version).

A rule's SQL is a SELECT with the columns ``subject_key`` (unique in the result), ``school_id`` (the
school of the portal the flag is filed under), ``school_ids`` (bigint[]: every school of the portal it
concerns), ``pupil_iin``, ``payment_id``, ``month`` (each NULL when it does not apply) and
``evidence`` (jsonb with exactly the keys of the schema: the snapshot ids, the rows and the
thresholds used). Its named parameters are those of ``RiskRun.params``: ``snapshot_id``,
``previous_snapshot_id``, ``check_date`` (D), ``previous_date`` (D′), ``school_year_start`` (Y), the same three
as NOBD text (``check_date_text``, ``previous_date_text``, ``school_year_start_text``),
``as_of``, and ``t_<threshold>`` for each threshold of ``risk.thresholds``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from checks.rules.details import schema_fields
from risk.choices import RiskCode


@dataclass(frozen=True)
class RiskRule:
    code: RiskCode
    version: str
    sql: str
    evidence: type
    explain: Callable  # (flag, evidence or None) -> checks.rules.wording.Explanation
    needs_previous: bool = False  # reads the previous snapshot (skipped when there is none)

    def __post_init__(self):
        schema_fields(self.evidence)


_REGISTRY: dict[str, RiskRule] = {}
_loaded = False


def register(rule: RiskRule) -> RiskRule:
    if rule.code in _REGISTRY and _REGISTRY[rule.code] is not rule:
        raise ValueError(f"risk rule {rule.code} is registered twice")
    _REGISTRY[rule.code] = rule
    return rule


def _load_modules() -> None:
    global _loaded
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True


def all_rules() -> list[RiskRule]:
    """Registered rules in CONTRACT order (R01…R05)."""
    _load_modules()
    order = {code: index for index, code in enumerate(RiskCode.values)}
    return sorted(_REGISTRY.values(), key=lambda rule: order.get(rule.code, len(order)))


def rule_for(code: str) -> RiskRule | None:
    _load_modules()
    return _REGISTRY.get(code)
