"""Every filter and ordering the enrolment lists offer reads an index, at a size where a sequential
scan would be chosen without one (issue 18).

The test fills ``contingent_enrolment`` with 200 000 generated rows over 80 schools in 4 regions,
ANALYZEs it, then asks each list (the API and the page, as an operator, a department and a school;
the first page, the page a ``next`` link gives, every ordering, every filter) and runs EXPLAIN on
every query the request sent that reads the big tables. A sequential scan of a big table is
refused, unless it streams under a LIMIT (``bounded_count`` reads at most 10 001 rows).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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


# --- act lines and the audit trail (issue 18, second part) ----------------------------------------------
# Kept apart from the enrolment lists above. Each fixture generates one big table with INSERT … SELECT
# generate_series; ``_assert_no_full_scan`` is ``_assert_indexed`` for the tables named.


def _assert_no_full_scan(client, url: str, tables: tuple[str, ...], role: str = "", status: int = 200):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, (role, url, response.status_code)
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or not any(table in sql for table in tables):
            continue
        plan = _explain(sql)
        found = _full_scans_of(plan, tables)
        assert not found, f"{role} {url}: a sequential scan of {found} in\n{sql}"
    return response


def _full_scans_of(node, tables, streaming: bool = False) -> list[str]:
    kind = node["Node Type"]
    found = [node["Relation Name"]] if kind == "Seq Scan" and node.get("Relation Name") in tables and not streaming else []
    for i, child in enumerate(node.get("Plans", [])):
        passes = kind == "Limit" or (streaming and (kind in STREAMING or (kind in ("Nested Loop", "Hash Join") and i == 0)))
        found += _full_scans_of(child, tables, passes)
    return found


LINE_TABLES = ("acts_actline",)
SCHOOLS, PUPILS_PER_SCHOOL, MONTHS = 40, 1000, 9  # 360 acts, 360 000 lines


@pytest.fixture
def year_of_lines(db):
    """A school year of acts: 40 schools in 4 regions, 1 000 pupils each, an act a month for 9 months."""
    from tests.acts.factories import make_contract

    regions = list(Region.objects.order_by("code")[:4])
    schools = [make_school(region=regions[n % 4], name=f"Мектеп {n}") for n in range(SCHOOLS)]
    contracts = [make_contract(school=school) for school in schools]
    builder = make_user("explain_builder", role="operator")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO contingent_pupil (iin, last_name, first_name, middle_name, birth_date, created_at, updated_at)
            SELECT '97' || lpad(i::text, 10, '0'), 'Оқушы ' || (i %% 997), 'Аты ' || i, '', date '2012-01-01' + (i %% 3650),
                   now(), now()
              FROM generate_series(1, %(pupils)s) AS i;
            INSERT INTO contingent_enrolment (school_id, pupil_id, kind, grade, category, specialty_group, enrolled_on,
                                              created_at, updated_at)
            SELECT (%(schools)s::bigint[])[1 + (p.id %% %(n)s)], p.id, 'pupil', p.id %% 12,
                   CASE WHEN p.id %% 33 = 0 THEN 'sen' ELSE 'regular' END, '', date '2025-09-01', now(), now()
              FROM contingent_pupil p WHERE p.iin LIKE '97%%';
            INSERT INTO acts_act (contract_id, school_id, month, period_end, status, version, line_count, total_amount,
                                  accepted_amount, due_on, built_at, built_by_id, return_reason, created_at, updated_at)
            SELECT c.id, c.school_id, m::date, (m + interval '1 month' - interval '1 day')::date,
                   CASE WHEN m < date '2025-11-01' THEN 'accepted' ELSE 'draft' END, 1, 0, 0, 0, m::date + 40, now(),
                   %(builder)s, '', now(), now()
              FROM orders_contract c, generate_series(date '2025-09-01', date '2026-05-01', interval '1 month') AS m
             WHERE c.id = ANY(%(contracts)s);
            INSERT INTO acts_actline (act_id, version, school_id, enrolment_id, iin, pupil_name, grade, level, category,
                                      first_day, last_day, days, days_in_month, norm, coefficient, amount, decision,
                                      reject_reason, decision_note)
            SELECT a.id, 1, a.school_id, e.id, p.iin, p.last_name || ' ' || p.first_name, e.grade,
                   CASE WHEN e.grade <= 4 THEN 'primary' WHEN e.grade <= 9 THEN 'basic' ELSE 'general' END, e.category,
                   a.month, a.period_end, 30, 30, 100000, 1, 100000 - (e.id %% 500),
                   CASE WHEN a.status = 'accepted' THEN 'accepted' ELSE 'pending' END, '', ''
              FROM acts_act a JOIN contingent_enrolment e ON e.school_id = a.school_id JOIN contingent_pupil p ON p.id = e.pupil_id
             WHERE a.contract_id = ANY(%(contracts)s);
            ANALYZE contingent_pupil; ANALYZE contingent_enrolment; ANALYZE acts_act; ANALYZE acts_actline;
            ANALYZE checks_finding;
            """,
            {"pupils": SCHOOLS * PUPILS_PER_SCHOOL, "schools": [s.pk for s in schools], "n": SCHOOLS,
             "builder": builder.pk, "contracts": [c.pk for c in contracts]},
        )
    from acts.models import Act

    act = Act.objects.filter(school=schools[5]).order_by("month").first()
    return {"operator": make_user("explain_operator", role="operator"),
            "department": make_user("explain_department", role="department", region=regions[1]),
            "school": make_user("explain_school", role="school", school=schools[5])}, act


