"""Sortable columns of the list pages: which columns a list may be sorted by, and the ordering each gives.

A list declares its sortable columns once, next to its view::

    ACT_SORTING = Sorting({"month": ("month", "-school_id", "id")}, default="-month")

Each column names its *ascending* ordering, ending with a unique key (a total order, so that keyset
pages never skip nor repeat a row); ``?sort=month`` asks for it, ``?sort=-month`` reverses every
term (so PostgreSQL reads the same index backwards). Without ``?sort=`` the list keeps its own
ordering, and ``default`` says which column that is (its header shows the arrow), if any.

On a big table every ordering offered here is one an index serves (issue 18; ``tests/test_explain.py``
proves it for the big lists); a column without such an index is simply not sortable. An unknown
``sort`` value is ignored (the list's own ordering), never an error page.

The headers are drawn by ``{% sort_header %}`` (``core/templatetags/sorting.py``): a link that keeps
the filters, drops the cursor or page number (a new ordering starts at its first page), and carries
``aria-sort`` and an arrow for the current column; ``{% sort_keep %}`` keeps the ordering in a
filter form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

PARAM = "sort"


def _flip(term: str) -> str:
    return term[1:] if term.startswith("-") else f"-{term}"


@dataclass(frozen=True)
class SortState:
    """The ordering a list is shown in: the column ``key`` (None: the list's own ordering, on no column),
    its direction, and whether the request asked for it (``?sort=``)."""

    sorting: Sorting
    key: str | None
    descending: bool
    requested: bool

    @property
    def value(self) -> str:
        """The ``sort`` parameter of this ordering ("" when it is the list's own)."""
        if not self.requested or self.key is None:
            return ""
        return f"-{self.key}" if self.descending else self.key

    def next_value(self, key: str) -> str:
        """The ``sort`` parameter a click on column ``key`` asks for: ascending, or reversed when it is current."""
        return f"-{key}" if self.key == key and not self.descending else key


class Sorting:
    """The sortable columns of one list: column key → its ascending ordering."""

    def __init__(self, columns: dict[str, tuple[str, ...]], *, default: str | None = None):
        self.columns = {key: tuple(ordering) for key, ordering in columns.items()}
        if default is not None and default.removeprefix("-") not in self.columns:
            raise ValueError(f"the default ordering {default!r} is not one of the columns")
        self.default = default

    def ordering(self, key: str, descending: bool) -> tuple[str, ...]:
        terms = self.columns[key]
        return tuple(_flip(term) for term in terms) if descending else terms

    def state(self, request) -> SortState:
        """The ordering the request asks for (``?sort=``), or the list's own."""
        value = request.GET.get(PARAM, "")
        key, descending = value.removeprefix("-"), value.startswith("-")
        if key in self.columns:
            return SortState(self, key, descending, True)
        if self.default:
            return SortState(self, self.default.removeprefix("-"), self.default.startswith("-"), False)
        return SortState(self, None, False, False)

    def apply(self, request, queryset: QuerySet) -> tuple[QuerySet, SortState]:
        """``queryset`` in the ordering the request asks for, and that ordering (for the headers)."""
        state = self.state(request)
        if state.requested:
            queryset = queryset.order_by(*self.ordering(state.key, state.descending))
        return queryset, state


def page_query(request) -> str:
    """The list's parameters (filters, ``sort``) but its page number and export, for the page-number pagers
    (``includes/paginator_nav.html``, ``checks/runs/_pager.html``) to add ``page=`` to."""
    query = request.GET.copy()
    for name in ("page", "export"):
        query.pop(name, None)
    return query.urlencode()
