"""The region and the school of each event's subject are recorded when the event is written
(``core.audit_places``): a department's trail and the trail narrowed to a school read them. They must show
exactly the events the old expressions showed — an OR, model by model, of "the subject is one of my region's
(this school's) rows" (``oversight.selectors.subjects_q``, kept for this test only)."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from accounts.choices import SignInEvent
from core.audit_places import fill_places, place_models, record_places
from core.models import AuditEvent, AuditEventRegion, AuditEventSchool, Region
from core.scoping import scoped_lookups
from core.services import audit_record
from oversight.selectors import audit_school_q, region_q, subjects_q
from tests.factories import make_school

ROWS_PER_MODEL = 40
SIGNED_IN = SignInEvent.SIGNED_IN


def _same_trail_for_every_region() -> set[str]:
    """Assert the recorded regions and the old expression give the same events for every region; the regions
    that saw at least one event."""
    seen = set()
    for region in Region.objects.all():
        old = set(AuditEvent.objects.filter(subjects_q("region", region.pk)).values_list("pk", flat=True))
        new = set(AuditEvent.objects.filter(region_q(region.pk)).values_list("pk", flat=True))
        assert new == old, (region.pk, sorted(new - old)[:10], sorted(old - new)[:10])
        if new:
            seen.add(region.pk)
    return seen


def _same_trail_for_every_school() -> set[int]:
    """The same for the trail narrowed to each school (and to two schools at once); the schools that saw events."""
    from schools.models import School

    seen = set()
    schools = list(School.objects.values_list("pk", flat=True))
    for school in schools:
        old = set(AuditEvent.objects.filter(subjects_q("school", school)).values_list("pk", flat=True))
        new = set(AuditEvent.objects.filter(audit_school_q([school])).values_list("pk", flat=True))
        assert new == old, (school, sorted(new - old)[:10], sorted(old - new)[:10])
        if new:
            seen.add(school)
    pair = schools[:2]
    assert (set(AuditEvent.objects.filter(audit_school_q(pair)).values_list("pk", flat=True))
            == set(AuditEvent.objects.filter(subjects_q("school", pair)).values_list("pk", flat=True)))
    return seen


@pytest.mark.django_db
@pytest.mark.slow
class RecordedRegionTests:
    def test_the_departments_trail_is_the_same_as_the_old_expression_over_every_scoped_model(self, operator_user):
        """The demo data, then an event about up to 40 rows of every model whose scope names its region, written by
        ``audit_record``; and a pupil enrolled in two regions (two rows of the side table, one event)."""
        from contingent.models import Enrolment, Pupil
        from tests.contingent.factories import make_enrolment, make_pupil

        call_command("seed_demo", stdout=io.StringIO())
        regions = list(Region.objects.order_by("code")[:2])
        pupil = make_pupil()
        for region in regions:
            make_enrolment(school=make_school(region=region, name=f"Мектеп {region.pk}"), pupil=pupil)
        covered = set()
        for model in {model for rule in ("region", "school") for model, _lookup in scoped_lookups(rule)}:
            for row in model._default_manager.order_by("pk")[:ROWS_PER_MODEL]:
                audit_record(actor=operator_user, action=SIGNED_IN, subject=row)
                covered.add(model._meta.label)
        audit_record(actor=operator_user, action=SIGNED_IN, subject=pupil)  # two regions
        audit_record(actor=operator_user, action=SIGNED_IN, subject=Pupil)  # no row: no region
        assert covered >= {"schools.School", "orders.Contract", "acts.Act", "acts.ActLine", "payments.Payment",
                           "contingent.Enrolment", "contingent.Pupil", "checks.Finding", "orders.StateOrder",
                           "orders.Application"}
        assert len(_same_trail_for_every_region()) >= 2
        assert len(_same_trail_for_every_school()) >= 2
        event = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Pupil),
                                          object_id=str(pupil.pk)).get()
        assert set(AuditEventRegion.objects.filter(event=event.seq).values_list("region", flat=True)) == {
            region.pk for region in regions}
        assert set(AuditEventSchool.objects.filter(event=event.seq).values_list("school", flat=True)) == set(
            Enrolment.objects.filter(pupil=pupil).values_list("school", flat=True))
        assert Enrolment.objects.filter(pupil=pupil).count() == 2

    def test_events_written_in_raw_sql_are_filled_set_based_as_the_migration_does(self, operator_user):
        """The migrations' backfill (``fill_places``) over events written without their regions and schools."""
        call_command("seed_demo", stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(seq), 0) FROM core_auditevent")
            last = cursor.fetchone()[0]
            for content_type_id in {*place_models("region"), *place_models("school")}:
                model = {**place_models("region"), **place_models("school")}[content_type_id][0]
                cursor.execute(
                    """INSERT INTO core_auditevent (created_at, actor_id, action, content_type_id, object_id, from_status,
                                                    to_status, reason, data)
                       SELECT now(), NULL, 'signed_in', %s, id::text, '', '', '', '{}'::jsonb
                         FROM (SELECT pk AS id FROM unnest(%s::text[]) AS pk) AS rows""",
                    [content_type_id, [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:20]]])
        assert not AuditEventRegion.objects.filter(event__seq__gt=last).exists()
        assert not AuditEventSchool.objects.filter(event__seq__gt=last).exists()
        assert fill_places(rules=["school"], seq_from=last + 1) > 0
        assert not AuditEventRegion.objects.filter(event__seq__gt=last).exists()  # one table asked, one filled
        assert fill_places(seq_from=last + 1) > 0
        assert fill_places(seq_from=last + 1) == 0  # idempotent
        assert len(_same_trail_for_every_region()) >= 2
        assert len(_same_trail_for_every_school()) >= 2

    def test_a_subject_of_no_region_records_none_and_a_bulk_writer_records_its_events(self, operator_user, school_a):
        from schools.models import School

        audit_record(actor=operator_user, action=SIGNED_IN, subject=operator_user)  # a user: no region
        assert not AuditEventRegion.objects.exists() and not AuditEventSchool.objects.exists()
        events = AuditEvent.objects.bulk_create([AuditEvent(action=SIGNED_IN, content_type=ContentType.objects.get_for_model(
            School), object_id=str(school_a.pk))])
        assert record_places(events) == 2  # its region and its school
        assert list(AuditEventRegion.objects.values_list("region", "event")) == [(school_a.region_id, events[0].seq)]
        assert list(AuditEventSchool.objects.values_list("school", "event")) == [(school_a.pk, events[0].seq)]

    def test_the_recorded_regions_and_schools_are_append_only(self, operator_user, school_a):
        from django.db import DatabaseError, transaction

        audit_record(actor=operator_user, action=SIGNED_IN, subject=school_a)
        for table, column in (("core_auditeventregion", "region_id"), ("core_auditeventschool", "school_id")):
            for statement in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}", f"TRUNCATE {table}"):
                with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(statement)
        assert AuditEventRegion.objects.count() == AuditEventSchool.objects.count() == 1


