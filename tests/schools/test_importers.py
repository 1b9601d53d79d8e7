import datetime as dt
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from core.errors import PermissionDeniedError
from integrations.registers import FileTransport
from schools.choices import ChangeKind, RegisterKind
from schools.models import Licence, RegisterLoad, School, SchoolChange, UnreliableSupplierEntry
from schools.services import register_import
from tests.factories import make_bin, make_school, next_bin
from tests.schools.factories import csv_file, make_licence, make_rnu, xlsx_file

HEADER = "bin,name_kk,name_ru,region_kato,address,oked,capacity,iban\n"
IBAN_HALYK = "KZ456010000000000001"  # bank code 601: Halyk Bank
IBAN_NATIONAL = "KZ86125KZT5004100100"  # bank code 125: National Bank


def run(command: str, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(command: str, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command(command, *args, stdout=out, stderr=err)
    return str(failure.value), err.getvalue()


def snapshot() -> tuple:
    """Everything an import may touch, to prove that a failed one touched nothing."""
    return (
        sorted(School.objects.values_list("bin", "name_ru", "region_id", "kato", "oked", "capacity", "iban", "bank_name")),
        sorted(Licence.objects.values_list("bin", "number", "issued_on", "levels", "status")),
        sorted(UnreliableSupplierEntry.objects.values_list("bin", "included_on", "reason", "excluded_on")),
        SchoolChange.objects.count(), RegisterLoad.objects.count(),
    )


@pytest.mark.django_db
class ImportSchoolsTests:
    def test_a_good_file_creates_the_schools_with_region_from_kato_and_bank_from_iban(self, tmp_path):
        first, second = next_bin(), next_bin()
        path = csv_file(HEADER + f"{first},Мектеп бір,Школа один,711210000,Астана,85.31,500,{IBAN_HALYK}\n"
                                 f"{second},Мектеп екі,Школа два,751110000,,85.20,,\n", tmp_path)
        out, _err = run("import_schools", str(path))
        assert "2 new, 0 changed, 0 unchanged" in out
        one = School.objects.get(bin=first)
        assert (one.region_id, one.kato, one.capacity, one.iban) == ("71", "711210000", 500, IBAN_HALYK)
        assert (one.bank_name, one.bic) == ('АО "Народный Банк Казахстана"', "HSBKKZKX")
        two = School.objects.get(bin=second)
        assert (two.region_id, two.capacity, two.iban, two.address) == ("75", None, "", "")
        load = RegisterLoad.objects.get()
        assert (load.kind, load.created_count, load.source) == ("schools", 2, path.name)
        assert len(load.sha256) == 64

    def test_an_xlsx_file_is_read_like_csv(self, tmp_path):
        bin_value = next_bin()
        path = xlsx_file(HEADER.strip().split(","), [[bin_value, "Мектеп", "Школа", "711210000", "", "85.31", 300, ""]], tmp_path)
        run("import_schools", str(path))
        assert School.objects.get(bin=bin_value).capacity == 300

    def test_importing_the_same_file_again_changes_nothing(self, tmp_path):
        bin_value = next_bin()
        path = csv_file(HEADER + f"{bin_value},Мектеп,Школа,711210000,Астана,85.31,500,{IBAN_HALYK}\n", tmp_path)
        run("import_schools", str(path))
        history = SchoolChange.objects.count()
        out, _err = run("import_schools", str(path))
        assert "0 new, 0 changed, 1 unchanged" in out
        assert SchoolChange.objects.count() == history

    def test_a_changed_row_updates_the_school_and_keeps_old_and_new_in_the_history(self, tmp_path, region_astana):
        school = make_school(region=region_astana, name="Ескі", iban=IBAN_HALYK, oked="85.31", capacity=500)
        path = csv_file(HEADER + f"{school.bin},Жаңа,Новая,751110000,Алматы,86.10,450,{IBAN_NATIONAL}\n", tmp_path)
        out, _err = run("import_schools", str(path))
        assert "0 new, 1 changed" in out
        school.refresh_from_db()
        assert (school.name_kk, school.region_id, school.oked, school.capacity) == ("Жаңа", "75", "86.10", 450)
        assert (school.iban, school.bic) == (IBAN_NATIONAL, "NBRKKZKX")
        bank = SchoolChange.objects.get(bin=school.bin, kind=ChangeKind.BANK_ACCOUNT)
        assert bank.before["iban"] == IBAN_HALYK and bank.after["iban"] == IBAN_NATIONAL
        assert bank.source == "import" and bank.load is not None
        registry = SchoolChange.objects.get(bin=school.bin, kind=ChangeKind.SCHOOL)
        assert registry.before["oked"] == "85.31" and registry.after["oked"] == "86.10"
        assert registry.after["kato"] == "751110000"

    def test_an_empty_iban_in_the_file_keeps_the_account_the_school_entered(self, tmp_path, region_astana):
        school = make_school(region=region_astana, name="Мектеп", iban=IBAN_HALYK, oked="85.31", capacity=500,
                             address="Астана, көше 1", kato="711210000")
        path = csv_file(HEADER + f"{school.bin},Мектеп,Мектеп,711210000,\"Астана, көше 1\",85.31,500,\n", tmp_path)
        out, _err = run("import_schools", str(path))
        assert "1 unchanged" in out
        school.refresh_from_db()
        assert school.iban == IBAN_HALYK

    def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(self, tmp_path, region_astana):
        existing = make_school(region=region_astana, name="Бар", capacity=100)
        good = next_bin()
        bad_check_digit = good[:11] + str((int(good[11]) + 1) % 10)
        before = snapshot()
        path = csv_file(
            HEADER
            + f"{existing.bin},Өзгерген,Изменённая,711210000,,85.31,999,\n"  # line 2: valid, would change
            + f"{bad_check_digit},Мектеп,Школа,711210000,,85.31,10,\n"  # 3: BIN check digit
            + f"{next_bin()},,Школа,711210000,,85.31,10,\n"  # 4: no Kazakh name
            + f"{next_bin()},Мектеп,Школа,7112,,85.31,10,\n"  # 5: KATO not 9 digits
            + f"{next_bin()},Мектеп,Школа,991210000,,85.31,10,\n"  # 6: no region 99
            + f"{next_bin()},Мектеп,Школа,711210000,,85-31,10,\n"  # 7: OKED shape
            + f"{next_bin()},Мектеп,Школа,711210000,,85.31,-3,\n"  # 8: negative capacity
            + f"{next_bin()},Мектеп,Школа,711210000,,85.31,many,\n"  # 9: not a number
            + f"{next_bin()},Мектеп,Школа,711210000,,85.31,10,KZ456010000000000002\n"  # 10: IBAN check digits
            + f"{good},Мектеп,Школа,711210000,,85.31,10,\n"  # 11: valid
            + f"{good},Мектеп,Школа,711210000,,85.31,10,\n"  # 12: BIN repeated
            + f"{next_bin()},Мектеп,Школа\n",  # 13: too few values
            tmp_path,
        )
        message, err = run_failing("import_schools", str(path))
        assert "10 error(s) in the file; nothing was saved." in message
        lines = err.strip().splitlines()
        assert len(lines) == 10
        expected = {
            3: "fails its check digit", 4: "a name is required", 5: "9 digits", 6: "no region with code 99",
            7: "85.31 or 85310", 8: "outside 0–100000", 9: "not a whole number", 10: "check digits do not match",
            12: "is already on line 11", 13: "3 values",
        }
        for line, text in expected.items():
            assert any(row.startswith(f"line {line}") and text in row for row in lines), (line, text, lines)
        assert snapshot() == before
        assert not School.objects.filter(bin=good).exists()

    def test_a_file_that_is_not_utf8_is_refused_whole(self, tmp_path):
        before = snapshot()
        path = csv_file(HEADER + f"{next_bin()},Мектеп,Школа,711210000,,85.31,10,\n", tmp_path, encoding="cp1251")
        message, _err = run_failing("import_schools", str(path))
        assert "not UTF-8" in message and "line 2" in message
        assert snapshot() == before

    def test_wrong_columns_are_named(self, tmp_path):
        path = csv_file("bin,name,region_kato\n1,2,3\n", tmp_path)
        message, _err = run_failing("import_schools", str(path))
        assert "missing column(s): name_kk, name_ru, address, oked, capacity, iban" in message
        assert "unknown column(s): name" in message

    def test_a_missing_file_is_an_error(self, tmp_path):
        message, _err = run_failing("import_schools", str(tmp_path / "nope.csv"))
        assert "does not exist" in message

    def test_messages_follow_the_active_language_kazakh_by_default(self, tmp_path):
        path = csv_file(HEADER + f"{next_bin()},Мектеп,Школа,7112,,85.31,10,\n", tmp_path)
        err = io.StringIO()
        with pytest.raises(CommandError) as failure:
            call_command("import_schools", str(path), stdout=io.StringIO(), stderr=err)
        assert "ештеңе сақталмады" in str(failure.value)
        assert "2-жол" in err.getvalue()

    def test_only_an_operator_may_load_a_register_through_the_service(self, tmp_path, school_user, department_user, operator_user):
        content = (HEADER + f"{next_bin()},Мектеп,Школа,711210000,,85.31,10,\n").encode()
        for user in (school_user, department_user):
            with pytest.raises(PermissionDeniedError):
                register_import(kind=RegisterKind.SCHOOLS, transport=FileTransport(content), actor=user)
        load, _plan = register_import(kind=RegisterKind.SCHOOLS, transport=FileTransport(content), actor=operator_user)
        assert load.loaded_by == operator_user


LICENCE_HEADER = "bin,licence_number,issued_on,levels,status\n"


@pytest.mark.django_db
class ImportLicencesTests:
    def test_a_good_file_creates_licences_and_keeps_bins_outside_the_portal(self, tmp_path, school_a):
        outsider = next_bin()
        path = csv_file(LICENCE_HEADER + f"{school_a.bin},L-1,2019-05-01,primary;basic,active\n"
                                         f"{outsider},L-9,2020-01-01, general ; primary ,suspended\n", tmp_path)
        out, _err = run("import_registry", "licences", str(path))
        assert "2 new" in out and "1 row(s) name a BIN that is not a school of the portal" in out
        licence = Licence.objects.get(bin=school_a.bin)
        assert (licence.number, licence.issued_on, licence.levels, licence.status) == ("L-1", dt.date(2019, 5, 1), ["primary", "basic"], "active")
        assert Licence.objects.get(bin=outsider).levels == ["primary", "general"]
        history = SchoolChange.objects.get(bin=school_a.bin, kind=ChangeKind.LICENCE)
        assert history.subject == "L-1" and history.before == {} and history.after["status"] == "active"

    def test_licences_are_upserted_by_bin_and_number_with_their_history(self, tmp_path, school_a):
        make_licence(school_a, number="L-1", issued_on=dt.date(2019, 5, 1), levels=["primary"], status="active")
        path = csv_file(LICENCE_HEADER + f"{school_a.bin},L-1,2019-05-01,primary;basic,suspended\n"
                                         f"{school_a.bin},L-2,2021-01-01,general,active\n", tmp_path)
        out, _err = run("import_registry", "licences", str(path))
        assert "1 new, 1 changed, 0 unchanged" in out
        assert Licence.objects.filter(bin=school_a.bin).count() == 2
        licence = Licence.objects.get(bin=school_a.bin, number="L-1")
        assert (licence.levels, licence.status) == (["primary", "basic"], "suspended")
        change = SchoolChange.objects.get(bin=school_a.bin, subject="L-1")
        assert change.before == {"levels": "primary", "status": "active"}
        assert change.after == {"levels": "primary;basic", "status": "suspended"}

    def test_every_bad_licence_row_is_reported_and_nothing_is_saved(self, tmp_path, school_a):
        make_licence(school_a, number="L-1", status="active")
        before = snapshot()
        bad_bin = school_a.bin[:11] + str((int(school_a.bin[11]) + 1) % 10)
        path = csv_file(
            LICENCE_HEADER
            + f"{school_a.bin},L-1,2019-05-01,primary,revoked\n"  # 2: valid change
            + f"{bad_bin},L-2,2019-05-01,primary,active\n"  # 3
            + f"{school_a.bin},,2019-05-01,primary,active\n"  # 4
            + f"{school_a.bin},L-4,01.05.2019,primary,active\n"  # 5
            + f"{school_a.bin},L-5,2019-05-01,secondary,active\n"  # 6
            + f"{school_a.bin},L-6,2019-05-01,,active\n"  # 7
            + f"{school_a.bin},L-7,2019-05-01,basic,expired\n"  # 8
            + f"{school_a.bin},L-1,2019-05-01,basic,active\n",  # 9: repeats line 2's key
            tmp_path,
        )
        message, err = run_failing("import_registry", "licences", str(path))
        assert "7 error(s)" in message
        expected = {3: "check digit", 4: "licence number is required", 5: "YYYY-MM-DD", 6: "unknown level(s) secondary",
                    7: "at least one level", 8: "not a licence status", 9: "already on line 2"}
        for line, text in expected.items():
            assert any(row.startswith(f"line {line}") and text in row for row in err.splitlines()), (line, err)
        assert snapshot() == before

    def test_xlsx_dates_are_accepted(self, tmp_path, school_a):
        path = xlsx_file(["bin", "licence_number", "issued_on", "levels", "status"],
                         [[school_a.bin, "X-1", dt.date(2020, 2, 3), "general", "active"]], tmp_path)
        run("import_registry", "licences", str(path))
        assert Licence.objects.get(number="X-1").issued_on == dt.date(2020, 2, 3)

    def test_the_command_needs_a_file_or_http(self):
        message, _err = run_failing("import_registry", "licences")
        assert "either a FILE or --http" in message

    def test_http_without_a_configured_address_is_an_error(self, settings):
        settings.LICENCE_REGISTER_URL = ""
        message, _err = run_failing("import_registry", "licences", "--http")
        assert "LICENCE_REGISTER_URL" in message


RNU_HEADER = "bin,included_on,reason\n"


@pytest.mark.django_db
class ImportRnuTests:
    def test_entries_are_keyed_by_bin_and_date_of_inclusion(self, tmp_path, school_a):
        path = csv_file(RNU_HEADER + f"{school_a.bin},2024-03-01,court decision\n{school_a.bin},2025-01-10,second decision\n"
                                     f"{next_bin()},2024-06-01,\n", tmp_path)
        out, _err = run("import_registry", "rnu", str(path))
        assert "3 new" in out and "1 row(s) name a BIN" in out
        assert UnreliableSupplierEntry.objects.filter(bin=school_a.bin).count() == 2
        path = csv_file(RNU_HEADER + f"{school_a.bin},2024-03-01,court decision (appeal rejected)\n", tmp_path, name="2.csv")
        out, _err = run("import_registry", "rnu", str(path))
        assert "0 new, 1 changed" in out
        assert UnreliableSupplierEntry.objects.get(bin=school_a.bin, included_on=dt.date(2024, 3, 1)).reason == "court decision (appeal rejected)"

    def test_the_optional_excluded_on_column_ends_an_entry_and_its_absence_keeps_it(self, tmp_path, school_a):
        make_rnu(bin=school_a.bin, included_on=dt.date(2024, 3, 1), reason="r")
        path = csv_file("bin,included_on,reason,excluded_on\n" + f"{school_a.bin},2024-03-01,r,2025-03-01\n", tmp_path)
        run("import_registry", "rnu", str(path))
        entry = UnreliableSupplierEntry.objects.get(bin=school_a.bin)
        assert entry.excluded_on == dt.date(2025, 3, 1)
        path = csv_file(RNU_HEADER + f"{school_a.bin},2024-03-01,r\n", tmp_path, name="2.csv")
        out, _err = run("import_registry", "rnu", str(path))
        assert "1 unchanged" in out
        entry.refresh_from_db()
        assert entry.excluded_on == dt.date(2025, 3, 1)

    def test_every_bad_rnu_row_is_reported_and_nothing_is_saved(self, tmp_path):
        before = snapshot()
        good = next_bin()
        path = csv_file(
            "bin,included_on,reason,excluded_on\n"
            + f"{good},2024-03-01,ok,\n"
            + f"{good[:11]}{(int(good[11]) + 1) % 10},2024-03-01,r,\n"
            + f"{good},,r,\n"
            + f"{good},2024-03-01,again,\n"
            + f"{next_bin()},2024-03-01,r,2024-01-01\n"
            + f"{next_bin()},2024-02-30,r,\n",
            tmp_path,
        )
        message, err = run_failing("import_registry", "rnu", str(path))
        assert "5 error(s)" in message
        for line, text in {3: "check digit", 4: "a date is required", 5: "already on line 2", 6: "before the inclusion date",
                           7: "not a real calendar date"}.items():
            assert any(row.startswith(f"line {line}") and text in row for row in err.splitlines()), (line, err)
        assert snapshot() == before

    def test_a_bin_with_a_wrong_entity_digit_is_refused(self, tmp_path):
        odd = make_bin(20, 1, 77, entity="9")
        if odd is None:
            pytest.skip("no check digit for this body")
        path = csv_file(RNU_HEADER + f"{odd},2024-03-01,r\n", tmp_path)
        message, err = run_failing("import_registry", "rnu", str(path))
        assert "digit 5" in err


@pytest.mark.django_db(transaction=True)
class ConcurrentImportTests:
    """Real threads with their own connections (``transactional_db`` also puts the regions back)."""

    def test_two_simultaneous_loads_of_the_same_new_schools_create_each_school_once(self, transactional_db):
        content = (HEADER + "".join(f"{next_bin()},Мектеп {n},Школа {n},711210000,,85.31,10,\n" for n in range(20))).encode()
        results, errors = [], []
        barrier = threading.Barrier(2)

        def load():
            try:
                barrier.wait()
                results.append(register_import(kind=RegisterKind.SCHOOLS, transport=FileTransport(content))[0])
            except Exception as exc:  # noqa: BLE001 - the assertion below shows it
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=load) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == [], [getattr(error, "errors", error)[:2] for error in errors]
        assert School.objects.count() == 20
        assert sorted((load.created_count, load.unchanged_count) for load in results) == [(0, 20), (20, 0)]
