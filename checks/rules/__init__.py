"""The registry of check rules.

Each rule is one set-based SQL query producing the findings of one code; rule modules
live in this package (``school.py``, ``pupil.py`` …) and register themselves with
``register``. ``all_rules()`` imports every module of the package, so adding a rule
means adding a module or a ``register(...)`` call, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from checks.choices import CODE_SEVERITY, FindingCode


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
    """A check rule.

    ``sql`` is a SELECT returning the columns ``school_id, enrolment_id, level, subject_key,
    details`` (``details`` as jsonb), one row per finding, with the named parameters
    ``%(check_date)s``, ``%(snapshot_id)s`` and ``%(school_year_start)s`` available.
    ``subject_key`` must be unique within the result: ``school:<id>``,
    ``school:<id>:<level>`` or ``enrolment:<id>``.
    """

    code: FindingCode
    version: str
    sql: str
    needs_snapshot: bool = False
    prepares: tuple[Preparation, ...] = ()

    @property
    def severity(self) -> str:
        return CODE_SEVERITY[self.code]


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
