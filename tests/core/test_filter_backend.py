"""``core.api.filters.PortalFilterBackend``: a call naming none of a list's filters gets the list as it is without
a filter set being built; a call naming one is filtered (or refused) as before; a filter set that could filter
without a value is always built."""

from unittest import mock

import django_filters
import pytest
from django_filters.rest_framework import DjangoFilterBackend

from contingent.filters import EnrolmentFilterSet
from contingent.models import Enrolment
from core.api.filters import _unfiltered_unless_named
from tests.contingent.factories import make_enrolment


@pytest.mark.django_db
def test_no_filter_named_no_filter_set_built(api_as, operator_user, school_a):
    for grade in (1, 2, 2):
        make_enrolment(school=school_a, grade=grade)
    client = api_as(operator_user)
    with mock.patch.object(DjangoFilterBackend, "get_filterset", side_effect=AssertionError("built")):
        everything = client.get("/api/v1/enrolments/", {"page_size": 50, "ordering": "-grade"}).json()
    assert everything["count"] == 3 and [row["grade"] for row in everything["results"]] == [2, 2, 1]
    assert client.get("/api/v1/enrolments/", {"grade": 2}).json()["count"] == 2
    refused = client.get("/api/v1/enrolments/", {"grade": "two"})
    assert refused.status_code == 400 and "grade" in refused.json()["error"]["fields"]


def test_a_filter_set_that_may_filter_without_a_value_is_always_built():
    assert _unfiltered_unless_named(EnrolmentFilterSet) >= {"grade", "school", "q"}

    class Required(django_filters.FilterSet):
        grade = django_filters.NumberFilter(required=True)

        class Meta:
            model = Enrolment
            fields = []

    class Defaulted(django_filters.FilterSet):
        grade = django_filters.NumberFilter()

        class Meta:
            model = Enrolment
            fields = []

        def filter_queryset(self, queryset):
            return super().filter_queryset(queryset).filter(left_on__isnull=True)

    class Initialised(Defaulted):
        def __init__(self, data=None, *args, **kwargs):
            super().__init__({"grade": "3", **(data or {})}, *args, **kwargs)

    assert _unfiltered_unless_named(Required) is None
    assert _unfiltered_unless_named(Defaulted) is None
    assert _unfiltered_unless_named(Initialised) is None
