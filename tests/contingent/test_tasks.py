"""Large contingent uploads are checked and applied by Celery tasks; the page and the API show their progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from contingent import tasks
from contingent.models import ContingentImport, Enrolment
from contingent.services.imports import _reporter, import_progress
from core.models import AuditEvent
from tests.contingent.factories import birth_for_grade, iin_for

COLUMNS = "iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category"


def upload(rows: int = 3) -> SimpleUploadedFile:
    lines = []
    for n in range(rows):
        birth = birth_for_grade(n % 11)
        lines.append(f"{iin_for(birth)},Ким,Ли,,{birth},{n % 11},2025-09-01,,regular")
    return SimpleUploadedFile("big.csv", ("\n".join([COLUMNS, *lines]) + "\n").encode(), content_type="text/csv")


@pytest.fixture
def queued(settings):
    """Every upload counts as large: it goes to a task."""
    settings.IMPORT_INLINE_MAX_BYTES = 0


@pytest.mark.django_db
class ApiTaskTests:
    def test_a_large_upload_is_accepted_checked_by_a_task_and_applied_by_another(self, queued, api_as, school_user,
                                                                               django_capture_on_commit_callbacks):
        client = api_as(school_user)
        with django_capture_on_commit_callbacks() as callbacks:
            created = client.post("/api/v1/contingent-imports/", {"file": upload(3)}, format="multipart")
        assert created.status_code == 202 and len(callbacks) == 1
        body = created.json()
        assert body["status"] == "checking" and body["progress"]["stage"] == "queued" and body["summary"] == {}
        assert tasks.check_upload(body["id"]) == "pending"  # what the worker runs
        polled = client.get(f"/api/v1/contingent-imports/{body['id']}/").json()
        assert polled["status"] == "pending" and polled["progress"] is None and polled["summary"]["new_enrolments"] == 3
        with django_capture_on_commit_callbacks() as callbacks:
            confirmed = client.post(f"/api/v1/contingent-imports/{body['id']}/confirm/")
        assert confirmed.status_code == 202 and confirmed.json()["status"] == "applying" and len(callbacks) == 1
        assert Enrolment.objects.count() == 0
        assert tasks.apply_upload(body["id"]) == "applied"
        assert client.get(f"/api/v1/contingent-imports/{body['id']}/").json()["status"] == "applied"
        assert Enrolment.objects.count() == 3

    def test_a_small_upload_is_still_checked_at_once(self, api_as, school_user):
        created = api_as(school_user).post("/api/v1/contingent-imports/", {"file": upload(2)}, format="multipart")
        assert created.status_code == 201 and created.json()["status"] == "pending"

    def test_progress_is_reported_while_a_task_works(self, queued, api_as, school_user):
        client = api_as(school_user)
        pk = client.post("/api/v1/contingent-imports/", {"file": upload(2)}, format="multipart").json()["id"]
        _reporter(pk)(stage="reading", rows=25_000)
        progress = client.get(f"/api/v1/contingent-imports/{pk}/").json()["progress"]
        assert (progress["stage"], progress["rows"]) == ("reading", 25_000)


@pytest.mark.django_db
class TaskSafetyTests:
    def test_a_task_delivered_twice_does_the_work_once(self, queued, api_as, school_user):
        client = api_as(school_user)
        pk = client.post("/api/v1/contingent-imports/", {"file": upload(2)}, format="multipart").json()["id"]
        assert tasks.check_upload(pk) == "pending" and tasks.check_upload(pk) == "pending"
        client.post(f"/api/v1/contingent-imports/{pk}/confirm/")
        assert tasks.apply_upload(pk) == "applied" and tasks.apply_upload(pk) == "applied"
        assert Enrolment.objects.count() == 2
        record = ContingentImport.objects.get(pk=pk)
        assert AuditEvent.objects.filter(object_id=str(pk), action="contingent_imported").count() == 1
        assert AuditEvent.objects.filter(object_id=str(pk), action="contingent_checked").count() == 1
        assert record.summary["enrolments_added"] == 2

    def test_a_task_that_fails_for_another_reason_than_the_file_marks_the_upload_failed(self, queued, api_as, school_user):
        pk = api_as(school_user).post("/api/v1/contingent-imports/", {"file": upload(1)}, format="multipart").json()["id"]
        tasks.check_upload.on_failure(RuntimeError("disk full"), "task-id", (pk,), {}, None)
        record = ContingentImport.objects.get(pk=pk)
        assert record.status == "failed" and record.errors and import_progress(record) == {}

    def test_an_upload_that_no_longer_passes_when_applied_goes_back_to_pending_with_the_errors(self, queued, api_as,
                                                                                               school_user, school_a):
        from tests.contingent.factories import make_enrolment, make_pupil

        client = api_as(school_user)
        file = upload(1)
        iin = file.read().decode().splitlines()[1].split(",")[0]
        file.seek(0)
        pk = client.post("/api/v1/contingent-imports/", {"file": file}, format="multipart").json()["id"]
        tasks.check_upload(pk)
        client.post(f"/api/v1/contingent-imports/{pk}/confirm/")
        make_enrolment(school=school_a, pupil=make_pupil(iin=iin, birth_date=birth_for_grade(0)), enrolled_on=birth_for_grade(0).replace(year=2025))
        assert tasks.apply_upload(pk) == "pending"
        record = ContingentImport.objects.get(pk=pk)
        assert record.errors and Enrolment.objects.count() == 1
        assert client.post(f"/api/v1/contingent-imports/{pk}/discard/").status_code == 200


@pytest.mark.django_db
class PageTaskTests:
    def test_the_page_polls_the_progress_until_the_task_is_done_then_reloads(self, queued, school_user):
        client = Client()
        client.force_login(school_user)
        response = client.post("/en/contingent/upload/", {"file": upload(2)})
        record = ContingentImport.objects.get()
        page = client.get(response["Location"]).content.decode()
        assert record.status == "checking" and f"/en/contingent/uploads/{record.pk}/progress/" in page and 'hx-trigger="every 2s"' in page
        panel = client.get(f"/en/contingent/uploads/{record.pk}/progress/")
        assert "HX-Refresh" not in panel and "Waiting for a worker" in panel.content.decode()
        tasks.check_upload(record.pk)
        assert client.get(f"/en/contingent/uploads/{record.pk}/progress/")["HX-Refresh"] == "true"
        response = client.post(f"/en/contingent/uploads/{record.pk}/confirm/")
        assert response["Location"].endswith(f"/uploads/{record.pk}/")
        tasks.apply_upload(record.pk)
        assert Enrolment.objects.count() == 2


def table_exists(name: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        return cursor.fetchone()[0] is not None


@pytest.mark.django_db
class KeptRowsTests:
    def test_the_checked_rows_are_kept_until_the_upload_is_applied(self, queued, api_as, school_user):
        client = api_as(school_user)
        pk = client.post("/api/v1/contingent-imports/", {"file": upload(2)}, format="multipart").json()["id"]
        tasks.check_upload(pk)
        assert table_exists(f"contingent_upload_rows_{pk}")
        client.post(f"/api/v1/contingent-imports/{pk}/confirm/")
        assert tasks.apply_upload(pk) == "applied" and Enrolment.objects.count() == 2
        assert not table_exists(f"contingent_upload_rows_{pk}")

    def test_a_discarded_or_rejected_upload_keeps_no_rows(self, queued, api_as, school_user):
        client = api_as(school_user)
        pk = client.post("/api/v1/contingent-imports/", {"file": upload(2)}, format="multipart").json()["id"]
        tasks.check_upload(pk)
        client.post(f"/api/v1/contingent-imports/{pk}/discard/")
        assert not table_exists(f"contingent_upload_rows_{pk}")
        bad = SimpleUploadedFile("bad.csv", f"{COLUMNS}\nx,y\n".encode(), content_type="text/csv")
        pk = client.post("/api/v1/contingent-imports/", {"file": bad}, format="multipart").json()["id"]
        assert tasks.check_upload(pk) == "rejected" and not table_exists(f"contingent_upload_rows_{pk}")

    def test_rows_lost_with_a_database_crash_are_read_again_from_the_file(self, queued, api_as, school_user):
        from django.db import connection

        client = api_as(school_user)
        pk = client.post("/api/v1/contingent-imports/", {"file": upload(3)}, format="multipart").json()["id"]
        tasks.check_upload(pk)
        with connection.cursor() as cursor:  # what crash recovery does to an unlogged table
            cursor.execute(f"TRUNCATE contingent_upload_rows_{pk}")
        client.post(f"/api/v1/contingent-imports/{pk}/confirm/")
        assert tasks.apply_upload(pk) == "applied" and Enrolment.objects.count() == 3
