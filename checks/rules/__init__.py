"""The registry of check rules: one ``Rule`` object per finding code owns everything about it.

A rule is its code, severity and version, its set-based SQL, the schema of the ``details`` that SQL
writes (a frozen dataclass, ``checks.rules.details``) and its explanation in plain words, which
reads exactly those details. Each code lives in its own module of this package (``p01_iin.py`` …
``s05_places.py``) and registers itself with ``register``; ``all_rules()`` imports every module
of the package, so adding a rule means adding a module, nothing else. When a rule's details
change, its version goes up (findings record the version that produced them).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from checks.choices import FindingCode, Severity
from checks.rules.details import schema_fields


@dataclass(frozen=True)
class Preparation:
    """A table computed once per run, before the rules, that several rules read.

    ``sql`` is a SELECT with the same parameters as the rules; the engine stores its result in
    an unlogged table called ``name`` (one run at a time holds the engine's lock, so the name
    is the run's), analyses it, and drops it when the run ends. Every rule then reads the
    same point-in-time picture (say, the enrolments active on D) instead of recomputing it.
    Preparations run in the order rules list them; one may read an earlier one.
    """

    name: str
    sql: str
    needs_snapshot: bool = False


@dataclass(frozen=True)
class Rule:
    """A check rule: everything about one finding code.

    ``sql`` is a SELECT returning the columns ``school_id, enrolment_id, level, subject_key,
    details`` (``details`` as jsonb with exactly the keys of the ``details`` dataclass), one row
    per finding, with the named parameters ``%(check_date)s``, ``%(snapshot_id)s`` and
    ``%(school_year_start)s`` available. ``subject_key`` must be unique within the result:
    ``school:<id>``, ``school:<id>:<level>`` or ``enrolment:<id>``.

    ``explain(finding, check_date, details)`` returns the finding in plain words
    (``checks.rules.wording.Explanation``); ``details`` is an instance of the ``details`` dataclass,
    or None when the stored details do not fit it (a finding of an older version of the rule).
    """

    code: FindingCode
    severity: Severity
    version: str
    sql: str
    details: type
    explain: Callable
    needs_snapshot: bool = False
    prepares: tuple[Preparation, ...] = ()

    def __post_init__(self):
        schema_fields(self.details)  # a frozen dataclass of supported types, or TypeError now


_REGISTRY: dict[str, Rule] = {}
_loaded = False


def register(rule: Rule) -> Rule:
    if rule.code in _REGISTRY and _REGISTRY[rule.code] is not rule:
        raise ValueError(f"rule {rule.code} is registered twice")
    _REGISTRY[rule.code] = rule
    return rule


def unregister(code: str) -> None:
    _REGISTRY.pop(code, None)


def _load_modules() -> None:
    global _loaded
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True


def preparations(rules: list[Rule]) -> list[Preparation]:
    """The preparations the rules need, each once, in the order first listed."""
    seen: dict[str, Preparation] = {}
    for rule in rules:
        for preparation in rule.prepares:
            if seen.setdefault(preparation.name, preparation) is not preparation:
                raise ValueError(f"two different preparations are called {preparation.name}")
    return list(seen.values())


def all_rules() -> list[Rule]:
    """Registered rules in CONTRACT order (P01…P07, S01…S05)."""
    _load_modules()
    order = {code: index for index, code in enumerate(FindingCode.values)}
    return sorted(_REGISTRY.values(), key=lambda rule: order.get(rule.code, len(order)))


def rule_for(code: str) -> Rule | None:
    """The registered rule of ``code``."""
    _load_modules()
    return _REGISTRY.get(code)


def severity_of(code: str) -> str:
    """The severity of ``code`` (CONTRACT "Finding codes"), as its rule declares it."""
    rule = rule_for(code)
    if rule is None:
        raise KeyError(code)
    return rule.severity
