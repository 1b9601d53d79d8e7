"""Reads of the audit trail and of monitoring cases, scoped to what the user may see.

Audit trail: monitors, operators and administrators see every event; a department sees the events
about objects of its region (every model whose scope names its region by a lookup; the region is recorded
with each event when it is written, ``core.AuditEventRegion``); a school sees
none here (each object's page keeps its own history). Cases: the department its region's, the
school its own; internal notes only monitors, operators and administrators.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from acts.models import Act
from core.models import AuditEvent, AuditEventRegion, AuditEventSchool
from core.pagination import where_of
from core.roles import NATIONWIDE_ROLES, Role
from core.scoping import scoped_lookups
from orders.models import Contract
from oversight.choices import FLAG_KINDS, SubjectKind
from oversight.models import HOLDS_PAYMENT, CaseAttachment, CaseNote, CaseQuestion, MonitoringCase
from schools.models import School

AUDIT_READERS = NATIONWIDE_ROLES | {Role.DEPARTMENT}


def may_read_audit(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in AUDIT_READERS))


def sees_everything(user) -> bool:
    return bool(user.is_superuser or user.role in NATIONWIDE_ROLES)


def subjects_q(rule: str, value) -> Q:
    """Events whose subject belongs now to school ``value`` (rule "school"; a list: any of those schools), or to
    region ``value`` (rule "region"): the old scoping and school filter of the trail, an OR of ~30 "subject is one
    of its rows" tests per event, kept for the test that binds them to the recorded regions and schools
    (``tests/oversight/test_audit_places.py``)."""
    condition = Q(pk__in=[])
    match = "__in" if isinstance(value, (list, tuple)) else ""
    for model, lookup in scoped_lookups(rule):
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        keys = (model._default_manager.filter(**{f"{lookup}{match}": value})
                .annotate(_key=Cast("pk", CharField())).values("_key"))
        condition |= Q(content_type=content_type, object_id__in=keys)
    return condition


def region_q(region_id) -> Q:
    """Events whose subject belonged to region ``region_id`` when they were written (``core.AuditEventRegion``,
    recorded by every writer of events: ``core.audit_places``): one range of its primary key (region, seq).
    A semi-join (EXISTS), not a join: a pupil's event may have two regions, and a join would need DISTINCT."""
    return Q(Exists(AuditEventRegion.objects.filter(region_id=region_id, event_id=OuterRef("seq"))))


def audit_school_q(school_ids) -> Q:
    """Events whose subject belonged to one of the schools ``school_ids`` when they were written
    (``core.AuditEventSchool``, recorded with the regions): one range of its primary key (school, seq) per school.
    The trail's school filter (``oversight.filters.AuditEventFilterSet``)."""
    return Q(Exists(AuditEventSchool.objects.filter(school_id__in=list(school_ids), event_id=OuterRef("seq"))))


def region_counter(region_id, scoped):
    """How ``bounded_count`` counts a department's trail (``core.pagination.CountedQuerySet``): when nothing but
    its region narrows the list (``scoped``, in whatever order), by its region's rows of ``core.AuditEventRegion``
    — one range of their key, one row per event of the list since (region, seq) is the key — instead of a
    semi-join that reads events until it has found enough of the region's. Narrowed by a filter, the list
    itself is counted (its filter's index leads: ``tests/test_explain.py``)."""
    only_region = where_of(scoped)

    def counter(events):
        if only_region is None or where_of(events) != only_region:
            return None
        return AuditEventRegion.objects.filter(region_id=region_id)

    return counter


def audit_event_list(*, user, filters: dict | None = None):
    """Audit events ``user`` may read, newest first (none for schools and visitors)."""
    queryset = AuditEvent.objects.select_related("actor", "content_type")
    if not may_read_audit(user):
        queryset = queryset.none()
    elif not sees_everything(user):
        if user.region_id:
            queryset = queryset.filter(region_q(user.region_id))
            queryset = queryset.counted_by(region_counter(user.region_id, queryset))
        else:
            queryset = queryset.none()
    if filters is not None:
        from oversight.filters import AuditEventFilterSet

        queryset = AuditEventFilterSet(filters, queryset=queryset).qs
    return queryset.order_by("-seq")


ACTOR_SUGGESTIONS = 20


