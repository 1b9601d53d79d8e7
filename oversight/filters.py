"""Filters of audit events and monitoring cases, shared by the API and the pages."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit_actions import action_choices
from core.filters import MAX_ID
from oversight.choices import Addressee, CaseGround, CaseStatus, Conclusion, SubjectKind
from schools.filters import SchoolFilter

# A part of a school's name that matches more schools than this picks none (the page offers the names).
MAX_SCHOOLS = 20


def actor_q(value: str):
    """The users a "who" box means: the user whose login is ``value`` when there is one (the API's meaning, kept),
    otherwise the people whose full name holds every word of ``value`` — as pages show a person, "Full Name" or
    "Full Name, position" (``User.display_name``; the page's autocomplete puts it in the box)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    value = value.strip()
    if users.filter(username=value).exists():
        return users.filter(username=value).values("pk")
    name, _comma, position = value.partition(",")
    words = name.split()
    if not words:
        return users.none().values("pk")
    for word in words:
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if position.strip():
        # the position shown, or the role shown in its place when none is recorded
        users = users.filter(Q(position__iexact=position.strip()) | Q(position=""))
    return users.values("pk")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEventFilterSet(django_filters.FilterSet):
    school = django_filters.NumberFilter(label=_("school (id)"), method="filter_school", min_value=1, max_value=MAX_ID)
    # A BIN (12 digits: that school, as before), or a part of a school's name (the page's autocomplete box).
    school_bin = django_filters.CharFilter(label=_("school (name or BIN)"), method="filter_school_bin", max_length=200)
    object_type = django_filters.CharFilter(label=_("object type"), method="filter_object_type", max_length=100,
                                            help_text=_("app_label.model, e.g. orders.contract"))
    object_id = django_filters.CharFilter(label=_("object id"), field_name="object_id", max_length=64)
    # A login (that user, as before), or the person's full name as pages show it (``actor_q``).
    actor = django_filters.CharFilter(label=_("who (name or login)"), method="filter_actor", max_length=300)
    action = django_filters.MultipleChoiceFilter(label=_("action"), choices=action_choices, distinct=False)
    date_from = django_filters.DateFilter(label=_("from"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("to"), method="filter_date_to")

    class Meta:
        fields = ["school", "school_bin", "object_type", "object_id", "actor", "action", "date_from", "date_to"]

    # A day as a range of instants (the day's start to the next day's, in the portal's time zone): the
    # ``created_at`` index reads it, where ``created_at::date`` would be computed for every event.
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + dt.timedelta(days=1)))

    # The school the event's subject belonged to when it was written (``oversight.selectors.audit_school_q``).
    def filter_school(self, queryset, name, value):
        from oversight.selectors import audit_school_q

        return queryset.filter(audit_school_q([value]))

    def filter_school_bin(self, queryset, name, value):
        from oversight.selectors import audit_school_q
        from schools.filters import school_q
        from schools.models import School

        value = value.strip()
        if not value:
            return queryset
        schools = list(School.objects.filter(school_q("")(value)).values_list("pk", flat=True)[:MAX_SCHOOLS + 1])
        if not schools or len(schools) > MAX_SCHOOLS:  # nothing, or a part of a name too short to pick a school
            return queryset.none()
        return queryset.filter(audit_school_q(schools))

    def filter_actor(self, queryset, name, value):
        return queryset.filter(actor__in=actor_q(value))

    def filter_object_type(self, queryset, name, value):
        app_label, _dot, model = value.strip().lower().partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        return queryset.filter(content_type=content_type) if content_type else queryset.none()


class CaseFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=CaseStatus.choices)
    ground = django_filters.ChoiceFilter(label=_("ground"), choices=CaseGround.choices)
    conclusion = django_filters.ChoiceFilter(label=_("conclusion"), choices=Conclusion.choices)
    subject_kind = django_filters.ChoiceFilter(label=_("subject"), choices=SubjectKind.choices)
    subject_id = django_filters.NumberFilter(label=_("subject id"), min_value=1, max_value=MAX_ID)
    school = SchoolFilter()
    school_bin = django_filters.CharFilter(label=_("school BIN"), field_name="school__bin", max_length=12)
    finding = django_filters.NumberFilter(label=_("finding (id)"), field_name="finding_id", min_value=1, max_value=MAX_ID)
    open = django_filters.BooleanFilter(label=_("in progress"), method="filter_open")

    class Meta:
        fields = ["status", "ground", "conclusion", "subject_kind", "subject_id", "school", "school_bin", "finding", "open"]

    def filter_open(self, queryset, name, value):
        final = Q(status__in=[CaseStatus.CLOSED, CaseStatus.CANCELLED])
        return queryset.exclude(final) if value else queryset.filter(final)


class PublishedHeadFilterSet(django_filters.FilterSet):
    day = django_filters.DateFilter(label=_("day"), field_name="day")

    class Meta:
        fields = ["day"]


class CaseQuestionFilterSet(django_filters.FilterSet):
    case = django_filters.NumberFilter(label=_("case (id)"), field_name="case_id", min_value=1, max_value=MAX_ID)
    addressee = django_filters.ChoiceFilter(label=_("to"), choices=Addressee.choices)

    class Meta:
        fields = ["case", "addressee"]


class CaseAttachmentFilterSet(django_filters.FilterSet):
    case = django_filters.NumberFilter(label=_("case (id)"), field_name="case_id", min_value=1, max_value=MAX_ID)
    question = django_filters.NumberFilter(label=_("question (id)"), field_name="question_id", min_value=1,
                                           max_value=MAX_ID)

    class Meta:
        fields = ["case", "question"]
