import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from checks.choices import CheckRunStatus, CheckRunTrigger
from checks.models import CheckRun
from checks.services import check_run_now
from contingent.choices import SnapshotStatus
from contingent.models import NobdSnapshot
from contingent.services.nobd import nobd_import, nobd_prune
from core.errors import DomainError
from core.tabular import FileFormatError, RowsInvalid
from tests.contingent.factories import D, birth_for_grade, iin_for, load_snapshot, state_bin, write_csv

HEADER = "iin,last_name,first_name,middle_name,birth_date,school_bin,grade,enrolled_on,left_on"


def good_row(grade: int = 3, *, school_bin: str | None = None, left_on: str = "") -> str:
    birth = birth_for_grade(grade)
    return f"{iin_for(birth)},Ахметов,Алихан,,{birth.isoformat()},{school_bin or state_bin()},{grade},2025-09-01,{left_on}"


def nobd_line(line: str) -> dict:
    return dict(zip(HEADER.split(","), line.split(","), strict=True))


def rows_in(snapshot) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contingent_nobdrow WHERE snapshot_id = %s", [snapshot.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
class NobdImportCommandTests:
    def test_a_good_file_becomes_a_snapshot_with_date_source_checksum_and_rows(self, tmp_path, capsys):
        path = tmp_path / "nobd.csv"
        path.write_text("\n".join([HEADER, good_row(), good_row(5), good_row(11, left_on="2025-10-01")]) + "\n", encoding="utf-8")
        call_command("nobd_import", str(path), "--date", "2025-11-20")
        snapshot = NobdSnapshot.objects.get()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert capsys.readouterr().out.strip() == f"snapshot {snapshot.pk} rows 3 sha256 {digest}"
        assert (snapshot.taken_on, snapshot.row_count, snapshot.sha256, snapshot.status) == (dt.date(2025, 11, 20), 3, digest, "ready")
        assert snapshot.source == str(path.resolve()) and rows_in(snapshot) == 3

    def test_the_date_defaults_to_today_and_columns_may_come_in_any_order(self, tmp_path):
        birth = birth_for_grade(2)
        path = tmp_path / "nobd.csv"
        path.write_text("\ufeffgrade,iin,school_bin,last_name,first_name,middle_name,birth_date,enrolled_on,left_on\r\n"
                        f"2,{iin_for(birth)},{state_bin()},Ким,Ли,,{birth.isoformat()},2025-09-01,\r\n", encoding="utf-8")
        call_command("nobd_import", str(path))
        snapshot = NobdSnapshot.objects.get()
        assert snapshot.taken_on == dt.date.today() and rows_in(snapshot) == 1

    def test_bad_rows_are_all_listed_with_line_numbers_and_nothing_changes(self, tmp_path, capsys):
        birth = birth_for_grade(3)
        iin = iin_for(birth)
        wrong_digit = iin[:11] + str((int(iin[11]) + 1) % 10)
        lines = [HEADER, good_row(),
                 f"{wrong_digit},Ахметов,Алихан,,{birth.isoformat()},{state_bin()},3,2025-09-01,",
                 f"{iin_for(birth)},Ахметов,Алихан,,{(birth + dt.timedelta(days=1)).isoformat()},{state_bin()},3,2025-09-01,",
                 f"{iin_for(birth)},Ахметов,Алихан,,{birth.isoformat()},123456789012,3,2025-09-01,",
                 f"{iin_for(birth)},Ахметов,Алихан,,{birth.isoformat()},{state_bin()},12,01.09.2025,2025-08-01",
                 good_row()]
        path = tmp_path / "bad.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with translation.override("en"), pytest.raises(CommandError):
            call_command("nobd_import", str(path))
        err = capsys.readouterr().err
        assert "line 3, iin:" in err and "fails its check digit" in err
        assert "line 4, birth_date:" in err and "encodes birth date" in err
        assert "line 5, school_bin:" in err
        assert "line 6, grade:" in err and "line 6, enrolled_on:" in err
        assert "line 2" not in err and "line 7" not in err
        assert NobdSnapshot.objects.count() == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'contingent_nobdstage_%%'")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT count(*) FROM contingent_nobdhistory")
            assert cursor.fetchone()[0] == 0

    def test_a_file_that_is_not_utf8_is_named_as_such_with_its_line(self, tmp_path):
        path = tmp_path / "cp1251.csv"
        path.write_bytes((HEADER + "\n" + good_row() + "\n" + good_row()).encode("cp1251") + b"\n")
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            nobd_import(path=path, taken_on=D)
        assert error.value.code == "bad_encoding" and "line 2" in str(error.value)
        assert NobdSnapshot.objects.count() == 0

    def test_wrong_columns_are_named(self, tmp_path):
        path = tmp_path / "columns.csv"
        path.write_text("iin,name,school_bin\n1,2,3\n", encoding="utf-8")
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            nobd_import(path=path, taken_on=D)
        assert error.value.code == "bad_columns" and "birth_date" in str(error.value) and "name" in str(error.value)

    def test_a_short_row_a_quoted_line_break_and_an_end_marker_are_refused(self, tmp_path):
        short = write_csv(tmp_path / "short.csv", [])
        short.write_text(HEADER + "\n" + good_row() + "\n1,2,3\n", encoding="utf-8")
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            nobd_import(path=short, taken_on=D)
        assert "line 3" in str(error.value) and error.value.code == "bad_width"
        broken = tmp_path / "broken.csv"
        birth = birth_for_grade(3)
        broken.write_text(HEADER + "\n" + good_row() + f'\n{iin_for(birth)},"Ахме\nтов",А,,{birth},{state_bin()},3,2025-09-01,\n',
                          encoding="utf-8")
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            nobd_import(path=broken, taken_on=D)
        assert "line 3" in str(error.value) and error.value.code == "line_break"
        marker = tmp_path / "marker.csv"
        marker.write_text(HEADER + "\n" + good_row() + "\n\\.\n" + good_row() + "\n", encoding="utf-8")
        with pytest.raises(FileFormatError) as error:
            nobd_import(path=marker, taken_on=D)
        assert error.value.code == "end_marker"
        assert NobdSnapshot.objects.count() == 0

    def test_a_missing_file_and_a_bad_date_exit_non_zero(self, tmp_path):
        with pytest.raises(CommandError):
            call_command("nobd_import", str(tmp_path / "missing.csv"))
        path = write_csv(tmp_path / "empty.csv", [])
        with pytest.raises(CommandError):
            call_command("nobd_import", str(path), "--date", "20-11-2025")

    def test_school_users_may_not_load_snapshots(self, tmp_path, school_user):
        path = write_csv(tmp_path / "empty.csv", [])
        with pytest.raises(DomainError):
            nobd_import(path=path, taken_on=D, actor=school_user)


