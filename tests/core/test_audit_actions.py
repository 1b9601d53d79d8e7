"""Audit event types are registered choices, named one way, never bare strings (``core.audit_actions``)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from core.audit_actions import EVENT_TYPES, LEGACY_ACTION_LABELS, action_label, action_labels, current_actions, is_event_type
from core.models import AuditEvent
from core.services import audit_record
from core.workflow import Transition

ROOT = Path(__file__).resolve().parents[2]
CODE = [path for path in ROOT.glob("*/**/*.py")
        if path.parts[len(ROOT.parts)] not in {"tests", ".venv", "node_modules"} and "migrations" not in path.parts]

# Statuses copied as they are, not moved by the portal's own actions: from an outside register, and
# the open data's public tables (each publication rebuilds them from the portal's rows).
STATUS_COPIED_FROM_REGISTERS = {"schools.School", "schools.Licence", "opendata.PublicSchool", "opendata.PublicLicence",
                                "opendata.PublicOrder", "opendata.PublicApplication", "opendata.PublicContract"}


def _workflow_models():
    return [model for model in apps.get_models() if hasattr(model, "TRANSITIONS")]


def _audited_keyword(node: ast.Call) -> str | None:
    """The keyword that names an audit action in this call (``audit_record``, ``AuditEvent``, ``Transition``)."""
    name = ast.unparse(node.func)
    if name.split(".")[-1] == "audit_record" or name in {"AuditEvent", "AuditEvent.objects.create"}:
        return "action"
    if name.split(".")[-1] == "Transition":
        return "event"
    return None


class EventTypeTests:
    def test_every_registered_event_type_is_named_entity_past_participle_and_declared_once(self):
        actions = current_actions()  # raises when two apps declare the same action
        assert actions
        for choice in EVENT_TYPES:
            for member in choice:
                assert member.value == member.value.lower() and "_" in member.value, f"{choice.__name__}.{member.name}"
                assert member.value not in LEGACY_ACTION_LABELS

    @pytest.mark.parametrize("language", ["kk", "ru"])
    def test_every_action_current_or_legacy_has_a_label_in_words(self, language):
        with translation.override("en"):
            english = {action: str(label) for action, label in action_labels().items()}
        with translation.override(language):
            untranslated = [action for action, label in action_labels().items() if str(label) == english[action]]
        assert untranslated == []

    def test_a_legacy_action_of_an_old_row_is_still_shown_in_words(self):
        with translation.override("en"):
            assert action_label("sign_school") == "Signed by the school"
            assert action_label("no_such_action") == "no_such_action"

    def test_every_transition_records_a_registered_event_type(self):
        models = _workflow_models()
        assert {model._meta.label for model in models} >= {
            "contingent.ContingentImport", "contingent.NobdSnapshot", "payments.BankConfirmation", "checks.CheckRun",
            "checks.Finding", "payments.Recovery", "acts.Act", "payments.Payment", "orders.Contract"}
        for model in models:
            for action, spec in model.TRANSITIONS.items():
                assert isinstance(spec, Transition)
                assert is_event_type(spec.event), f"{model._meta.label}.{action}: {spec.event!r}"

    def test_every_model_with_a_status_moves_it_through_declared_transitions_named_like_its_actions(self):
        for model in apps.get_models():
            fields = {field.name for field in model._meta.get_fields()}
            if "status" not in fields or model._meta.label in STATUS_COPIED_FROM_REGISTERS:
                continue
            if Path(model._meta.app_config.path).parent != settings.BASE_DIR:
                continue  # a library's own bookkeeping (drf-idempotency's records), not a portal workflow
            assert hasattr(model, "TRANSITIONS"), f"{model._meta.label} changes a status without declared transitions"
            declared = set(model.scope.actions)
            assert set(model.TRANSITIONS) <= declared, f"{model._meta.label}: transitions nobody may take"


@pytest.mark.django_db
class AuditRecordTests:
    def test_a_bare_string_is_refused_and_nothing_is_written(self, school_a):
        with pytest.raises(ImproperlyConfigured):
            audit_record(actor=None, action="school_changed", subject=school_a)
        assert not AuditEvent.objects.exists()

    def test_a_registered_event_type_is_written_with_its_label(self, school_a):
        event_type = EVENT_TYPES[0]
        member = next(iter(event_type))
        event = audit_record(actor=None, action=member, subject=school_a)
        assert event.action == member.value
        with translation.override("en"):
            assert event.action_label == str(member.label)


class SourceTests:
    """Reads the code: an action handed to the audit trail or a transition is a choice, never a literal."""

    def test_no_code_writes_an_audit_action_as_a_literal(self):
        offenders = []
        for path in CODE:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                keyword = _audited_keyword(node)
                if keyword is None:
                    continue
                for argument in node.keywords:
                    if argument.arg == keyword and isinstance(argument.value, (ast.Constant, ast.JoinedStr)):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        assert offenders == []

    def test_the_scan_reads_the_code_base(self):
        names = {path.relative_to(ROOT).as_posix() for path in CODE}
        assert {"acts/services/building.py", "payments/services/recoveries.py", "core/workflow.py"} <= names
