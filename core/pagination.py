"""Keyset pagination and bounded counts: a list's cost does not grow with the table or the page.

A page number is an ``OFFSET``: page 5 000 of the national enrolments reads and throws away
250 000 rows, and "page N of M" counts the millions of rows on every request. Here a page is
found by the ordering key of the row it follows (a *cursor*): ``WHERE (school_id, grade, id) >
(…) ORDER BY school_id, grade, id LIMIT 51`` reads 51 rows from an index, on the first page as on
the last. Totals are counted exactly up to ``COUNT_CAP`` rows (a bounded index scan); beyond, the
planner's estimate is given and said to be one.

The same machinery serves the pages (``keyset_page``) and the API (``core.api.pagination``).
A list whose rows a smaller table can count (a department's audit trail: its region's rows of
``core.AuditEventRegion``) names that count once, on its queryset (``CountedQuerySet.counted_by``),
and both count through ``bounded_count``.
A queryset whose ordering is not made of plain columns (an annotation, an expression) falls back
to offsets; every big list orders by columns that an index covers (``tests/test_explain.py``).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

COUNT_CAP = 10_000  # an exact total up to this many rows; beyond, the planner's estimate


# PostgreSQL's OFFSET and LIMIT are bigint: a larger offset is an error of the database (a 500), and
# no list comes near it. An offset from this on is refused before any query (a page that is not there).
MAX_OFFSET = 2**62


class InvalidCursor(ValueError):
    """The cursor is not one this list made (tampered with, or from another ordering)."""


@dataclass(frozen=True)
class Key:
    """One term of the ordering: a column (``path``, through relations), its direction, whether it may be NULL."""

    path: str
    descending: bool
    nullable: bool
    model_field: object = field(compare=False, repr=False)

    def flipped(self) -> Key:
        return Key(self.path, not self.descending, self.nullable, self.model_field)


def _field_at(model, path: str):
    """The concrete field at the end of ``path`` (``school__name_ru``), and whether it may be NULL on the way."""
    nullable = False
    parts = path.split("__")
    for i, part in enumerate(parts):
        model_field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if not getattr(model_field, "concrete", False) or model_field.many_to_many or model_field.one_to_many:
            raise FieldDoesNotExist(path)
        nullable = nullable or bool(model_field.null)
        if i < len(parts) - 1:
            if not model_field.is_relation:
                raise FieldDoesNotExist(path)
            model = model_field.related_model
        elif model_field.is_relation:
            if part != model_field.attname:  # ``order_by("school")`` follows the school's own ordering
                raise FieldDoesNotExist(path)
            return model_field.target_field, nullable  # ``school_id``: the column
    return model_field, nullable


def ordering_keys(queryset: QuerySet) -> list[Key] | None:
    """The ordering of ``queryset`` as keys ending with the primary key (a total order), or None when
    it is not plain columns (then the list pages by offset)."""
    query = queryset.query
    terms = list(query.order_by) or (list(query.get_meta().ordering or []) if query.default_ordering else [])
    keys: list[Key] = []
    for term in terms:
        if isinstance(term, str):
            if term == "?" or "." in term:
                return None
            path, descending = term.removeprefix("-"), term.startswith("-")
        elif isinstance(term, OrderBy) and isinstance(term.expression, F) and not term.nulls_first and not term.nulls_last:
            path, descending = term.expression.name, term.descending
        elif isinstance(term, F):
            path, descending = term.name, False
        else:
            return None
        if path in query.annotations:
            return None
        try:
            model_field, nullable = _field_at(query.model, path)
        except FieldDoesNotExist:
            return None
        keys.append(Key(path, descending, nullable, model_field))
        if path in ("pk", query.model._meta.pk.name, query.model._meta.pk.attname):
            break  # the rest of the ordering never breaks a tie
    else:
        keys.append(Key("pk", keys[-1].descending if keys else False, False, query.model._meta.pk))
    return keys


def _beyond(key: Key, value) -> Q | None:
    """The rows whose ``key`` comes strictly after ``value`` (PostgreSQL: NULLs last ascending, first descending)."""
    if value is None:
        return None if not key.descending else Q(**{f"{key.path}__isnull": False})
    q = Q(**{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
    if key.nullable and not key.descending:
        q |= Q(**{f"{key.path}__isnull": True})
    return q


def after_q(keys: list[Key], values: list) -> Q:
    """The rows strictly after the row whose keys are ``values``, in the order of ``keys``.

    One row comparison when the terms share a direction and none may be NULL (PostgreSQL reads it
    as an index range); otherwise the expanded form. Either is led by a plain bound on the first
    term, so that the index scan starts at the key rather than at the start of the table. The row
    comparison needs it too: PostgreSQL 16 does not merge a row comparison with an equality on the
    same column, so when the list is joined (a department's act lines: act → contract → order →
    region, one inner index scan per act), every inner scan began at the cursor instead of at its
    act. A deep page of 5 M act lines took 17 s that way, and 21 ms with the plain bound.
    """
    first, value = keys[0], values[0]
    if len({key.descending for key in keys}) == 1 and not any(key.nullable for key in keys):
        lookup = TupleLessThan if first.descending else TupleGreaterThan
        return Q(lookup(Tuple(*(F(key.path) for key in keys)), tuple(values))) & Q(
            **{f"{first.path}__{'lte' if first.descending else 'gte'}": value})
    condition: Q | None = None
    for key, value in reversed(list(zip(keys, values, strict=True))):
        beyond = _beyond(key, value)
        equal = Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})
        tail = equal & condition if condition is not None else None
        parts = [part for part in (beyond, tail) if part is not None]
        condition = Q(pk__in=[]) if not parts else parts[0] if len(parts) == 1 else parts[0] | parts[1]
    if value is not None and not (first.nullable and not first.descending):
        condition &= Q(**{f"{first.path}__{'lte' if first.descending else 'gte'}": value})
    return condition


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _signature(keys: list[Key]) -> str:
    return ",".join(("-" if key.descending else "") + key.path for key in keys)


def encode_cursor(keys: list[Key], values: list, *, backwards: bool) -> str:
    payload = {"o": _signature(keys), "v": [_plain(v) for v in values], "b": backwards}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(keys: list[Key], cursor: str) -> tuple[list, bool]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if payload["o"] != _signature(keys) or len(payload["v"]) != len(keys):
            raise InvalidCursor(cursor)
        values = [None if v is None else key.model_field.to_python(v) for key, v in zip(keys, payload["v"], strict=True)]
        return values, bool(payload["b"])
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidCursor(cursor) from error
    except Exception as error:  # a field's to_python refuses the value (a ValidationError)
        raise InvalidCursor(cursor) from error


def _key_values(queryset: QuerySet, keys: list[Key], rows: list) -> dict:
    """The key values of ``rows`` (the first and last of a page): read from the rows when the keys are
    their own columns, else in one query."""
    if not rows:
        return {}
    if all("__" not in key.path for key in keys):
        return {row.pk: [getattr(row, key.path) for key in keys]
                for row in rows}
    model = queryset.model
    found = model._base_manager.filter(pk__in=[row.pk for row in rows]).values_list("pk", *(key.path for key in keys))
    return {pk: list(values) for pk, *values in found}


def _ordered(queryset: QuerySet, keys: list[Key]) -> QuerySet:
    return queryset.order_by(*(F(key.path).desc() if key.descending else F(key.path).asc() for key in keys))


@dataclass
class KeysetPage:
    """One page of a list: its rows, and the cursors of the pages before and after (None at an end).

    Duck-types the parts of Django's ``Page`` that templates read (``object_list``, iteration,
    ``has_next``, ``has_previous``, ``has_other_pages``).
    """

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None
    query: str = ""  # the page's query string without the cursor (the pager's links add theirs)
    total: int | None = None  # ``bounded_count``: exact up to COUNT_CAP, else an estimate
    total_exact: bool = True

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.next_cursor is not None

    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()


def paginate(queryset: QuerySet, *, size: int, cursor: str | None = None) -> KeysetPage:
    """The page of ``queryset`` after (or before) ``cursor``; the first page without one.

    Raises ``InvalidCursor`` for a cursor this ordering did not make. Two queries at most whatever
    the page: the rows (one more than ``size``, to know whether another page follows), and the key
    values of the page's ends when the ordering goes through a relation.
    """
    keys = ordering_keys(queryset)
    if keys is None:
        return _offset_page(queryset, size=size, cursor=cursor)
    backwards = False
    rows_qs = _ordered(queryset, keys)
    if cursor:
        values, backwards = decode_cursor(keys, cursor)
        if backwards:
            flipped = [key.flipped() for key in keys]
            rows_qs = _ordered(queryset, flipped).filter(after_q(flipped, values))
        else:
            rows_qs = rows_qs.filter(after_q(keys, values))
    rows = list(rows_qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    ends = _key_values(queryset, keys, [rows[0], rows[-1]] if rows else [])
    has_next = more if not backwards else bool(cursor)
    has_previous = more if backwards else bool(cursor)
    next_cursor = encode_cursor(keys, ends[rows[-1].pk], backwards=False) if rows and has_next else None
    previous_cursor = encode_cursor(keys, ends[rows[0].pk], backwards=True) if rows and has_previous else None
    return KeysetPage(rows, next_cursor, previous_cursor)


def _offset_page(queryset: QuerySet, *, size: int, cursor: str | None) -> KeysetPage:
    """A list ordered by something other than columns pages by offset (its cursor carries the offset)."""
    offset = 0
    if cursor:
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            offset = int(payload["offset"])
        except (binascii.Error, ValueError, KeyError, TypeError) as error:
            raise InvalidCursor(cursor) from error
        if not 0 <= offset < MAX_OFFSET:
            raise InvalidCursor(cursor)

    def at(position: int) -> str:
        return base64.urlsafe_b64encode(json.dumps({"offset": position}).encode()).decode().rstrip("=")

    rows = list(queryset[offset: offset + size + 1])
    return KeysetPage(rows[:size], at(offset + size) if len(rows) > size else None,
                      at(max(offset - size, 0)) if offset > 0 else None)


def estimated_count(queryset: QuerySet) -> int:
    """The planner's estimate of the rows of ``queryset`` (no row is read)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class CountedQuerySet(QuerySet):
    """A queryset that may name a cheaper query with as many rows as itself, for ``bounded_count``.

    ``counted_by(counter)``: ``counter(queryset)`` is called with the list as it is finally counted (after
    the filters and orderings the page or the API added, which keep the counter) and returns a queryset
    with exactly as many rows, or None when it has none for that list (then the list itself is counted).
    The counter's owner proves the equality (the audit trail's: ``tests/oversight/test_audit_places.py``).
    """

    _counter = None

    def counted_by(self, counter) -> CountedQuerySet:
        clone = self._chain()
        clone._counter = counter
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._counter = self._counter
        return clone


