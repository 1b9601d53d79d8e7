import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from checks.services import check_run_now
from contingent.models import ContingentImport, Enrolment
from tests.contingent.factories import birth_for_grade, iin_for, load_snapshot, make_enrolment, nobd_row

COLUMNS = "iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args, **query):
    with translation.override("en"):
        path = reverse(f"contingent:{name}", args=args)
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query)
    return path


@pytest.mark.django_db
class ContingentListTests:
    def test_a_school_sees_only_its_pupils_and_filters_them(self, school_user, school_a, school_b, tmp_path):
        mine_grade_1 = make_enrolment(school=school_a, grade=1)
        mine_left = make_enrolment(school=school_a, grade=5, left_on=dt.date(2025, 10, 1))
        theirs = make_enrolment(school=school_b, grade=1)
        check_run_now(snapshot=load_snapshot(tmp_path, [nobd_row(mine_left.pupil, school_bin=school_a.bin, grade=5)]))
        client = client_for(school_user)
        page = client.get(url("enrolment_list")).content.decode()
        assert mine_grade_1.pupil.iin in page and mine_left.pupil.iin in page and theirs.pupil.iin not in page
        page = client.get(url("enrolment_list", grade=5)).content.decode()
        assert mine_left.pupil.iin in page and mine_grade_1.pupil.iin not in page
        page = client.get(url("enrolment_list", active_on="2025-11-20")).content.decode()
        assert mine_grade_1.pupil.iin in page and mine_left.pupil.iin not in page
        page = client.get(url("enrolment_list", has_findings="true")).content.decode()
        assert mine_grade_1.pupil.iin in page and mine_left.pupil.iin not in page  # P02 for the pupil NOBD does not know

    def test_a_department_sees_its_region_and_an_operator_everything(self, department_user, operator_user, school_a, school_b):
        astana = make_enrolment(school=school_a)
        almaty = make_enrolment(school=school_b)
        page = client_for(department_user).get(url("enrolment_list")).content.decode()
        assert astana.pupil.iin in page and almaty.pupil.iin not in page
        page = client_for(operator_user).get(url("enrolment_list")).content.decode()
        assert astana.pupil.iin in page and almaty.pupil.iin in page

    def test_an_operator_names_the_school_by_its_name_bin_or_id_in_the_autocomplete_box(self, operator_user, school_a,
                                                                                          school_b):
        astana = make_enrolment(school=school_a)
        almaty = make_enrolment(school=school_b)
        client = client_for(operator_user)
        page = client.get(url("enrolment_list")).content.decode()
        assert 'data-testid="school-options"' in page and '<select name="school"' not in page
        for school in (school_a.pk, school_a.bin, school_a.name_ru[:12]):
            page = client.get(url("enrolment_list", school=school)).content.decode()
            assert astana.pupil.iin in page and almaty.pupil.iin not in page, school

    def test_the_list_downloads_as_xlsx_and_csv(self, school_user, school_a):
        enrolment = make_enrolment(school=school_a)
        client = client_for(school_user)
        response = client.get(url("enrolment_list", export="csv"))
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert body.splitlines()[0].startswith("iin,last_name") and enrolment.pupil.iin in body
        assert client.get(url("enrolment_list", export="xlsx"))["Content-Type"].startswith("application/vnd.openxml")

    def test_another_schools_pupil_is_not_found(self, school_user, school_b):
        theirs = make_enrolment(school=school_b)
        assert client_for(school_user).get(url("enrolment_detail", theirs.pk)).status_code == 404

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = Client().get(url("enrolment_list"))
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
class ContingentEditingTests:
    def test_a_school_adds_a_pupil(self, school_user):
        birth = birth_for_grade(2)
        data = {"iin": iin_for(birth), "last_name": "Омарова", "first_name": "Айару", "middle_name": "",
                "birth_date": birth.isoformat(), "grade": "2", "category": "regular", "enrolled_on": "2025-09-01", "left_on": ""}
        response = client_for(school_user).post(url("enrolment_add"), data)
        enrolment = Enrolment.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"/{enrolment.pk}/")
        assert enrolment.school == school_user.school and enrolment.pupil.last_name == "Омарова"

    def test_a_wrong_iin_is_shown_next_to_its_field(self, school_user):
        birth = birth_for_grade(2)
        iin = iin_for(birth)
        data = {"iin": iin[:11] + str((int(iin[11]) + 1) % 10), "last_name": "Омарова", "first_name": "Айару",
                "birth_date": birth.isoformat(), "grade": "2", "category": "regular", "enrolled_on": "2025-09-01"}
        with translation.override("en"):
            response = client_for(school_user).post(url("enrolment_add"), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and response.context["form"].errors["iin"]
        assert Enrolment.objects.count() == 0

    def test_a_school_edits_and_marks_a_pupil_as_left(self, school_user, school_a):
        enrolment = make_enrolment(school=school_a, grade=3)
        client = client_for(school_user)
        data = {"last_name": "Жаңа", "first_name": enrolment.pupil.first_name, "middle_name": "", "grade": "4",
                "category": "sen", "enrolled_on": "2025-09-01", "left_on": ""}
        assert client.post(url("enrolment_edit", enrolment.pk), data).status_code == 302
        enrolment.refresh_from_db()
        assert (enrolment.grade, enrolment.category, enrolment.pupil.last_name) == (4, "sen", "Жаңа")
        assert client.post(url("enrolment_leave", enrolment.pk), {"left_on": "2025-12-20"}).status_code == 302
        enrolment.refresh_from_db()
        assert enrolment.left_on == dt.date(2025, 12, 20)
        again = client.post(url("enrolment_leave", enrolment.pk), {"left_on": "2025-12-21"})
        assert again.status_code == 200 and again.context["form"].non_field_errors()

    def test_others_may_not_edit_a_schools_contingent(self, other_school_user, department_user, operator_user, monitor_user,
                                                     school_a):
        enrolment = make_enrolment(school=school_a)
        for user in (other_school_user,):
            assert client_for(user).get(url("enrolment_edit", enrolment.pk)).status_code == 404
        for user in (department_user, operator_user):
            assert client_for(user).get(url("enrolment_edit", enrolment.pk)).status_code == 403
            assert client_for(user).get(url("enrolment_add")).status_code == 403
        assert client_for(monitor_user).post(url("enrolment_leave", enrolment.pk), {"left_on": "2025-12-20"}).status_code == 403
        enrolment.refresh_from_db()
        assert enrolment.left_on is None

    def test_the_nobd_rows_of_a_pupil_show_on_demand(self, school_user, school_a, tmp_path):
        enrolment = make_enrolment(school=school_a)
        load_snapshot(tmp_path, [nobd_row(enrolment.pupil, school_bin=school_a.bin, grade=enrolment.grade)])
        page = client_for(school_user).get(url("enrolment_nobd", enrolment.pk), HTTP_HX_REQUEST="true").content.decode()
        assert school_a.bin in page and "2025-09-01" in page


@pytest.mark.django_db
class UploadTests:
    def _file(self, lines, name="contingent.csv"):
        return SimpleUploadedFile(name, ("\n".join([COLUMNS, *lines]) + "\n").encode("utf-8"), content_type="text/csv")

    def _row(self, grade=3):
        birth = birth_for_grade(grade)
        return f"{iin_for(birth)},Ким,Ли,,{birth},{grade},2025-09-01,,regular"

    def test_an_upload_is_previewed_kept_and_saved_only_when_confirmed(self, school_user):
        client = client_for(school_user)
        response = client.post(url("upload"), {"file": self._file([self._row(1), self._row(2)])})
        record = ContingentImport.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"/uploads/{record.pk}/")
        assert record.status == "pending" and record.file and Enrolment.objects.count() == 0
        page = client.get(url("import_detail", record.pk)).content.decode()
        assert record.summary["new_enrolments"] == 2 and "Ким" in page
        assert client.post(url("import_confirm", record.pk)).status_code == 302
        record.refresh_from_db()
        assert record.status == "applied" and Enrolment.objects.filter(school=school_user.school).count() == 2
        assert client.post(url("import_confirm", record.pk)).status_code == 302  # no second time
        assert Enrolment.objects.count() == 2

    def test_a_file_with_errors_lists_them_and_cannot_be_confirmed(self, school_user):
        client = client_for(school_user)
        with translation.override("en"):
            client.post(url("upload"), {"file": self._file([self._row(1), "x,y"])})
        record = ContingentImport.objects.get()
        assert record.status == "rejected" and record.errors[0]["line"] == 3 and not record.file
        client.post(url("import_confirm", record.pk))
        assert Enrolment.objects.count() == 0

    def test_the_kept_file_is_checked_again_on_confirmation(self, school_user, school_a):
        client = client_for(school_user)
        row = self._row(4)
        client.post(url("upload"), {"file": self._file([row])})
        record = ContingentImport.objects.get()
        iin = row.split(",")[0]
        # Meanwhile the pupil is enrolled by hand from 2025-09-01: the upload would now overlap it.
        from contingent.models import Pupil

        pupil = Pupil.objects.create(iin=iin, last_name="Ким", first_name="Ли", birth_date=row.split(",")[4])
        make_enrolment(school=school_a, pupil=pupil, enrolled_on=dt.date(2025, 8, 1))
        client.post(url("import_confirm", record.pk))
        record.refresh_from_db()
        assert record.status == "pending" and Enrolment.objects.count() == 1

    def test_an_upload_can_be_discarded(self, school_user):
        client = client_for(school_user)
        client.post(url("upload"), {"file": self._file([self._row(1)])})
        record = ContingentImport.objects.get()
        client.post(url("import_discard", record.pk))
        record.refresh_from_db()
        assert record.status == "discarded" and not record.file and Enrolment.objects.count() == 0

    def test_only_csv_and_xlsx_are_taken(self, school_user):
        response = client_for(school_user).post(url("upload"), {"file": self._file([self._row(1)], name="list.pdf")})
        assert response.status_code == 200 and ContingentImport.objects.count() == 0

    def test_another_school_cannot_confirm_my_upload(self, school_user, other_school_user):
        client_for(school_user).post(url("upload"), {"file": self._file([self._row(1)])})
        record = ContingentImport.objects.get()
        assert client_for(other_school_user).post(url("import_confirm", record.pk)).status_code == 404
        record.refresh_from_db()
        assert record.status == "pending"


