import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from checks.models import CheckRun
from contingent.models import Enrolment
from tests.contingent.factories import birth_for_grade, iin_for, load_snapshot, make_enrolment


def enrolment_body(grade=3, **changes):
    birth = birth_for_grade(grade)
    body = {"iin": iin_for(birth), "last_name": "Ким", "first_name": "Ли", "birth_date": birth.isoformat(), "grade": grade,
            "enrolled_on": "2025-09-01"}
    body.update(changes)
    return body


@pytest.mark.django_db
class EnrolmentApiTests:
    def test_each_role_reads_the_enrolments_of_its_scope(self, api_as, school_user, other_school_user, department_user,
                                                        monitor_user, school_a, school_b):
        mine = make_enrolment(school=school_a)
        theirs = make_enrolment(school=school_b)

        def ids(user, **query):
            return {row["id"] for row in api_as(user).get("/api/v1/enrolments/", query).json()["results"]}

        assert ids(school_user) == {mine.pk} and ids(other_school_user) == {theirs.pk}
        assert ids(department_user) == {mine.pk} and ids(monitor_user) == {mine.pk, theirs.pk}
        assert api_as(school_user).get(f"/api/v1/enrolments/{theirs.pk}/").status_code == 404
        row = api_as(school_user).get(f"/api/v1/enrolments/{mine.pk}/").json()
        assert row["pupil"]["iin"] == mine.pupil.iin and row["school_bin"] == school_a.bin and row["level"] == "primary"

    def test_the_list_reads_no_programme_unless_asked(self, api_as, department_user, school_a):
        """The programme filter's select is read when a page renders it, never for the API's list (one query fewer
        per call); ``?programme=`` is still checked against the programmes."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        make_enrolment(school=school_a)
        api = api_as(department_user)
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/enrolments/").json()["count"] == 1
        assert not [q for q in captured.captured_queries if 'FROM "programmes_programme"' in q["sql"]]
        assert api.get("/api/v1/enrolments/", {"programme": 999999}).json()["count"] == 0

    def test_filters_work_in_the_api_too(self, api_as, operator_user, school_a):
        make_enrolment(school=school_a, grade=1)
        old = make_enrolment(school=school_a, grade=9, left_on=dt.date(2025, 10, 1))
        rows = api_as(operator_user).get("/api/v1/enrolments/", {"level": "basic"}).json()["results"]
        assert [row["id"] for row in rows] == [old.pk]
        assert api_as(operator_user).get("/api/v1/enrolments/", {"active_on": "2025-11-20", "level": "basic"}).json()["count"] == 0
        assert api_as(operator_user).get("/api/v1/enrolments/", {"active_on": "not-a-date"}).status_code == 400

    def test_enrolments_are_found_by_iin_and_by_the_school_bin_name_or_id(self, api_as, operator_user, school_a,
                                                                          school_b):
        mine = make_enrolment(school=school_a)
        make_enrolment(school=school_b)
        client = api_as(operator_user)
        for params in ({"iin": mine.pupil.iin}, {"school": school_a.bin}, {"school": school_a.pk},
                       {"school": school_a.name_ru}):
            assert [row["id"] for row in client.get("/api/v1/enrolments/", params).json()["results"]] == [mine.pk], params
        assert [row["id"] for row in client.get("/api/v1/pupils/", {"iin": mine.pupil.iin}).json()["results"]] == [
            mine.pupil_id]

    def test_a_school_adds_changes_and_marks_its_pupil_as_left(self, api_as, school_user):
        client = api_as(school_user)
        created = client.post("/api/v1/enrolments/", enrolment_body(), format="json")
        assert created.status_code == 201
        pk = created.json()["id"]
        assert client.patch(f"/api/v1/enrolments/{pk}/", {"grade": 4}, format="json").json()["grade"] == 4
        left = client.post(f"/api/v1/enrolments/{pk}/leave/", {"left_on": "2025-12-01"}, format="json")
        assert left.status_code == 200 and left.json()["left_on"] == "2025-12-01"
        again = client.post(f"/api/v1/enrolments/{pk}/leave/", {"left_on": "2025-12-02"}, format="json")
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_left"

    def test_a_wrong_iin_is_a_400_naming_the_field(self, api_as, school_user):
        body = enrolment_body()
        body["iin"] = body["iin"][:11] + str((int(body["iin"][11]) + 1) % 10)
        response = api_as(school_user).post("/api/v1/enrolments/", body, format="json")
        assert response.status_code == 400 and "iin" in response.json()["error"]["fields"]

    def test_only_the_school_writes_its_contingent(self, api_as, department_user, operator_user, monitor_user, other_school_user,
                                                   school_a):
        enrolment = make_enrolment(school=school_a)
        for user in (department_user, operator_user, monitor_user):
            assert api_as(user).post("/api/v1/enrolments/", enrolment_body(), format="json").status_code == 403
        assert api_as(other_school_user).patch(f"/api/v1/enrolments/{enrolment.pk}/", {"grade": 5}, format="json").status_code == 404
        assert api_as(operator_user).patch(f"/api/v1/enrolments/{enrolment.pk}/", {"grade": 5}, format="json").status_code == 403
        enrolment.refresh_from_db()
        assert enrolment.grade == 3

    def test_pupils_are_scoped_like_their_enrolments(self, api_as, school_user, school_a, school_b):
        mine = make_enrolment(school=school_a)
        make_enrolment(school=school_b)
        rows = api_as(school_user).get("/api/v1/pupils/").json()["results"]
        assert [row["iin"] for row in rows] == [mine.pupil.iin]


@pytest.mark.django_db
class UploadApiTests:
    def test_upload_preview_then_confirm(self, api_as, school_user):
        birth = birth_for_grade(5)
        content = (f"iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category\n"
                   f"{iin_for(birth)},Ким,Ли,,{birth},5,2025-09-01,,regular\n").encode()
        client = api_as(school_user)
        created = client.post("/api/v1/contingent-imports/", {"file": SimpleUploadedFile("c.csv", content)}, format="multipart")
        assert created.status_code == 201 and created.json()["status"] == "pending" and Enrolment.objects.count() == 0
        pk = created.json()["id"]
        confirmed = client.post(f"/api/v1/contingent-imports/{pk}/confirm/")
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "applied" and Enrolment.objects.count() == 1
        assert client.post(f"/api/v1/contingent-imports/{pk}/discard/").status_code == 409

    def test_a_previewed_upload_is_discarded_and_then_cannot_be_confirmed(self, api_as, school_user):
        birth = birth_for_grade(5)
        content = (f"iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category\n"
                   f"{iin_for(birth)},Ким,Ли,,{birth},5,2025-09-01,,regular\n").encode()
        client = api_as(school_user)
        pk = client.post("/api/v1/contingent-imports/", {"file": SimpleUploadedFile("c.csv", content)},
                         format="multipart").json()["id"]
        discarded = client.post(f"/api/v1/contingent-imports/{pk}/discard/")
        assert discarded.status_code == 200 and discarded.json()["status"] == "discarded", discarded.json()
        assert client.post(f"/api/v1/contingent-imports/{pk}/confirm/").status_code == 409
        assert Enrolment.objects.count() == 0


@pytest.mark.django_db
class SnapshotAndRunApiTests:
    def test_snapshots_show_metadata_only(self, api_as, school_user, tmp_path):
        snapshot = load_snapshot(tmp_path, [])
        row = api_as(school_user).get(f"/api/v1/nobd-snapshots/{snapshot.pk}/").json()
        assert set(row) == {"id", "taken_on", "source", "sha256", "row_count", "status", "started_at", "finished_at", "pruned_at"}

    def test_operators_start_a_run_and_a_second_start_is_a_conflict(self, api_as, operator_user, school_user,
                                                                    django_capture_on_commit_callbacks):
        assert api_as(school_user).post("/api/v1/check-runs/start/", {}, format="json").status_code == 403
        with django_capture_on_commit_callbacks() as callbacks:
            started = api_as(operator_user).post("/api/v1/check-runs/start/", {"fetch": True}, format="json")
        assert started.status_code == 202 and len(callbacks) == 1
        run_id = started.json()["id"]
        again = api_as(operator_user).post("/api/v1/check-runs/start/", {}, format="json")
        assert again.status_code == 409 and again.json()["error"]["details"]["run_id"] == run_id
        assert CheckRun.objects.count() == 1


@pytest.mark.django_db
def test_the_list_reads_the_columns_it_shows_in_one_query(api_as, operator_user, school_a):
    """``contingent.api.views.LIST_COLUMNS``: the list shows every field of ``EnrolmentSerializer`` without a query
    per row (a field left out of the columns would be read row by row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for grade in (1, 5, 9):
        make_enrolment(school=school_a, grade=grade)
    api = api_as(operator_user)
    full = {row["id"]: row for row in api.get("/api/v1/enrolments/").json()["results"]}
    with CaptureQueriesContext(connection) as captured:
        rows = api.get("/api/v1/enrolments/").json()["results"]
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "contingent_enrolment"' in q["sql"]]
    # the count and the page, its columns: of the school, only its BIN (no school row built)
    shown = reads[-1].split(' FROM "contingent_enrolment"')[0]
    assert len(reads) == 2 and re.findall(r'"schools_school"\."(\w+)"', shown) == ["bin"]
    one = api.get(f"/api/v1/enrolments/{rows[0]['id']}/").json()
    assert one == full[one["id"]] and rows[0]["school_bin"] == school_a.bin and len(rows) == 3
    for grade in (2, 3, 4):
        make_enrolment(school=school_a, grade=grade)
    with CaptureQueriesContext(connection) as twice:
        assert len(api.get("/api/v1/enrolments/").json()["results"]) == 6
    assert len(twice.captured_queries) == len(captured.captured_queries)  # no query per row