LINE_FILTERS = ["", "decision=accepted", "decision=rejected", "level=general", "category=sen", "blocked=true",
                "blocked=false", "q=9700000", "q=Аты 12", "version=1", "instrument=school_per_capita",
                "ordering=amount", "ordering=-amount", "ordering=days", "ordering=-iin", "ordering=pupil_name",
                "ordering=-pupil_name,amount"]


@pytest.mark.slow
class ActLineListIndexTests:
    def test_every_filter_and_ordering_of_the_act_lines_reads_an_index(self, year_of_lines, api_as, client):
        users, act = year_of_lines
        iin = act.lines.order_by("id").values_list("iin", flat=True).first()
        for role, user in users.items():
            api = api_as(user)
            first = _assert_no_full_scan(api, "/api/v1/act-lines/", LINE_TABLES, role).json()
            _assert_no_full_scan(api, first["next"], LINE_TABLES, role)  # every line, by cursor
            for narrowing in (f"act={act.pk}", f"iin={iin}"):
                for query in LINE_FILTERS:
                    first = _assert_no_full_scan(api, f"/api/v1/act-lines/?{narrowing}&{query}", LINE_TABLES, role).json()
                    if first["next"]:
                        _assert_no_full_scan(api, first["next"], LINE_TABLES, role)
            for query in LINE_FILTERS[1:]:  # over every line of the year: refused, not scanned
                _assert_no_full_scan(api, f"/api/v1/act-lines/?{query}", LINE_TABLES, role, status=400)
            client.force_login(user)  # the act's page: its lines (the act is of the department's region)
            for query in ["", "decision=pending", "category=sen", "blocked=true", "q=Аты 5"]:
                _assert_no_full_scan(client, f"/kk/acts/{act.pk}/?{query}", LINE_TABLES, role)


AUDIT_TABLES = ("core_auditevent", "core_auditeventregion", "core_auditeventschool")
AUDIT_EVENTS = 60_000  # through the chain's trigger (about a millisecond an event): enough for the planner to prefer a scan


