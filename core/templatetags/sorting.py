"""Sortable column headers and the ordering kept in filter forms (``{% load sorting %}``; see ``core.sorting``).

* ``{% sort_header sort "month" _("Month") %}`` — a ``<th>`` whose link sorts the list by ``month``
  (again: reversed), keeping the filters and starting at the first page; the current column has
  ``aria-sort`` and an arrow. ``css="num"`` adds classes to the cell. A column ``sort`` does not
  declare is drawn as a plain header.
* ``{% sort_keep sort %}`` — inside a filter form: a hidden ``sort`` field, so that filtering keeps the order.
* ``{% sort_url "-created" %}`` — the link to the list in that ordering (filters kept, first page), for a list
  that is not a table (the notification inbox's "newest first / oldest first").
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.sorting import PARAM, SortState

register = template.Library()

DROPPED = ("cursor", "page", "n", "export")  # a new ordering starts at its first page


def _url(request, value: str) -> str:
    query = request.GET.copy()
    for name in (*DROPPED, PARAM):
        query.pop(name, None)
    if value:
        query[PARAM] = value
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def sort_header(context, sort, key: str, label, css: str = ""):
    classes = format_html(' class="{}"', css) if css else ""
    if not isinstance(sort, SortState) or key not in sort.sorting.columns:
        return format_html('<th scope="col"{}>{}</th>', classes, label)
    current = sort.key == key
    next_value = sort.next_value(key)
    hint = _("sort in descending order") if next_value.startswith("-") else _("sort in ascending order")
    if current:
        aria = "descending" if sort.descending else "ascending"
        arrow = "▼" if sort.descending else "▲"
        return format_html(
            '<th scope="col" aria-sort="{}"{}><a class="sort-link" href="{}" title="{}" data-sort="{}">{}'
            '<span class="sort-arrow" aria-hidden="true">{}</span></a></th>',
            aria, classes, _url(context["request"], next_value), hint, key, label, arrow)
    return format_html(
        '<th scope="col"{}><a class="sort-link" href="{}" title="{}" data-sort="{}">{}'
        '<span class="sort-arrow sort-arrow-idle" aria-hidden="true">↕</span></a></th>',
        classes, _url(context["request"], next_value), hint, key, label)


@register.simple_tag(takes_context=True)
def sort_url(context, value: str) -> str:
    return _url(context["request"], value)


@register.simple_tag
def sort_keep(sort):
    if not isinstance(sort, SortState) or not sort.value:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', PARAM, sort.value)
