"""Sortable columns (``core.sorting``), their headers (``{% sort_header %}``, ``{% sort_keep %}``), and the rule
that every ordering a big list offers is an index read forwards or backwards (issue 18)."""

from __future__ import annotations

import pytest
from django.db import models
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from core.sorting import Sorting

SORTING = Sorting({"month": ("month", "-school_id", "id"), "status": ("status", "id")}, default="-month")


def request(query: str = ""):
    return RequestFactory().get(f"/acts/?{query}")


def header(query: str, key: str = "month", label: str = "Month") -> str:
    req = request(query)
    template = Template('{% load sorting %}{% sort_header sort key label %}|{% sort_keep sort %}')
    with translation.override("en"):
        return template.render(Context({"request": req, "sort": SORTING.state(req), "key": key, "label": label}))


class SortingTests:
    def test_without_a_sort_the_list_keeps_its_own_ordering_and_names_its_default_column(self):
        state = SORTING.state(request("status=draft"))
        assert (state.key, state.descending, state.requested, state.value) == ("month", True, False, "")

    def test_a_column_sorts_ascending_and_its_minus_reverses_every_term(self):
        assert SORTING.ordering("month", False) == ("month", "-school_id", "id")
        assert SORTING.ordering("month", True) == ("-month", "school_id", "-id")
        state = SORTING.state(request("sort=-status"))
        assert (state.key, state.descending, state.requested, state.value) == ("status", True, True, "-status")

    def test_an_unknown_column_is_ignored_not_an_error(self):
        for value in ("amount", "-", "--month", "month;drop"):
            state = SORTING.state(request(f"sort={value}"))
            assert not state.requested and state.key == "month"

    def test_a_click_sorts_ascending_and_a_second_click_reverses(self):
        assert SORTING.state(request()).next_value("status") == "status"
        assert SORTING.state(request("sort=status")).next_value("status") == "-status"
        assert SORTING.state(request("sort=-status")).next_value("status") == "status"

    def test_the_default_must_be_one_of_the_columns(self):
        with pytest.raises(ValueError):
            Sorting({"month": ("month", "id")}, default="status")


class SortHeaderTests:
    def test_the_current_column_says_its_order_and_links_to_the_reverse_keeping_the_filters(self):
        html = header("status=draft&region=71&sort=month&cursor=abc&page=3")
        assert 'aria-sort="ascending"' in html and "▲" in html
        assert 'href="?status=draft&amp;region=71&amp;sort=-month"' in html  # the filters kept, the page dropped
        assert "cursor" not in html and "page=" not in html
        assert '<input type="hidden" name="sort" value="month">' in html  # the filter form keeps the order

    def test_the_default_column_shows_its_arrow_without_a_sort_in_the_url(self):
        html = header("status=draft")
        assert 'aria-sort="descending"' in html and "▼" in html and 'href="?status=draft&amp;sort=month"' in html
        assert 'type="hidden"' not in html  # nothing to keep: the list's own order

    def test_another_column_is_a_link_without_aria_sort(self):
        html = header("sort=month", key="status", label="Status")
        assert "aria-sort" not in html and 'href="?sort=status"' in html and 'title="sort in ascending order"' in html

    def test_a_column_the_list_does_not_declare_is_a_plain_header(self):
        html = header("", key="total", label="Total")
        assert html.startswith('<th scope="col">Total</th>')

    def test_sort_url_links_an_ordering_keeping_the_filters_from_the_first_page(self):
        html = Template('{% load sorting %}{% sort_url "-created" %}').render(
            Context({"request": request("unread=1&sort=created&cursor=abc")}))
        assert html == "?unread=1&amp;sort=-created"

    def test_page_query_keeps_the_filters_and_the_sort_but_not_the_page(self):
        from core.sorting import page_query

        assert page_query(request("region=71&sort=-bin&page=3&export=csv")) == "region=71&sort=-bin"

    def test_a_page_without_sorting_renders_plain_headers(self):
        html = Template('{% load sorting %}{% sort_header sort "month" "Month" %}{% sort_keep sort %}').render(
            Context({"request": request()}))
        assert html == '<th scope="col">Month</th>'


def _index_orderings(model) -> list[tuple[str, ...]]:
    """Every index of ``model`` as the column terms it serves (``-`` for descending), with foreign keys by column."""
    def column(name: str) -> str:
        descending, name = name.startswith("-"), name.removeprefix("-")
        field = model._meta.get_field(name)
        return ("-" if descending else "") + field.attname

    found = [tuple(column(name) for name in index.fields) for index in model._meta.indexes]
    found += [(field.attname,) for field in model._meta.concrete_fields if field.unique or field.primary_key]
    found += [tuple(column(name) for name in constraint.fields) for constraint in model._meta.constraints
              if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None]
    return found


def _served(model, ordering: tuple[str, ...], *, equal: tuple[str, ...] = ()) -> bool:
    """Whether an index of ``model`` reads ``ordering`` in order, forwards or backwards (``id`` = the primary key);
    ``equal``: the leading columns the list always fixes by equality (an inbox is one user's), which the index may
    lead with."""
    terms = tuple(term.replace("pk", "id") for term in ordering)
    flipped = tuple(term[1:] if term.startswith("-") else f"-{term}" for term in terms)
    for index in _index_orderings(model):
        if index[:len(equal)] == equal and index[len(equal):] in (terms, flipped):
            return True
    return False


class BigListSortingTests:
    """The lists of big tables offer only orderings an index reads in order (issue 18); ``tests/test_explain.py``
    runs the contingent page's through the planner at national size."""

    def test_every_sortable_column_of_a_big_list_is_an_index_read_forwards_or_backwards(self):
        from acts.models import Act
        from acts.views import ACT_SORTING
        from checks.models import Finding
        from checks.views import FINDING_SORTING
        from contingent.models import Enrolment
        from contingent.views import ENROLMENT_SORTING
        from core.models import AuditEvent
        from notifications.models import Notification
        from notifications.views import INBOX_SORTING
        from oversight.views_audit import AUDIT_SORTING
        from payments.models import Payment, Recovery
        from payments.views import PAYMENT_SORTING, RECOVERY_SORTING
        from risk.models import RiskFlag
        from risk.views import FLAG_SORTING
        from signatures.models import Signature
        from signatures.views import SIGNATURE_SORTING

        for model, sorting, equal in (
                (Act, ACT_SORTING, ()), (Finding, FINDING_SORTING, ()), (Enrolment, ENROLMENT_SORTING, ()),
                (AuditEvent, AUDIT_SORTING, ()), (Payment, PAYMENT_SORTING, ()), (RiskFlag, FLAG_SORTING, ()),
                (Recovery, RECOVERY_SORTING, ()), (Signature, SIGNATURE_SORTING, ()),
                (Notification, INBOX_SORTING, ("user_id",))):  # an inbox is one user's
            for key in sorting.columns:
                for descending in (False, True):
                    ordering = sorting.ordering(key, descending)
                    assert _served(model, ordering, equal=equal), f"{model.__name__}: no index reads {ordering}"

    def test_the_check_refuses_an_ordering_no_index_reads(self):
        from acts.models import Act
        from notifications.models import Notification

        assert not _served(Act, ("accepted_amount", "id"))
        assert not _served(Act, ("month", "school_id", "id"))  # mixed against the index (-month, school, -id)
        assert not _served(Act, ("status", "month", "id"))  # mixed against the index (status, -month, -id)
        assert not _served(Notification, ("created_at", "id"))  # without the user the inbox index leads with
