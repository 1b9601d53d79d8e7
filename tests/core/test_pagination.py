"""Keyset pagination: walking the pages forward and back gives every row once, in the list's order,
whatever the ordering (directions mixed, columns that may be NULL, columns through a relation)."""

from __future__ import annotations

import datetime as dt

import pytest

from contingent.models import Enrolment
from core.pagination import InvalidCursor, after_q, bounded_count, ordering_keys, paginate
from tests.contingent.factories import make_enrolment, make_pupil

ORDERINGS = [
    ["id"],
    ["-id"],
    ["school_id", "grade", "id"],
    ["-grade", "id"],
    ["left_on", "-id"],
    ["-left_on", "grade"],
    ["pupil__last_name", "-enrolled_on"],
    ["school__name_ru", "-grade", "left_on"],
]


@pytest.fixture
def enrolments(db, school_a, school_b):
    rows = []
    for i in range(23):
        pupil = make_pupil(last_name=["Ахметов", "Берикова", "Садыков"][i % 3])
        rows.append(make_enrolment(school=(school_a, school_b)[i % 2], pupil=pupil, grade=[1, 5, 9][i % 3],
                                   enrolled_on=dt.date(2025, 9, 1 + i % 4),
                                   left_on=None if i % 4 else dt.date(2026, 1, 10 + i % 5)))
    Enrolment.objects.filter(pk__in=[rows[3].pk, rows[10].pk]).update(grade=None)
    return rows


class KeysetPaginationTests:
    @pytest.mark.parametrize("ordering", ORDERINGS)
    def test_the_pages_forward_then_back_give_every_row_once_in_order(self, enrolments, ordering):
        queryset = Enrolment.objects.order_by(*ordering)
        tie = [] if ordering[-1].lstrip("-") == "id" else ["-pk" if ordering[-1].startswith("-") else "pk"]
        expected = [row.pk for row in queryset.order_by(*ordering, *tie)]  # ties broken by id, the last term's way
        seen, pages, cursor = [], [], None
        while True:
            page = paginate(queryset, size=4, cursor=cursor)
            pages.append([row.pk for row in page])
            seen += pages[-1]
            if not page.has_next():
                break
            cursor = page.next_cursor
        assert seen == expected
        back = []
        while page.has_previous():
            page = paginate(queryset, size=4, cursor=page.previous_cursor)
            back.insert(0, [row.pk for row in page])
        assert back == pages[:-1]

    def test_a_cursor_of_another_ordering_or_a_forged_one_is_refused(self, enrolments):
        page = paginate(Enrolment.objects.order_by("grade"), size=4)
        with pytest.raises(InvalidCursor):
            paginate(Enrolment.objects.order_by("-grade"), size=4, cursor=page.next_cursor)
        with pytest.raises(InvalidCursor):
            paginate(Enrolment.objects.order_by("grade"), size=4, cursor="not-a-cursor")

    def test_an_offset_cursor_past_what_the_database_can_offset_is_refused(self, enrolments):
        import base64
        import json

        from django.db.models import Count

        queryset = Enrolment.objects.annotate(n=Count("findings")).order_by("n")  # pages by offset
        huge = base64.urlsafe_b64encode(json.dumps({"offset": 10**19}).encode()).decode().rstrip("=")
        with pytest.raises(InvalidCursor):
            paginate(queryset, size=4, cursor=huge)

    def test_an_ordering_by_an_annotation_or_a_related_models_own_ordering_is_not_a_keyset(self, enrolments):
        from django.db.models import Count

        assert ordering_keys(Enrolment.objects.annotate(n=Count("findings")).order_by("n")) is None
        assert ordering_keys(Enrolment.objects.order_by("school")) is None
        assert [key.path for key in ordering_keys(Enrolment.objects.order_by("school_id"))] == ["school_id", "pk"]

    def test_the_count_is_exact_up_to_the_cap_then_an_estimate(self, enrolments):
        assert bounded_count(Enrolment.objects.all()) == (23, True)
        count, exact = bounded_count(Enrolment.objects.all(), cap=10)
        assert not exact and count >= 11

    @pytest.mark.parametrize(("ordering", "bound"), [(["school_id", "id"], '"school_id" >= 5'),
                                                     (["-id"], '"id" <= 5'),
                                                     (["school_id", "grade", "id"], '"school_id" >= 5')])
    def test_the_condition_after_a_cursor_is_led_by_a_plain_bound_on_the_first_term(self, db, ordering, bound):
        """The row comparison alone is not merged with a join's equality on the same column (PostgreSQL
        16): a deep page of a joined list then scanned from the cursor once per joined row."""
        keys = ordering_keys(Enrolment.objects.order_by(*ordering))
        sql = str(Enrolment.objects.filter(after_q(keys, [5] * len(keys))).query)
        assert bound in sql