@pytest.mark.django_db
class UploadHelpTests:
    """Issue 12 item 7: templates to start from, Excel's own CSV read, a failed upload offers a new one."""

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_the_template_downloads_and_uploaded_as_it_is_passes_every_row_rule(self, school_user, fmt):
        client = client_for(school_user)
        response = client.get(url("upload_template", "pupil", fmt))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and f'contingent-pupil-template.{fmt}"' in response["Content-Disposition"]
        client.post(url("upload"), {"kind": "pupil", "file": SimpleUploadedFile(f"template.{fmt}", content)})
        record = ContingentImport.objects.get()
        assert record.errors == [] and record.summary["new_enrolments"] == 1

    def test_the_upload_page_links_the_templates_of_the_schools_kinds(self, school_user):
        page = client_for(school_user).get(url("upload")).content.decode()
        assert url("upload_template", "pupil", "xlsx") in page and url("upload_template", "pupil", "csv") in page
        assert client_for(school_user).get("/en/contingent/upload/template/nobody.csv").status_code == 404

    def test_excels_csv_of_a_russian_windows_is_uploaded(self, school_user):
        birth = birth_for_grade(2)
        text = "\r\n".join([COLUMNS.replace(",", ";"), f"{iin_for(birth)};Иванов;Пётр;;{birth};2;2025-09-01;;regular"]) + "\r\n"
        client_for(school_user).post(url("upload"), {"file": SimpleUploadedFile("excel.csv", text.encode("cp1251"))})
        record = ContingentImport.objects.get()
        assert record.errors == [] and record.summary["new_enrolments"] == 1

    def test_a_failed_upload_offers_the_upload_form_again(self, school_user, operator_user):
        client = client_for(school_user)
        with translation.override("en"):
            client.post(url("upload"), {"file": UploadTests()._file(["x,y"])})
        record = ContingentImport.objects.get()
        page = client.get(url("import_detail", record.pk)).content.decode()
        assert 'data-testid="upload-again"' in page and f'action="{url("upload")}"' in page
        assert 'data-testid="upload-again"' not in client_for(operator_user).get(url("import_detail", record.pk)).content.decode()


@pytest.mark.django_db
class SnapshotPageTests:
    def test_operators_see_the_snapshots_schools_do_not(self, operator_user, school_user, tmp_path):
        snapshot = load_snapshot(tmp_path, [])
        page = client_for(operator_user).get(url("snapshot_list")).content.decode()
        assert snapshot.sha256[:17] in page
        assert client_for(school_user).get(url("snapshot_list")).status_code == 403

    def test_the_snapshots_sort_by_date_and_rows_both_ways(self, operator_user, school_a, tmp_path):
        from tests.sorting import assert_sorts

        rows = [nobd_row(make_enrolment(school=school_a).pupil, school_bin=school_a.bin, grade=3) for _ in range(2)]
        snapshots = [load_snapshot(tmp_path, rows[:n], taken_on=dt.date(2025, 11, day)) for n, day in ((2, 1), (0, 2), (1, 3))]
        client = client_for(operator_user)
        assert_sorts(client, url("snapshot_list"), "taken_on", [s.pk for s in snapshots])
        assert_sorts(client, url("snapshot_list"), "rows", [snapshots[1].pk, snapshots[2].pk, snapshots[0].pk])