class WritersTests:
    def test_every_bulk_writer_of_events_records_their_regions(self):
        """A ``bulk_create`` of events anywhere in the code is wrapped in ``record_places``."""
        import re
        from pathlib import Path

        root = Path(__file__).resolve().parents[2]
        unrecorded = []
        for path in root.glob("*/**/*.py"):
            if ".venv" in path.parts or "tests" in path.parts or "node_modules" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"AuditEvent\.objects\.bulk_create\(", text):
                if not text[max(0, match.start() - 15):match.start()].endswith("record_places("):
                    unrecorded.append(f"{path.relative_to(root)}:{text[:match.start()].count(chr(10)) + 1}")
        assert not unrecorded, unrecorded


def _paged_through(api, url: str) -> list[int]:
    """The ids of every event the list shows, following its ``next`` links."""
    ids = []
    while url:
        answer = api.get(url).json()
        ids += [row["id"] for row in answer["results"]]
        url = answer["next"]
    return ids


class DepartmentTrailCountTests:
    """A department's trail is counted through its region's rows of ``core.AuditEventRegion``
    (``oversight.selectors.region_counter``): the number shown is the number of events paging through shows."""

    @pytest.fixture
    def trail(self, operator_user, region_astana, region_almaty):
        from contingent.models import Pupil
        from tests.contingent.factories import make_enrolment, make_pupil

        regions = [region_astana, region_almaty, Region.objects.exclude(pk__in=[region_astana.pk, region_almaty.pk])
                   .order_by("code").first()]
        schools = [make_school(region=region, name=f"Мектеп {n} {region.pk}") for n, region in enumerate(regions * 2)]
        pupil = make_pupil()  # enrolled in two regions: one event, shown once in each region's trail
        for school in schools[:2]:
            make_enrolment(school=school, pupil=pupil)
        for n, school in enumerate(schools):
            for _repeat in range(n + 1):
                audit_record(actor=operator_user, action=SIGNED_IN, subject=school)
        audit_record(actor=operator_user, action=SIGNED_IN, subject=pupil)
        audit_record(actor=operator_user, action=SIGNED_IN, subject=Pupil)  # no row: in no region's trail
        audit_record(actor=operator_user, action=SIGNED_IN, subject=operator_user)  # a user: no region
        return regions

    def test_the_count_equals_the_events_paging_through_shows_in_every_region(self, trail, api_as, client):
        from django.test.utils import CaptureQueriesContext

        from core.pagination import bounded_count
        from oversight.selectors import audit_event_list
        from tests.factories import make_user

        for region in trail:
            department = make_user(f"count_{region.pk}", role="department", region=region)
            api = api_as(department)
            shown = _paged_through(api, "/api/v1/audit-events/?page_size=2")
            assert len(shown) == len(set(shown)) > 0
            answer = api.get("/api/v1/audit-events/?page_size=2").json()
            assert (answer["count"], answer["count_exact"]) == (len(shown), True), region.pk
            client.force_login(department)
            assert client.get("/kk/oversight/audit/").context["total"] == len(shown)
            # counted through the region's rows alone: the events are not read
            with CaptureQueriesContext(connection) as captured:
                assert bounded_count(audit_event_list(user=department, filters={})) == (len(shown), True)
            assert "core_auditeventregion" in captured.captured_queries[-1]["sql"]
            assert "core_auditevent\"" not in captured.captured_queries[-1]["sql"]
        pupil_event = AuditEvent.objects.get(content_type__model="pupil", object_id__regex=r"^\d+$").pk
        for region in trail[:2]:
            assert pupil_event in _paged_through(api_as(make_user(f"pupil_{region.pk}", role="department", region=region)),
                                                 "/api/v1/audit-events/")

    def test_a_filtered_trail_counts_the_list_itself(self, trail, api_as):
        from tests.factories import make_user

        department = make_user("count_filtered", role="department", region=trail[0])
        api = api_as(department)
        for query in ("object_type=schools.school", "object_type=contingent.pupil", "action=act_accepted",
                      "ordering=seq&object_type=schools.school"):
            shown = _paged_through(api, f"/api/v1/audit-events/?page_size=2&{query}")
            assert api.get(f"/api/v1/audit-events/?{query}").json()["count"] == len(shown), query
        everything = api.get("/api/v1/audit-events/").json()["count"]
        assert api.get("/api/v1/audit-events/?object_type=contingent.pupil").json()["count"] == 1 < everything