def where_of(queryset: QuerySet):
    """The SQL and parameters of ``queryset`` without its ordering: two querysets with the same read the same
    rows (None for a queryset that reads none, ``.none()``)."""
    try:
        return queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return None


def bounded_count(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """The number of rows of ``queryset`` and whether it is exact: exact up to ``cap`` (reading at most
    ``cap + 1`` rows), else the planner's estimate (never less than ``cap + 1``). A ``CountedQuerySet``
    with a counter is counted through the query its counter gives, when it gives one."""
    counter = getattr(queryset, "_counter", None)
    source = counter(queryset) if counter is not None else None
    if source is None:
        source = queryset
    counted = source.order_by().values("pk")[: cap + 1].count()
    if counted <= cap:
        return counted, True
    return max(estimated_count(source), cap + 1), False


def keyset_page(request, queryset: QuerySet, size: int = 50, *, count: bool = True) -> KeysetPage:
    """The page a list page shows (``?cursor=``; a cursor from elsewhere gives the first page), with the
    query string its pager links keep and, when ``count``, the bounded total (``includes/keyset_nav.html``)."""
    try:
        page = paginate(queryset, size=size, cursor=request.GET.get("cursor") or None)
    except InvalidCursor:
        page = paginate(queryset, size=size)
    query = request.GET.copy()
    for name in ("cursor", "page"):
        query.pop(name, None)
    page.query = query.urlencode()
    if count:
        page.total, page.total_exact = bounded_count(queryset)
    return page
