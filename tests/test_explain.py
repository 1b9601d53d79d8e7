"""Every filter and ordering the enrolment lists offer reads an index, at a size where a sequential
scan would be chosen without one (issue 18).

The test fills ``contingent_enrolment`` with 200 000 generated rows over 80 schools in 4 regions,
ANALYZEs it, then asks each list (the API and the page, as an operator, a department and a school;
the first page, the page a ``next`` link gives, every ordering, every filter) and runs EXPLAIN on
every query the request sent that reads the big tables. A sequential scan of a big table is
refused, unless it streams under a LIMIT (``bounded_count`` reads at most 10 001 rows).
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Region
from tests.factories import make_school, make_user

BIG_TABLES = ("contingent_enrolment", "contingent_pupil")  # the tables generated big here
ROWS = 200_000
STREAMING = {"Limit", "Subquery Scan", "Result"}

API_QUERIES = [
    "", "ordering=grade", "ordering=-grade", "ordering=enrolled_on", "ordering=-left_on", "ordering=id",
    "grade=5", "category=sen", "active_on=2025-11-20", "has_findings=true", "level=basic", "kind=pupil",
]
PAGE_QUERIES = ["", "grade=5", "category=sen", "active_on=2025-11-20", "has_findings=false"]


def _full_scans(node, streaming: bool = False) -> list[str]:
    """The big tables ``node`` reads whole: a Seq Scan, unless every node above it up to a LIMIT streams
    (a join streams its outer side)."""
    kind = node["Node Type"]
    found = []
    if kind == "Seq Scan" and node.get("Relation Name") in BIG_TABLES and not streaming:
        found.append(node["Relation Name"])
    for i, child in enumerate(node.get("Plans", [])):
        passes = kind == "Limit" or (streaming and (kind in STREAMING or (kind in ("Nested Loop", "Hash Join") and i == 0)))
        found += _full_scans(child, passes)
    return found


def _explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _assert_indexed(client, url: str, role: str = "") -> dict | str:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or not any(table in sql for table in BIG_TABLES):
            continue
        scans = _full_scans(_explain(sql))
        assert not scans, f"{role} {url}: a sequential scan of {scans} in\n{sql}"
    return response


@pytest.fixture
def national(db, django_db_blocker):
    regions = list(Region.objects.order_by("code")[:4])
    schools = [make_school(region=regions[n % 4], name=f"Мектеп {n}") for n in range(80)]
    ids = [school.pk for school in schools]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO contingent_pupil (iin, last_name, first_name, middle_name, birth_date, created_at, updated_at)
            SELECT '98' || lpad(i::text, 10, '0'), 'Оқушы ' || (i %% 997), 'Аты ' || i, '', date '2012-01-01' + (i %% 3650),
                   now(), now()
              FROM generate_series(1, %(rows)s) AS i;
            INSERT INTO contingent_enrolment (school_id, pupil_id, kind, grade, category, specialty_group, enrolled_on, left_on,
                                              created_at, updated_at)
            SELECT (%(schools)s::bigint[])[1 + (p.id %% 80)], p.id, 'pupil', p.id %% 12,
                   CASE WHEN p.id %% 33 = 0 THEN 'sen' ELSE 'regular' END, '', date '2025-09-01' + (p.id %% 60)::int,
                   CASE WHEN p.id %% 20 = 0 THEN date '2026-01-01' + (p.id %% 90)::int END, now(), now()
              FROM contingent_pupil p WHERE p.iin LIKE '98%%';
            ANALYZE contingent_pupil; ANALYZE contingent_enrolment; ANALYZE schools_school; ANALYZE checks_finding;
            """,
            {"rows": ROWS, "schools": ids},
        )
    return {"operator": make_user("explain_operator", role="operator"),
            "department": make_user("explain_department", role="department", region=regions[1]),
            "school": make_user("explain_school", role="school", school=schools[7])}


@pytest.mark.slow
class EnrolmentListIndexTests:
    def test_every_ordering_and_filter_of_the_enrolment_lists_reads_an_index(self, national, api_as, client):
        for role, user in national.items():
            api = api_as(user)
            for query in API_QUERIES:
                first = _assert_indexed(api, f"/api/v1/enrolments/?{query}", role).json()
                if first["next"]:
                    _assert_indexed(api, first["next"], role)  # the page after: an index range from the cursor
            client.force_login(user)
            for query in PAGE_QUERIES:
                _assert_indexed(client, f"/kk/contingent/?{query}", role)


@pytest.mark.slow
class ContingentPageSortingIndexTests:
    """The contingent page's sortable columns (``contingent.views.ENROLMENT_SORTING``, issue 12), both ways, on the
    first page and on the page its "next" link gives, for each role: every one reads an index."""

    def test_every_sortable_column_of_the_contingent_page_reads_an_index_both_ways(self, national, client):
        import re

        from contingent.views import ENROLMENT_SORTING

        sorts = [value for key in ENROLMENT_SORTING.columns for value in (key, f"-{key}")]
        for role, user in national.items():
            client.force_login(user)
            for sort in sorts:
                first = _assert_indexed(client, f"/kk/contingent/?sort={sort}", role).content.decode()
                following = re.search(r'rel="next" href="(\?[^"]+)"', first)
                assert following, f"{role} sort={sort}: no next page"
                _assert_indexed(client, "/kk/contingent/" + following.group(1).replace("&amp;", "&"), role)
