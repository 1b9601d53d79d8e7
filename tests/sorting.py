"""Checks of a list page's sortable columns (``core.sorting``): the order is applied both ways, the header says
which, and an unknown ``sort`` is ignored (the list's own order, never an error page)."""

from __future__ import annotations


def listed(client, url: str, params: dict | None = None, *, context: str = "page") -> tuple[list, str]:
    """The primary keys the page lists, in order, and its HTML."""
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    return [row.pk for row in response.context[context]], response.content.decode()


def assert_sorts(client, url: str, key: str, expected: list, *, params: dict | None = None, context: str = "page") -> None:
    """``?sort=key`` lists ``expected`` (primary keys) in that order, ``?sort=-key`` in the reverse order, the header of
    the column says so (``aria-sort``), and ``?sort=`` with an unknown column gives the list's own order."""
    params = dict(params or {})
    ascending, html = listed(client, url, {**params, "sort": key}, context=context)
    assert ascending == expected, (url, key)
    assert 'aria-sort="ascending"' in html and f'data-sort="{key}"' in html
    descending, html = listed(client, url, {**params, "sort": f"-{key}"}, context=context)
    assert descending == expected[::-1], (url, key)
    assert 'aria-sort="descending"' in html
    own, _html = listed(client, url, params, context=context)
    unknown, _html = listed(client, url, {**params, "sort": "no-such-column"}, context=context)
    assert unknown == own, (url, "an unknown sort is ignored")
