"""Reads of the audit trail and of monitoring cases, scoped to what the user may see.

Audit trail: monitors, operators and administrators see every event; a department sees the events
about objects of its region (every model whose scope names its region by a lookup); a school sees
none here (each object's page keeps its own history). Cases: the department its region's, the
school its own; internal notes only monitors, operators and administrators.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from acts.models import Act
from core.models import AuditEvent
from core.roles import NATIONWIDE_ROLES, Role
from core.scoping import Scope
from orders.models import Contract
from oversight.choices import SubjectKind
from oversight.models import HOLDS_PAYMENT, CaseAttachment, CaseNote, CaseQuestion, MonitoringCase
from schools.models import School

AUDIT_READERS = NATIONWIDE_ROLES | {Role.DEPARTMENT}


def may_read_audit(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in AUDIT_READERS))


def sees_everything(user) -> bool:
    return bool(user.is_superuser or user.role in NATIONWIDE_ROLES)


def _scoped_models(rule: str):
    """(model, lookup) of every model whose scope names its region (``rule="region"``) or school by a lookup."""
    for model in apps.get_models():
        scope = getattr(model, "scope", None)
        if isinstance(scope, Scope) and isinstance(getattr(scope, rule), str):
            yield model, getattr(scope, rule)


def subjects_q(rule: str, value) -> Q:
    """Events whose subject belongs to region ``value`` (rule "region") or school ``value`` (rule "school")."""
    condition = Q(pk__in=[])
    for model, lookup in _scoped_models(rule):
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        keys = model._default_manager.filter(**{lookup: value}).annotate(_key=Cast("pk", CharField())).values("_key")
        condition |= Q(content_type=content_type, object_id__in=keys)
    return condition


def audit_event_list(*, user, filters: dict | None = None):
    """Audit events ``user`` may read, newest first (none for schools and visitors)."""
    queryset = AuditEvent.objects.select_related("actor", "content_type")
    if not may_read_audit(user):
        queryset = queryset.none()
    elif not sees_everything(user):
        queryset = queryset.filter(subjects_q("region", user.region_id)) if user.region_id else queryset.none()
    if filters is not None:
        from oversight.filters import AuditEventFilterSet

        queryset = AuditEventFilterSet(filters, queryset=queryset).qs
    return queryset.order_by("-seq")


def with_subjects(events) -> list[AuditEvent]:
    """Load the subjects of a page of events (one query per type, with the rows their names read; a
    deleted subject stays None)."""
    events = list(events)
    wanted: dict[int, set[str]] = {}
    for event in events:
        wanted.setdefault(event.content_type_id, set()).add(event.object_id)
    found: dict[tuple[int, str], object] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        numeric = model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                                                          "BigIntegerField", "SmallIntegerField")
        keys = [key for key in ids if key.isdigit()] if numeric else list(ids)
        # A subject's name often reads a related row (an act's number is its contract's): joined here,
        # so that a page of events costs one query per type, not one per event.
        related = [field.name for field in model._meta.concrete_fields if field.many_to_one and not field.null]
        for obj in model._default_manager.filter(pk__in=keys).select_related(*related):
            found[(type_id, str(obj.pk))] = obj
    for event in events:
        event.loaded_subject = found.get((event.content_type_id, event.object_id))
    return events


# --- Monitoring cases ------------------------------------------------------------------------------


def case_list(*, user, filters: dict | None = None):
    queryset = MonitoringCase.objects.visible_to(user).select_related("school", "school__region", "opened_by", "subject_type")
    if filters is not None:
        from oversight.filters import CaseFilterSet

        queryset = CaseFilterSet(filters, queryset=queryset).qs
    return queryset


def case_get(*, user, pk) -> MonitoringCase:
    return case_list(user=user).select_related("finding", "concluded_by", "reported_by").get(pk=pk)


def case_questions(*, user, case):
    return CaseQuestion.objects.visible_to(user).filter(case=case).select_related("asked_by", "answered_by")


def case_notes(*, user, case):
    """Internal notes: an empty list for the school and the department."""
    return CaseNote.objects.visible_to(user).filter(case=case).select_related("author")


def case_attachments(*, user, case):
    return CaseAttachment.objects.visible_to(user).filter(case=case).select_related("uploaded_by")


def case_events(*, user, case):
    """The case's own history (questions, answers, conclusion …); notes and files are audited on themselves."""
    return (AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(MonitoringCase), object_id=str(case.pk))
            .select_related("actor", "content_type").order_by("seq"))


# The models a case may concern (all of them in apps below this one).
SUBJECT_MODELS = {SubjectKind.SCHOOL: School, SubjectKind.CONTRACT: Contract, SubjectKind.ACT: Act}


def subject_model(kind: str):
    return SUBJECT_MODELS[kind]


def subject_content_type(kind: str) -> ContentType:
    return ContentType.objects.get_for_model(subject_model(kind), for_concrete_model=True)


def payment_holds(act_ids) -> dict[int, MonitoringCase]:
    """{act id: the case that holds its payment} for those of ``act_ids`` whose payment waits: a case on the act
    concluded "violation found" and its elimination report is pending (not submitted yet, or submitted and not
    yet accepted by closing the case). One query. Payments asks it before preparing, approving and exporting a
    payment (no scoping: it is a rule, not a view)."""
    holds: dict[int, MonitoringCase] = {}
    cases = (MonitoringCase.objects.filter(HOLDS_PAYMENT, subject_type=subject_content_type(SubjectKind.ACT),
                                           subject_id__in=list(act_ids)).order_by("opened_at", "id"))
    for case in cases:
        holds.setdefault(case.subject_id, case)
    return holds


def payment_hold(act_id: int) -> MonitoringCase | None:
    """The case that holds this act's payment, or None (``payment_holds``)."""
    return payment_holds([act_id]).get(act_id)


def cases_about(*, user, kind: str, subject_id: int):
    """Cases on one school, contract or act that ``user`` may see (for the subject's page)."""
    return case_list(user=user).filter(subject_type=subject_content_type(kind), subject_id=subject_id)