@pytest.fixture
def long_audit_trail(db):
    """60 000 events of the past about 204 schools of 17 regions' rows, appended to the chain by its trigger; the users
    who read them, and a school of the department's region."""
    from django.contrib.contenttypes.models import ContentType

    from core.audit_places import fill_places
    from schools.models import School

    # 17 regions, as the country's departments: a department reads about a seventeenth of the trail.
    regions = list(Region.objects.order_by("code")[:17])
    schools = [make_school(region=regions[n % 17], name=f"Мектеп {n}") for n in range(204)]
    school_type = ContentType.objects.get_for_model(School).pk
    actor = make_user("explain_actor", role="operator")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO core_auditevent (created_at, actor_id, action, content_type_id, object_id, from_status, to_status,
                                         reason, data)
            SELECT now() - (i || ' minutes')::interval, CASE WHEN i %% 3 = 0 THEN %(actor)s END,
                   CASE WHEN i %% 3000 = 2999 THEN 'act_paid'  -- a rare action: 20 events, 3,000 apart
                        ELSE (ARRAY['school_profile_updated', 'act_submitted', 'act_accepted', 'signed_in'])[1 + i %% 4] END,
                   %(type)s, ((%(schools)s::bigint[])[1 + i %% 204])::text, '', '', '', '{}'::jsonb
              FROM generate_series(1, %(rows)s) AS i;
            """,
            {"actor": actor.pk, "type": school_type, "schools": [s.pk for s in schools], "rows": AUDIT_EVENTS},
        )
        fill_places()  # a writer of events in raw SQL records their subjects' regions and schools too (core.audit_places)
        cursor.execute("ANALYZE core_auditevent; ANALYZE core_auditeventregion; ANALYZE core_auditeventschool; "
                       "ANALYZE schools_school;")
    return {"operator": make_user("explain_operator", role="operator"),
            "monitor": make_user("explain_monitor", role="monitor"),
            "department": make_user("explain_department", role="department", region=regions[1])}, schools[1]


AUDIT_FILTERS = ["", "ordering=seq", "ordering=-created_at", "ordering=created_at", "action=act_accepted",
                 "actor=explain_actor", "object_type=schools.school", "date_from=2026-01-01", "date_to=2025-01-01"]


@pytest.mark.slow
class AuditEventListIndexTests:
    def test_every_filter_and_ordering_of_the_audit_trail_reads_an_index(self, long_audit_trail, api_as, client):
        users, school = long_audit_trail
        by_subject = [f"school={school.pk}", f"school_bin={school.bin}", f"object_id={school.pk}"]
        for role, user in users.items():
            # A department's trail reads its region's range of core_auditeventregion (DepartmentAuditTrailIndexTests);
            # narrowed to one school, that school's range of core_auditeventschool (SchoolAuditTrailIndexTests).
            filters = [*AUDIT_FILTERS, *by_subject]
            api = api_as(user)
            for query in filters:
                first = _assert_no_full_scan(api, f"/api/v1/audit-events/?{query}", AUDIT_TABLES, role).json()
                if first["next"]:
                    _assert_no_full_scan(api, first["next"], AUDIT_TABLES, role)
            client.force_login(user)
            for query in filters:
                _assert_no_full_scan(client, f"/kk/oversight/audit/?{query}", AUDIT_TABLES, role)


@pytest.mark.slow
class RareAuditActionIndexTests:
    """``action=`` of a rare action (20 of the 60,000 events), in the chain's order either way: a range of the index
    ``(action, seq)`` (core migration 0009), where the ``seq`` index read backwards walked through the whole trail
    to fill a page; no query of the list, its count included, reads the events whole, even under a LIMIT."""

    def test_a_rare_action_is_read_from_its_index_for_every_role(self, long_audit_trail, api_as, client):
        users, _school = long_audit_trail
        for role, user in users.items():
            api = api_as(user)
            client.force_login(user)
            for query in ("action=act_paid", "action=act_paid&ordering=seq", "action=act_paid&ordering=-seq"):
                for url, reader in ((f"/api/v1/audit-events/?{query}", api), (f"/kk/oversight/audit/?{query}", client)):
                    with CaptureQueriesContext(connection) as captured:
                        response = reader.get(url)
                    assert response.status_code == 200, (role, url)
                    plans = [_explain(q["sql"]) for q in captured.captured_queries
                             if q["sql"].lstrip().upper().startswith("SELECT") and "core_auditevent\"" in q["sql"]
                             and "act_paid" in q["sql"]]
                    assert len(plans) >= 2, (role, url)  # the page and its count
                    for plan in plans:
                        assert not _seq_scans(plan, ("core_auditevent",)), (role, url, plan)
                        assert "audit_event_action_seq" in _index_scans(plan), (role, url, plan)
            answer = api.get("/api/v1/audit-events/?action=act_paid&page_size=100").json()
            expected = 20 if role != "department" else len(answer["results"])
            assert answer["count"] == len(answer["results"]) == expected > 0, role


@pytest.mark.slow
class SchoolAuditTrailIndexTests:
    """The trail narrowed to one school (``?school=``, the school box: a BIN or a part of a name) is that school's
    range of ``core_auditeventschool``'s primary key (school, seq) for every role, the page and its count; the
    events are read by their ``seq``, never whole (core migration 0010)."""

    def test_the_trail_of_one_school_reads_the_school_index_for_every_role(self, long_audit_trail, api_as, client):
        users, school = long_audit_trail
        for role, user in users.items():
            api = api_as(user)
            client.force_login(user)
            for query in (f"school={school.pk}", f"school_bin={school.bin}",
                          f"school={school.pk}&ordering=seq", f"school={school.pk}&action=act_accepted"):
                for url, reader in ((f"/api/v1/audit-events/?{query}", api), (f"/kk/oversight/audit/?{query}", client)):
                    with CaptureQueriesContext(connection) as captured:
                        _assert_no_full_scan(reader, url, AUDIT_TABLES, role)
                    plans = [_explain(q["sql"]) for q in captured.captured_queries
                             if q["sql"].lstrip().upper().startswith("SELECT") and "core_auditeventschool" in q["sql"]]
                    assert len(plans) >= 2, (role, url)  # the page and its count
                    for plan in plans:
                        assert "core_auditeventschool_pkey" in _index_scans(plan), (role, url, plan)
            answer = api.get(f"/api/v1/audit-events/?school={school.pk}&page_size=500").json()
            # 60 000 events over 204 schools: this school's ~294, in every role's trail (its region is the department's)
            assert answer["count"] == AUDIT_EVENTS // 204 + (1 if AUDIT_EVENTS % 204 > 1 else 0), role


def _seq_scans(node, tables) -> list[str]:
    """The tables of ``tables`` ``node`` reads by a sequential scan anywhere, a LIMIT above it or not."""
    found = [node["Relation Name"]] if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables else []
    for child in node.get("Plans", []):
        found += _seq_scans(child, tables)
    return found


def _index_scans(node) -> set[str]:
    """The indexes ``node`` reads."""
    found = {node["Index Name"]} if node.get("Index Name") else set()
    for child in node.get("Plans", []):
        found |= _index_scans(child)
    return found


@pytest.mark.slow
class DepartmentAuditTrailIndexTests:
    """A department's trail is one range of ``core_auditeventregion``'s primary key (region, seq), read backwards:
    the first page, the page after, its date and action filters, and the export's first batch; its bounded
    count is that range alone when nothing else narrows the list, and reads no table whole otherwise."""

    def test_the_departments_trail_reads_the_region_index_and_no_table_whole(self, long_audit_trail, api_as, client):
        users, _school = long_audit_trail
        department = users["department"]
        day = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
        queries = ["", "action=act_accepted", f"date_from={day}", f"date_to={day}", f"date_from={day}&action=signed_in",
                   "ordering=seq"]
        api = api_as(department)
        client.force_login(department)
        for query in queries:
            for url, reader in ((f"/api/v1/audit-events/?{query}", api), (f"/kk/oversight/audit/?{query}", client)):
                with CaptureQueriesContext(connection) as captured:
                    response = _assert_no_full_scan(reader, url, AUDIT_TABLES, "department")
                plans = [_explain(q["sql"]) for q in captured.captured_queries
                         if q["sql"].lstrip().upper().startswith("SELECT") and "core_auditeventregion" in q["sql"]]
                assert plans, url
                assert all("core_auditeventregion_pkey" in _index_scans(plan) for plan in plans), (url, plans)
                # the bounded count: nothing but the region narrows the list → its region's rows alone, a range of
                # its key (``oversight.selectors.region_counter``); a filter → the list's own semi-join, which the
                # planner may stream under the LIMIT (checked above) for an action as common as a quarter of the trail
                counts = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT COUNT(")]
                assert len(counts) == 1, (url, counts)
                if query in ("", "ordering=seq"):
                    assert "core_auditevent\"" not in counts[0], (url, counts[0])
                    count_plan = _explain(counts[0])
                    assert not _seq_scans(count_plan, AUDIT_TABLES), (url, count_plan)
                    assert _index_scans(count_plan) == {"core_auditeventregion_pkey"}, (url, count_plan)
                if url.startswith("/api/") and response.json()["next"]:
                    _assert_no_full_scan(api, response.json()["next"], AUDIT_TABLES, "department")
        assert api.get("/api/v1/audit-events/").json()["results"], "the department sees its region's events"


PUPIL_TABLES = ("contingent_pupil",)
PUPIL_QUERIES = ["", "ordering=last_name", "ordering=-last_name", "ordering=birth_date", "ordering=-birth_date",
                 "ordering=id", "iin=980000001234"]


@pytest.mark.slow
class PupilListIndexTests:
    def test_every_ordering_and_filter_of_the_pupils_reads_an_index(self, national, api_as):
        """The 200 000 pupils of ``national``: a school's and a department's through their enrolments (a semi-join).

        A real school holds about 700 of the country's 600 000 pupils (0.1 %). The fixture's 80 schools hold
        2 500 each (1.25 %), a share at which a hash semi-join over every pupil costs the planner about what
        the index does, so its choice flipped with the table's statistics (it failed in a full run). The
        school user's school keeps 700 of its pupils here; the others move to another school. The statistics
        of ``school_id`` then read every row: from ANALYZE's sample of 30 000 a school missing from the sample's
        common values is estimated at the average school's 2 500 — the fixture's, not the country's, where
        the average is the real 700 — and the choice still flipped in a full run."""
        school = national["school"].school_id
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's checks first: then the table may be altered
            cursor.execute("ALTER TABLE contingent_enrolment ALTER COLUMN school_id SET STATISTICS 1000")
            cursor.execute(
                """UPDATE contingent_enrolment SET school_id = (SELECT min(school_id) FROM contingent_enrolment
                                                                 WHERE school_id <> %(school)s)
                    WHERE school_id = %(school)s
                      AND id NOT IN (SELECT id FROM contingent_enrolment WHERE school_id = %(school)s ORDER BY id LIMIT 700);
                   ANALYZE contingent_enrolment; ANALYZE contingent_pupil;""", {"school": school})
        for role, user in national.items():
            api = api_as(user)
            for query in PUPIL_QUERIES:
                first = _assert_no_full_scan(api, f"/api/v1/pupils/?{query}", PUPIL_TABLES, role).json()
                if first["next"]:
                    _assert_no_full_scan(api, first["next"], PUPIL_TABLES, role)


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
