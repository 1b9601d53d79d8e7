"""The API's pagination: ``results`` with ``next`` / ``previous`` links that follow a cursor.

Compatible with DRF's page-number answers (``count``, ``next``, ``previous``, ``results``) and
extended (``count_exact``):

* without ``page``, the list pages by keyset (``core.pagination``): ``next`` and ``previous`` carry
  a ``cursor``, and a deep page costs what the first costs;
* ``?page=N`` still works (an offset: its cost grows with N; clients should follow ``next``);
* ``count`` is exact up to ``core.pagination.COUNT_CAP`` rows; beyond, it is the database's
  estimate and ``count_exact`` is false.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.pagination import MAX_OFFSET, InvalidCursor, bounded_count, ordering_keys, paginate


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        if not isinstance(queryset, QuerySet):
            self.mode = "django"
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        size = self.get_page_size(request)
        self.count, self.count_exact = bounded_count(queryset)
        cursor = request.query_params.get(self.cursor_query_param)
        page = request.query_params.get(self.page_query_param)
        if page is not None or ordering_keys(queryset) is None:
            if cursor:
                raise ValidationError({self.cursor_query_param: [_("Give either a cursor or a page, not both.")]})
            return self._offset_page(queryset, page, size)
        try:
            self.keyset = paginate(queryset, size=size, cursor=cursor or None)
        except InvalidCursor:
            raise ValidationError({self.cursor_query_param: [
                _("This cursor is not valid for this list: follow the next and previous links.")]}) from None
        self.mode = "keyset"
        return self.keyset.object_list

    def _offset_page(self, queryset, page, size):
        self.mode = "offset"
        try:
            number = int(page) if page not in (None, "", "last") else 1
            if number < 1:
                raise ValueError(page)
        except ValueError:
            raise NotFound(_("Invalid page.")) from None
        if (number - 1) * size >= MAX_OFFSET:  # no list is that long: a bad parameter, refused before the database
            raise ValidationError({self.page_query_param: [_("Invalid page.")]})
        rows = list(queryset[(number - 1) * size: number * size + 1])
        if not rows and number > 1:
            raise NotFound(_("Invalid page."))
        self.number, self.has_more = number, len(rows) > size
        return rows[:size]

    def get_paginated_response(self, data):
        if getattr(self, "mode", "django") == "django":
            return super().get_paginated_response(data)
        return Response({"count": self.count, "count_exact": self.count_exact, "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "results": data})

    def get_next_link(self):
        mode = getattr(self, "mode", "django")
        if mode == "django":
            return super().get_next_link()
        url = self.request.build_absolute_uri()
        if mode == "offset":
            return replace_query_param(url, self.page_query_param, self.number + 1) if self.has_more else None
        if self.keyset.next_cursor is None:
            return None
        return replace_query_param(url, self.cursor_query_param, self.keyset.next_cursor)

    def get_previous_link(self):
        mode = getattr(self, "mode", "django")
        if mode == "django":
            return super().get_previous_link()
        url = self.request.build_absolute_uri()
        if mode == "offset":
            if self.number <= 1:
                return None
            if self.number == 2:
                return remove_query_param(url, self.page_query_param)
            return replace_query_param(url, self.page_query_param, self.number - 1)
        if self.keyset.previous_cursor is None:
            return None
        return replace_query_param(url, self.cursor_query_param, self.keyset.previous_cursor)

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = _(
            "The number of results: exact up to 10 000, else the database's estimate (see count_exact).")
        answer["properties"]["count_exact"] = {"type": "boolean", "description": _("Whether count is exact.")}
        return answer

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = _("A page number (an offset: prefer following the next link).")
        parameters.append({
            "name": self.cursor_query_param, "required": False, "in": "query",
            "description": _("Where the page starts: the cursor of a next or previous link."),
            "schema": {"type": "string"},
        })
        return parameters