@pytest.mark.django_db
class SchoolFilterTests:
    def test_an_event_stays_with_the_schools_its_subject_belonged_to_when_it_was_written(self, operator_user, api_as,
                                                                                          region_astana):
        """A pupil's event before a move to a second school is in the first school's trail only; after it, in both
        (the pupil's enrolments name both schools). ``?school=`` and the school box read the recorded schools."""
        from tests.contingent.factories import make_enrolment, make_pupil
        from tests.factories import make_user

        first, second = (make_school(region=region_astana, name=name) for name in ("Бірінші мектеп", "Екінші мектеп"))
        pupil = make_pupil()
        make_enrolment(school=first, pupil=pupil)
        before = audit_record(actor=operator_user, action=SIGNED_IN, subject=pupil)
        make_enrolment(school=second, pupil=pupil)
        after = audit_record(actor=operator_user, action=SIGNED_IN, subject=pupil)
        api = api_as(make_user("school_filter_monitor", role="monitor"))
        for school, expected in ((first, {before.pk, after.pk}), (second, {after.pk})):
            for query in (f"school={school.pk}", f"school_bin={school.bin}"):
                shown = {row["id"] for row in api.get(f"/api/v1/audit-events/?{query}").json()["results"]}
                assert shown == expected, (query, shown)
