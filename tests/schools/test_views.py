import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schools.models import Licence, RegisterLoad, School, SchoolChange
from tests.factories import make_school, next_bin
from tests.schools.factories import make_finding, make_licence, make_rnu

IBAN_HALYK = "KZ456010000000000001"
IBAN_NATIONAL = "KZ86125KZT5004100100"


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.django_db
class SchoolDirectoryTests:
    def test_department_sees_the_schools_of_its_region_only(self, client, department_user, school_a, school_b):
        response = page(client, department_user, "/en/schools/")
        body = response.content.decode()
        assert response.status_code == 200
        assert school_a.bin in body and school_b.bin not in body

    @pytest.mark.parametrize("role", ["operator_user", "monitor_user"])
    def test_operator_and_monitor_see_every_school(self, request, client, role, school_a, school_b):
        body = page(client, request.getfixturevalue(role), "/ru/schools/").content.decode()
        assert school_a.bin in body and school_b.bin in body

    def test_a_school_is_sent_to_its_own_page_and_cannot_open_the_directory(self, client, school_user, school_a):
        assert page(client, school_user, "/en/schools/").status_code == 403
        response = page(client, school_user, "/en/schools/mine/")
        assert response.status_code == 302 and response["Location"] == f"/en/schools/{school_a.pk}/"

    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        response = client.get("/kk/schools/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_filters_by_region_status_and_open_errors(self, client, operator_user, school_a, school_b, region_astana):
        closed = make_school(region=region_astana, name="Жабық", status="closed")
        make_finding(school_b, code="S02")
        make_finding(school_a, code="S04")  # a warning is no error
        body = page(client, operator_user, "/en/schools/", region="75").content.decode()
        assert school_b.bin in body and school_a.bin not in body
        body = page(client, operator_user, "/en/schools/", status="closed").content.decode()
        assert closed.bin in body and school_a.bin not in body
        body = page(client, operator_user, "/en/schools/", has_open_errors="true").content.decode()
        assert school_b.bin in body and school_a.bin not in body and closed.bin not in body
        body = page(client, operator_user, "/en/schools/", has_open_errors="false").content.decode()
        assert school_b.bin not in body and school_a.bin in body

    def test_export_as_csv_and_xlsx_follows_the_filter_and_the_scope(self, client, department_user, school_a, school_b):
        from openpyxl import load_workbook

        response = page(client, department_user, "/en/schools/", export="csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert response["Content-Disposition"].endswith('.csv"')
        assert school_a.bin in text and school_b.bin not in text
        response = page(client, department_user, "/en/schools/", export="xlsx")
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
        assert rows[0][0] == "BIN" and [row[0] for row in rows[1:]] == [school_a.bin]


@pytest.mark.django_db
class SchoolDirectorySortingTests:
    def test_a_column_sorts_both_ways_and_the_sort_survives_the_filter_form_and_the_pages(
            self, client, operator_user, region_astana, monkeypatch):
        monkeypatch.setattr("schools.views.PAGE_SIZE", 2)
        made = [make_school(region=region_astana, name=f"Мектеп {n}", capacity=100 * n) for n in (3, 1, 2)]
        by_capacity = sorted(made, key=lambda school: school.capacity)
        body = page(client, operator_user, "/en/schools/", region="71", sort="capacity").content.decode()
        assert body.index(by_capacity[0].bin) < body.index(by_capacity[1].bin)
        assert by_capacity[2].bin not in body  # on the next page
        assert 'aria-sort="ascending"' in body and 'href="?region=71&amp;sort=-capacity"' in body
        assert '<input type="hidden" name="sort" value="capacity">' in body
        assert "region=71&amp;sort=capacity&amp;page=2" in body  # the pager keeps filters and sort
        second = page(client, operator_user, "/en/schools/", region="71", sort="capacity", page="2").content.decode()
        assert by_capacity[2].bin in second and by_capacity[0].bin not in second
        reverse = page(client, operator_user, "/en/schools/", region="71", sort="-capacity").content.decode()
        assert reverse.index(by_capacity[2].bin) < reverse.index(by_capacity[1].bin)
        assert 'aria-sort="descending"' in reverse


@pytest.mark.django_db
class SchoolAutocompleteTests:
    def test_a_department_finds_its_regions_schools_by_name_or_bin_and_never_another_regions(
            self, client, department_user, school_a, school_b):
        found = page(client, department_user, "/en/schools/autocomplete/", field="school", school="Мектеп").content.decode()
        assert f'value="{school_a.bin}"' in found and school_b.bin not in found
        by_bin = page(client, department_user, "/en/schools/autocomplete/", field="school", school=school_b.bin[:8]).content
        assert school_b.bin.encode() not in by_bin
        assert school_a.bin.encode() in page(client, department_user, "/en/schools/autocomplete/", q=school_a.bin[:6]).content

    def test_a_school_finds_only_itself_and_an_operator_every_school(self, client, school_user, operator_user, school_a,
                                                                     school_b):
        mine = page(client, school_user, "/en/schools/autocomplete/", q="Мектеп").content.decode()
        assert school_a.bin in mine and school_b.bin not in mine
        client.logout()
        every = page(client, operator_user, "/en/schools/autocomplete/", q="Мектеп").content.decode()
        assert school_a.bin in every and school_b.bin in every

    def test_one_letter_proposes_nothing_and_a_visitor_is_sent_to_sign_in(self, client, operator_user, school_a):
        assert page(client, operator_user, "/en/schools/autocomplete/", q="М").content.strip() == b""
        client.logout()
        assert client.get("/en/schools/autocomplete/", {"q": "Мектеп"}).status_code == 302

    def test_the_filter_box_loads_its_suggestions_with_htmx(self, client, department_user):
        body = page(client, department_user, "/en/acts/").content.decode()
        assert 'list="id_school-options"' in body and '<datalist id="id_school-options"' in body
        assert 'hx-get="/en/schools/autocomplete/?field=school"' in body


@pytest.mark.django_db
class SchoolProfileTests:
    def test_a_school_changes_its_contacts_and_iban_and_the_history_keeps_old_and_new(self, client, school_user, school_a):
        school_a.iban = IBAN_HALYK
        school_a.save()
        client.force_login(school_user)
        response = client.post("/en/schools/mine/profile/", {
            "director": "Ахметова А.", "email": "info@mektep.kz", "phone": "+7 701 000 00 00", "iban": "kz86 125k zt50 0410 0100",
            "bank_name": "", "bic": "",
        })
        assert response.status_code == 302
        school_a.refresh_from_db()
        assert (school_a.iban, school_a.bank_name, school_a.bic) == (IBAN_NATIONAL, "ГУ Национальный Банк РК", "NBRKKZKX")
        bank = SchoolChange.objects.get(bin=school_a.bin, kind="bank_account")
        assert bank.before["iban"] == IBAN_HALYK and bank.after["iban"] == IBAN_NATIONAL
        assert bank.changed_by == school_user and bank.source == "profile"
        contacts = SchoolChange.objects.get(bin=school_a.bin, kind="contacts")
        assert contacts.after["email"] == "info@mektep.kz"
        history = client.get(f"/en/schools/{school_a.pk}/").content.decode()
        assert f"{IBAN_HALYK} → {IBAN_NATIONAL}" in history

    def test_an_invalid_iban_is_refused_with_a_message_and_nothing_changes(self, client, school_user, school_a):
        client.force_login(school_user)
        response = client.post("/en/schools/mine/profile/", {"iban": "KZ456010000000000002", "email": "", "phone": "", "director": ""})
        assert response.status_code == 200 and "check digits do not match" in response.content.decode()
        school_a.refresh_from_db()
        assert school_a.iban == "" and not SchoolChange.objects.exists()

    def test_the_bin_and_registry_data_cannot_be_changed_from_the_profile(self, client, school_user, school_a):
        client.force_login(school_user)
        client.post("/en/schools/mine/profile/", {"bin": next_bin(), "oked": "86.10", "name_kk": "X", "email": "a@b.kz"})
        school_a.refresh_from_db()
        assert school_a.oked == "85.31" and school_a.name_kk == "Мектеп А" and school_a.email == "a@b.kz"

    @pytest.mark.parametrize("role", ["department_user", "operator_user"])
    def test_only_a_school_has_a_profile_form(self, request, client, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get("/en/schools/mine/profile/").status_code == 403

    def test_a_monitor_cannot_post_anything(self, client, monitor_user, school_a):
        client.force_login(monitor_user)
        assert client.post("/en/schools/mine/profile/", {"email": "x@y.kz"}).status_code == 403
        assert client.post("/en/schools/registers/", {"kind": "rnu"}).status_code == 403


SCHOOLS_HEADER = "bin,name_kk,name_ru,region_kato,address,oked,capacity,iban\n"


@pytest.mark.django_db
class RegisterUploadTests:
    @pytest.fixture(autouse=True)
    def _upload_dir(self, settings, tmp_path):
        settings.REGISTER_UPLOAD_DIR = tmp_path / "uploads"

    def upload(self, client, kind, name, content):
        return client.post("/en/schools/registers/", {"kind": kind, "file": SimpleUploadedFile(name, content)})

    def test_preview_shows_new_changed_and_unchanged_rows_and_saves_nothing_until_confirmed(self, client, operator_user, school_a):
        make_licence(school_a, number="L-1", levels=["primary"], issued_on=dt.date(2019, 1, 1))
        make_licence(school_a, number="L-2", levels=["basic"], issued_on=dt.date(2019, 1, 1))
        content = (f"bin,licence_number,issued_on,levels,status\n{school_a.bin},L-1,2019-01-01,primary;basic,active\n"
                   f"{school_a.bin},L-2,2019-01-01,basic,active\n{school_a.bin},L-3,2022-02-02,general,active\n").encode()
        client.force_login(operator_user)
        response = self.upload(client, "licences", "licences.csv", content)
        assert response.status_code == 302
        preview = client.get(response["Location"])
        body = preview.content.decode()
        assert "new: 1" in body and "changed: 1" in body and "unchanged: 1" in body and "errors: 0" in body
        assert "primary → primary;basic" in body
        assert Licence.objects.count() == 2 and RegisterLoad.objects.count() == 0
        token = response["Location"].rstrip("/").split("/")[-1]
        done = client.post(f"/en/schools/registers/uploads/{token}/confirm/", {"action": "confirm"})
        assert done.status_code == 302
        assert Licence.objects.count() == 3 and Licence.objects.get(number="L-1").levels == ["primary", "basic"]
        load = RegisterLoad.objects.get()
        assert (load.source, load.source_kind, load.loaded_by) == ("licences.csv", "upload", operator_user)
        assert client.get(response["Location"]).status_code == 302  # the upload is gone once applied

    def test_every_error_is_shown_before_anything_is_saved_and_confirm_is_refused(self, client, operator_user):
        content = (SCHOOLS_HEADER + f"{next_bin()},Мектеп,Школа,711210000,,85.31,10,\n{next_bin()},Мектеп,Школа,7,,85.31,x,\n").encode()
        client.force_login(operator_user)
        location = self.upload(client, "schools", "schools.csv", content)["Location"]
        body = client.get(location).content.decode()
        assert "errors: 2" in body and "9 digits" in body and "not a whole number" in body
        assert 'data-testid="confirm-upload"' not in body
        token = location.rstrip("/").split("/")[-1]
        client.post(f"/en/schools/registers/uploads/{token}/confirm/", {"action": "confirm"})
        assert School.objects.count() == 0 and RegisterLoad.objects.count() == 0

    def test_confirm_validates_again_against_the_data_as_it_is_now(self, client, operator_user, school_a):
        """Between preview and confirm someone else changed the data: the confirm applies the new plan."""
        content = f"bin,included_on,reason\n{school_a.bin},2024-01-01,r\n".encode()
        client.force_login(operator_user)
        location = self.upload(client, "rnu", "rnu.csv", content)["Location"]
        make_rnu(bin=school_a.bin, included_on=dt.date(2024, 1, 1), reason="r")
        token = location.rstrip("/").split("/")[-1]
        client.post(f"/en/schools/registers/uploads/{token}/confirm/", {"action": "confirm"})
        load = RegisterLoad.objects.get()
        assert (load.created_count, load.unchanged_count) == (0, 1)

    def test_a_tampered_stored_file_is_refused(self, client, operator_user, settings, school_a):
        content = f"bin,included_on,reason\n{school_a.bin},2024-01-01,r\n".encode()
        client.force_login(operator_user)
        location = self.upload(client, "rnu", "rnu.csv", content)["Location"]
        token = location.rstrip("/").split("/")[-1]
        (settings.REGISTER_UPLOAD_DIR / f"{token}.upload").write_bytes(content.replace(b"2024", b"2020"))
        response = client.post(f"/en/schools/registers/uploads/{token}/confirm/", {"action": "confirm"})
        assert response.status_code == 302 and RegisterLoad.objects.count() == 0

    def test_another_session_cannot_confirm_an_upload(self, client, operator_user, second_operator_user, school_a):
        from django.test import Client

        client.force_login(operator_user)
        location = self.upload(client, "rnu", "rnu.csv", f"bin,included_on,reason\n{school_a.bin},2024-01-01,r\n".encode())["Location"]
        other = Client()
        other.force_login(second_operator_user)
        token = location.rstrip("/").split("/")[-1]
        other.post(f"/en/schools/registers/uploads/{token}/confirm/", {"action": "confirm"})
        assert RegisterLoad.objects.count() == 0

    def test_a_file_with_wrong_columns_or_encoding_is_reported_in_the_preview(self, client, operator_user):
        client.force_login(operator_user)
        location = self.upload(client, "rnu", "rnu.csv", b"bin;date\n1;2\n")["Location"]
        assert "does not match the expected columns" in client.get(location).content.decode()
        location = self.upload(client, "rnu", "rnu.csv", "bin,included_on,reason\n1,2,Себеп\n".encode("cp1251"))["Location"]
        assert "not UTF-8" in client.get(location).content.decode()

    def test_an_xlsx_upload_is_previewed_too(self, client, operator_user, school_a):
        from core.exports import xlsx_bytes

        client.force_login(operator_user)
        content = xlsx_bytes(["bin", "included_on", "reason"], [[school_a.bin, dt.date(2024, 5, 6), "r"]])
        location = self.upload(client, "rnu", "rnu.xlsx", content)["Location"]
        assert "new: 1" in client.get(location).content.decode()

    def test_discarding_an_upload_saves_nothing_and_removes_the_file(self, client, operator_user, settings, school_a):
        client.force_login(operator_user)
        location = self.upload(client, "rnu", "rnu.csv", f"bin,included_on,reason\n{school_a.bin},2024-01-01,r\n".encode())["Location"]
        token = location.rstrip("/").split("/")[-1]
        client.post(f"/en/schools/registers/uploads/{token}/confirm/", {"action": "cancel"})
        assert RegisterLoad.objects.count() == 0 and not (settings.REGISTER_UPLOAD_DIR / f"{token}.upload").exists()

    def test_only_operators_reach_the_upload(self, client, department_user, school_user, monitor_user):
        for user in (department_user, school_user):
            client.force_login(user)
            assert client.get("/en/schools/registers/").status_code == 403
        client.force_login(monitor_user)
        body = client.get("/en/schools/registers/").content.decode()
        assert "Latest loads" in body and 'data-testid="upload-preview"' not in body

    def test_other_file_types_are_refused(self, client, operator_user):
        client.force_login(operator_user)
        response = self.upload(client, "rnu", "rnu.pdf", b"%PDF-1.4")
        assert response.status_code == 200 and "Upload a .csv or .xlsx file." in response.content.decode()


@pytest.mark.django_db
class UnreliableSupplierPageTests:
    @pytest.mark.parametrize("role", ["school_user", "department_user", "operator_user", "monitor_user"])
    def test_every_signed_in_role_sees_the_whole_register(self, request, client, role, school_b):
        outsider = next_bin()
        make_rnu(bin=outsider, included_on=timezone.localdate() - dt.timedelta(days=10), reason="Жалған құжаттар")
        make_rnu(bin=school_b.bin, included_on=dt.date(2022, 1, 1))
        body = page(client, request.getfixturevalue(role), "/ru/schools/unreliable-suppliers/").content.decode()
        assert outsider in body and school_b.bin in body and "Жалған құжаттар" in body

    def test_the_register_sorts_by_bin_and_dates_both_ways_and_its_pages_keep_the_filter(self, client, operator_user,
                                                                                          monkeypatch):
        from tests.sorting import assert_sorts

        entries = [make_rnu(bin=bin_, included_on=included, excluded_on=excluded) for bin_, included, excluded in (
            ("150640000003", dt.date(2023, 5, 1), dt.date(2024, 5, 1)), ("150640000001", dt.date(2024, 2, 1), None),
            ("150640000002", dt.date(2022, 1, 1), dt.date(2023, 1, 1)))]
        client.force_login(operator_user)
        url = "/en/schools/unreliable-suppliers/"
        assert_sorts(client, url, "bin", [entries[1].pk, entries[2].pk, entries[0].pk])
        assert_sorts(client, url, "included_on", [entries[2].pk, entries[0].pk, entries[1].pk])
        assert_sorts(client, url, "excluded_on", [entries[2].pk, entries[0].pk, entries[1].pk])  # none yet: last
        monkeypatch.setattr("schools.views.PAGE_SIZE", 1)
        body = client.get(url, {"bin": "150640000001", "sort": "bin"}).content.decode()
        assert '<input type="hidden" name="sort" value="bin">' in body
        make_rnu(bin="150640000001", included_on=dt.date(2020, 1, 1))
        body = client.get(url, {"bin": "150640000001", "sort": "bin"}).content.decode()
        assert "bin=150640000001&amp;sort=bin&amp;page=2" in body  # the pager keeps the filter and the sort