@pytest.mark.django_db
class NobdRetentionTests:
    def test_only_the_newest_snapshots_keep_their_rows_and_all_keep_their_metadata(self, tmp_path, settings):
        settings.NOBD_SNAPSHOT_KEEP = 2
        kept, dropped = nobd_line(good_row()), nobd_line(good_row(5))
        first = load_snapshot(tmp_path, [kept, dropped], taken_on=D)
        second = load_snapshot(tmp_path, [kept], taken_on=D + dt.timedelta(days=1))
        third = load_snapshot(tmp_path, [kept], taken_on=D + dt.timedelta(days=2))
        first.refresh_from_db()
        assert first.status == SnapshotStatus.PRUNED and first.pruned_at is not None and first.sha256
        assert first.row_count == 2 and rows_in(first) == 0
        assert {s.status for s in (second, third)} == {SnapshotStatus.READY}
        assert (rows_in(second), rows_in(third)) == (1, 1)
        with connection.cursor() as cursor:  # the row only the pruned snapshot had is gone from the history
            cursor.execute("SELECT count(*) FROM contingent_nobdhistory")
            assert cursor.fetchone()[0] == 1

    def test_the_snapshot_of_the_latest_successful_run_and_of_a_running_run_are_kept(self, tmp_path, settings):
        settings.NOBD_SNAPSHOT_KEEP = 1
        checked = load_snapshot(tmp_path, [], taken_on=D)
        check_run_now(snapshot=checked)
        queued = load_snapshot(tmp_path, [], taken_on=D + dt.timedelta(days=1))
        CheckRun.objects.create(check_date=queued.taken_on, snapshot=queued, trigger=CheckRunTrigger.MANUAL,
                                status=CheckRunStatus.RUNNING)
        newest = load_snapshot(tmp_path, [], taken_on=D + dt.timedelta(days=2))
        statuses = dict(NobdSnapshot.objects.values_list("pk", "status"))
        assert statuses == {checked.pk: "ready", queued.pk: "ready", newest.pk: "ready"}
        CheckRun.objects.filter(snapshot=queued).update(status=CheckRunStatus.FAILED)
        assert nobd_prune() == [queued.pk]

    def test_pruning_waits_while_a_check_run_holds_the_lock(self, tmp_path, settings):
        from django.db import connections

        from core.locks import CHECK_RUN_LOCK

        settings.NOBD_SNAPSHOT_KEEP = 1
        other = connections.create_connection("default")
        other.connect()
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [CHECK_RUN_LOCK.key])
            load_snapshot(tmp_path, [], taken_on=D)
            load_snapshot(tmp_path, [], taken_on=D + dt.timedelta(days=1))
            assert NobdSnapshot.objects.filter(status=SnapshotStatus.READY).count() == 2
            with other.cursor() as cursor:  # released now (a closed session's locks go only when its backend ends)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [CHECK_RUN_LOCK.key])
        finally:
            other.close()
        assert len(nobd_prune()) == 1

    def test_a_run_on_a_pruned_snapshot_fails_rather_than_finding_every_pupil_missing(self, tmp_path, settings):
        from checks.engine import check_run_execute
        from checks.services import check_run_create

        settings.NOBD_SNAPSHOT_KEEP = 1
        old = load_snapshot(tmp_path, [], taken_on=D)
        load_snapshot(tmp_path, [], taken_on=D + dt.timedelta(days=1))
        old.refresh_from_db()
        assert old.status == SnapshotStatus.PRUNED
        run = check_run_create(trigger=CheckRunTrigger.COMMAND, snapshot=old)
        with pytest.raises(DomainError):
            check_run_execute(run=run)
        run.refresh_from_db()
        assert run.status == CheckRunStatus.FAILED


@pytest.mark.django_db
class RowsInvalidTests:
    def test_every_problem_of_a_row_is_reported(self, tmp_path):
        birth = birth_for_grade(3)
        path = tmp_path / "many.csv"
        path.write_text(HEADER + f"\nnonsense,,,,{birth},1,x,2025-13-01,yesterday\n", encoding="utf-8")
        with translation.override("en"), pytest.raises(RowsInvalid) as error:
            nobd_import(path=path, taken_on=D)
        columns = {e.column for e in error.value.errors}
        assert {"iin", "last_name", "first_name", "school_bin", "grade", "enrolled_on", "left_on"} <= columns
        assert all(e.line == 2 for e in error.value.errors)