def actor_suggestions(*, user, text: str) -> list:
    """At most ``ACTOR_SUGGESTIONS`` people whose name holds every word typed, among those whose actions ``user``
    reads in the trail (the "who" box's autocomplete): everyone for monitors, operators and administrators; for a
    department the people of its region (its officers, its schools' users) and the nationwide roles that act on
    its objects — never another region's officers or schools. Nobody for a school or a visitor."""
    from django.contrib.auth import get_user_model

    words = text.replace(",", " ").split()[:5]
    if not may_read_audit(user) or not words or len(text.strip()) < 2:
        return []
    people = get_user_model().objects.filter(is_active=True)
    if not sees_everything(user):
        people = people.filter(Q(region_id=user.region_id) | Q(school__region_id=user.region_id)
                               | Q(role__in=NATIONWIDE_ROLES)) if user.region_id else people.none()
    for word in words:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(people.order_by("last_name", "first_name", "id")[:ACTOR_SUGGESTIONS])


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
    queryset = MonitoringCase.objects.visible_to(user).select_related("school", "region", "opened_by", "subject_type")
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


# The models a case may concern: schools, contracts and acts (apps below this one, imported), risk flags and
# procurement red flags (apps above it, named by app label and model, never imported: ``.importlinter``).
SUBJECT_MODELS = {SubjectKind.SCHOOL: School, SubjectKind.CONTRACT: Contract, SubjectKind.ACT: Act,
                  SubjectKind.RISK_FLAG: "risk.RiskFlag", SubjectKind.PROCUREMENT_FLAG: "procurement.ProcurementFlag"}


def subject_model(kind: str):
    model = SUBJECT_MODELS[kind]
    return apps.get_model(model) if isinstance(model, str) else model


def subject_place(kind: str, subject) -> tuple[int | None, str]:
    """(school id, region id) of a case's subject: its school, and the region of the school, or for a
    procurement red flag without one school the region of the flag (or of its contract)."""
    if kind == SubjectKind.SCHOOL:
        return subject.pk, subject.region_id
    school_id = subject.school_id
    region_id = None
    if kind == SubjectKind.PROCUREMENT_FLAG:
        region_id = subject.region_id or (subject.contract.region_id if subject.contract_id else None)
    if region_id is None and school_id is not None:
        region_id = School.objects.values_list("region_id", flat=True).get(pk=school_id)
    return school_id, region_id


def subject_content_type(kind: str) -> ContentType:
    return ContentType.objects.get_for_model(subject_model(kind), for_concrete_model=True)


# The page of each kind of subject, by URL name (a flag's app is above this one: never imported).
SUBJECT_PAGES = {SubjectKind.RISK_FLAG: "risk:flag-detail",
                 SubjectKind.PROCUREMENT_FLAG: "procurement:flag_detail"}


def subject_url(*, user, case) -> str | None:
    """The page of the case's subject, when it has one and ``user`` may see the subject (its model's scope
    decides: a school never reaches a risk flag, only monitors, operators and administrators a procurement flag)."""
    name = SUBJECT_PAGES.get(case.subject_kind)
    if name is None or not subject_model(case.subject_kind).objects.visible_to(user).filter(pk=case.subject_id).exists():
        return None
    try:
        return reverse(name, args=[case.subject_id])
    except NoReverseMatch:
        return None


def subject_labels(*, user, cases) -> dict[int, str]:
    """{case id: how its subject is named to ``user``}: its kind and number (``Act of services rendered #12``),
    except a flag ``user`` may not see — a school never sees a risk flag, which is a lead for the monitors and
    no accusation (docs/risk.md) — named instead by the school (or region) it concerns. One query per flag kind."""
    cases = list(cases)
    visible = {}
    for kind in FLAG_KINDS:
        ids = [case.subject_id for case in cases if case.subject_kind == kind]
        visible[kind] = set(subject_model(kind).objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    labels = {}
    for case in cases:
        if case.subject_kind in FLAG_KINDS and case.subject_id not in visible[case.subject_kind]:
            place = case.school.name if case.school_id else case.region.name
            labels[case.pk] = f"{SubjectKind.SCHOOL.label if case.school_id else _('Region')}: {place}"
        else:
            labels[case.pk] = f"{case.get_subject_kind_display()} #{case.subject_id}"
    return labels


def flag_for_case(*, user, kind: str, pk: int):
    """The risk flag or procurement red flag ``pk`` if ``user`` may see it (its model's scope), else None."""
    if kind not in (SubjectKind.RISK_FLAG, SubjectKind.PROCUREMENT_FLAG) or not 0 < pk < 2**63:
        return None
    return subject_model(kind).objects.visible_to(user).filter(pk=pk).first()


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
    """Cases on one subject (school, contract, act, risk flag, procurement red flag) that ``user`` may see (for the
    subject's page)."""
    return case_list(user=user).filter(subject_type=subject_content_type(kind), subject_id=subject_id)
