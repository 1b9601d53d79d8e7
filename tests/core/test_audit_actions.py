"""Every audit action used in the code base has a translated label (core.audit_actions), and every label is used.

Actions are collected from the source: ``action=`` literals (and ``x if c else y`` of literals), or members
of a registered event-type class (``FindingEvent.WAIVED``), in calls of ``audit_record``, ``AuditEvent``,
``transition_apply`` and ``transition_check``; the same passed for an ``action`` parameter that a function
hands on to ``audit_record``; the keys of every transition table (dicts of ``Transition(...)``); and
event-type members used as the keys of a dict (a table a service loops over to record its events)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from core.audit_actions import ACTION_LABELS, EVENT_TYPES, action_label, action_labels

CALLS = {"audit_record", "AuditEvent", "transition_apply", "transition_check"}
SKIP = {".venv", "node_modules", "tests", "migrations", ".data", "staticfiles"}


def _name(node) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _literals(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):  # FindingEvent.WAIVED
        for choice in EVENT_TYPES:
            if choice.__name__ == node.value.id and node.attr in choice.__members__:
                return [choice[node.attr].value]
    return []


def collect() -> tuple[set[str], list[str]]:
    found, unresolved = set(), []
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        if SKIP & set(path.relative_to(settings.BASE_DIR).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        forwarders: dict[str, int] = {}  # function name -> position of its "action" parameter, when it forwards it
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef):
                params = [arg.arg for arg in func.args.args]
                for call in ast.walk(func):
                    if isinstance(call, ast.Call) and _name(call.func) in CALLS:
                        for keyword in call.keywords:
                            if keyword.arg == "action" and isinstance(keyword.value, ast.Name) and keyword.value.id in params:
                                forwarders[func.name] = params.index(keyword.value.id)
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and node.values and all(
                    isinstance(v, ast.Call) and _name(v.func) == "Transition" for v in node.values):
                for key in node.keys:
                    found.update(_literals(key))
            if isinstance(node, ast.Dict):  # {ProcurementEvent.FLAG_RAISED: …}: event types handed on by a table
                for key in node.keys:
                    if isinstance(key, ast.Attribute):
                        found.update(_literals(key))
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in forwarders:
                position = forwarders[name]
                if len(node.args) > position:
                    found.update(_literals(node.args[position]))
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found.update(_literals(keyword.value))
            if name in CALLS:
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        values = _literals(keyword.value)
                        found.update(values)
                        if not values and not isinstance(keyword.value, ast.Name):
                            unresolved.append(f"{path}:{node.lineno}")
    return found, unresolved


class AuditActionLabelTests:
    def test_every_action_used_has_a_label_and_every_label_is_used(self):
        used, unresolved = collect()
        assert not unresolved, f"actions the test cannot read: {unresolved}"
        assert {"order_created", "act_built", "recovery_recorded", "finding_resolved", "sign_school", "close_case"} <= used
        labels = action_labels()
        assert sorted(used - set(labels)) == [], "add these actions to core/audit_actions.py or an app's event types"
        assert sorted(set(labels) - used) == [], "these labels name no action of the code base"

    def test_the_event_types_of_the_apps_give_their_labels(self):
        from django.utils import translation

        assert {"FindingEvent", "CheckRunEvent"} <= {choice.__name__ for choice in EVENT_TYPES}
        with translation.override("en"):
            assert action_label("finding_waived") == "Waived"
            assert action_label("check_run_failed") == "Check run failed"

    def test_labels_are_translated(self):
        from django.utils import translation

        with translation.override("ru"):
            assert str(ACTION_LABELS["order_created"]) != "State order created"
