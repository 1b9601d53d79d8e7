"""Filters of the contingent lists, shared by the pages and the API."""

from __future__ import annotations

import re
from collections.abc import Callable

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from contingent.choices import PupilCategory, SnapshotStatus
from contingent.models import Enrolment, NobdSnapshot, Pupil
from contingent.rules import active_on_q
from core.filters import LookupFilter, lookup_error
from programmes.choices import BeneficiaryKind
from programmes.filters import InstrumentFilter, ProgrammeFilter
from programmes.instruments import instrument
from programmes.models import Programme
from schools.choices import Level
from schools.filters import SchoolFilter
from schools.rules import LEVEL_GRADES

# The checks (an app above this one, never imported here) record findings about an enrolment; they
# are reached through the reverse relation ``findings`` and named by their stored statuses.
# tests/contingent/test_selectors.py binds these values to ``checks.choices``.
LIVE_FINDING_STATUSES = ("open", "explained", "waived")  # live: the next check run keeps or closes them
OPEN_FINDING_STATUSES = ("open", "explained")  # still to be dealt with


def has_live_findings(enrolment_ref="pk") -> Exists:
    """Whether the enrolment ``enrolment_ref`` has a live finding: a probe of the findings' ``enrolment`` index (the
    checks' table, reached through the reverse relation: this app does not import the checks)."""
    finding = Enrolment._meta.get_field("findings").related_model
    return Exists(finding.objects.filter(enrolment_id=OuterRef(enrolment_ref), status__in=LIVE_FINDING_STATUSES))


def iin_q(field: str) -> Callable[[str], Q]:
    """A pupil by IIN (12 digits). The rows filtered are those the user may see: nobody finds a pupil
    outside their scope by naming the IIN."""

    def parse(value: str) -> Q:
        if not re.fullmatch(r"[0-9]{12}", value):
            raise lookup_error(_("Give the pupil's IIN: 12 digits."))
        return Q(**{field: value})

    return parse


class IinFilter(LookupFilter):
    def __init__(self, *, field_name: str, **kwargs):
        kwargs.setdefault("label", _("pupil's IIN"))
        super().__init__(parse=iin_q(field_name), field_name=field_name, **kwargs)


class EnrolmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("IIN or name"), method="filter_q", max_length=100)
    iin = IinFilter(field_name="pupil__iin")
    school = SchoolFilter()
    school_bin = django_filters.CharFilter(field_name="school__bin", label=_("school BIN"), max_length=12)
    grade = django_filters.ChoiceFilter(choices=[(str(grade), str(grade)) for grade in range(12)], label=_("grade"),
                                        empty_label=_("any"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("level"), method="filter_level", empty_label=_("any"))
    kind = django_filters.ChoiceFilter(choices=BeneficiaryKind.choices, label=_("beneficiary kind"), empty_label=_("any"))
    programme = ProgrammeFilter(method="filter_programme")
    instrument = InstrumentFilter(method="filter_instrument", empty_label=_("any"))
    category = django_filters.ChoiceFilter(choices=PupilCategory.choices, label=_("category"), empty_label=_("any"))
    active_on = django_filters.DateFilter(label=_("active on"), method="filter_active_on")
    has_findings = django_filters.BooleanFilter(label=_("has findings"), method="filter_has_findings")

    class Meta:
        model = Enrolment
        fields = ["q", "iin", "school", "school_bin", "kind", "grade", "level", "category", "active_on", "has_findings",
                  "programme", "instrument"]

    def filter_instrument(self, queryset, name, value):
        """The instrument's beneficiaries (its beneficiary kind)."""
        return queryset.filter(kind=instrument(value).beneficiary_kind) if value else queryset

    def filter_programme(self, queryset, name, value):
        """The programme's beneficiaries: its kind, at providers holding a contract under it."""
        if value is None:
            return queryset
        programme = Programme.objects.filter(pk=value).first()
        if programme is None:
            return queryset.none()
        return queryset.filter(kind=programme.beneficiary_kind,
                               school_id__in=programme.orders.values("contracts__school_id"))

    @property
    def form(self):
        if hasattr(self, "_form"):  # built and styled once (django-filter asks for it several times a request)
            return self._form
        form = super().form
        # The school box is SchoolFilter's autocomplete (the schools the user may see, as they type): a
        # select of every school would put 850 options on each national page.
        form.fields["has_findings"].widget.choices = [("unknown", _("any")), ("true", _("Yes")), ("false", _("No"))]
        for name, field in form.fields.items():
            css = "form-select form-select-sm" if hasattr(field.widget, "choices") else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
            if name == "active_on":
                field.widget.input_type = "date"
        return form

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(pupil__iin__startswith=value)
        return queryset.filter(Q(pupil__last_name__icontains=value) | Q(pupil__first_name__icontains=value))

    def filter_level(self, queryset, name, value):
        return queryset.filter(grade__in=list(LEVEL_GRADES[value]))

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on_q(value))

    def filter_has_findings(self, queryset, name, value):
        exists = has_live_findings()
        return queryset.filter(exists) if value else queryset.exclude(exists)


class PupilFilterSet(django_filters.FilterSet):
    iin = IinFilter(field_name="iin", label=_("IIN"))

    class Meta:
        model = Pupil
        fields = ["iin"]


class NobdSnapshotFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SnapshotStatus.choices, label=_("status"))
    taken_after = django_filters.DateFilter(field_name="taken_on", lookup_expr="gte", label=_("taken on or after"))
    taken_before = django_filters.DateFilter(field_name="taken_on", lookup_expr="lte", label=_("taken on or before"))

    class Meta:
        model = NobdSnapshot
        fields = ["status", "taken_after", "taken_before"]
