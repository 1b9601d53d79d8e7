import datetime as dt
import io
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from contingent.models import ContingentImport, Enrolment, Pupil
from contingent.services.imports import contingent_import
from core.errors import DomainError
from core.exports import xlsx_bytes
from core.selectors import audit_events_for
from core.tabular import FileFormatError, RowsInvalid
from tests.contingent.factories import birth_for_grade, iin_for, make_enrolment, make_pupil
from tests.factories import make_school

COLUMNS = "iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category"


def row(grade=3, *, iin=None, birth=None, enrolled="2025-09-01", left="", category="regular", last="Ахметов", first="Алихан"):
    birth = birth or birth_for_grade(grade)
    return f"{iin or iin_for(birth)},{last},{first},,{birth.isoformat()},{grade},{enrolled},{left},{category}"


def csv_file(tmp_path, lines, name="contingent.csv", header=COLUMNS):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
class SchoolFileTests:
    def test_a_schools_file_is_loaded_and_reported(self, tmp_path, school_a, capsys):
        path = csv_file(tmp_path, [row(1), row(5, category="sen"), row(10, left="2025-10-15")])
        call_command("import_contingent", str(path), "--school", school_a.bin)
        assert "rows 3 schools 1 pupils added 3" in capsys.readouterr().out
        enrolments = Enrolment.objects.filter(school=school_a).order_by("grade")
        assert [(e.grade, e.category, e.left_on) for e in enrolments] == [
            (1, "regular", None), (5, "sen", None), (10, "regular", dt.date(2025, 10, 15))]
        record = ContingentImport.objects.get()
        assert record.status == "applied" and record.school == school_a and len(record.sha256) == 64
        assert audit_events_for(subject=record).last().action == "contingent_imported"

    def test_rows_are_upserted_by_school_iin_and_enrolment_date(self, tmp_path, school_a):
        birth = birth_for_grade(3)
        iin = iin_for(birth)
        contingent_import(source=csv_file(tmp_path, [row(3, iin=iin, birth=birth)], "first.csv"), school=school_a)
        record = contingent_import(source=csv_file(tmp_path, [
            row(4, iin=iin, birth=birth, left="2026-01-10", last="Ахметова"),  # same key: updated
            row(2),  # a new pupil
        ], "second.csv"), school=school_a)
        assert record.summary["enrolments_added"] == 1 and record.summary["enrolments_updated"] == 1
        assert record.summary["pupils_updated"] == 1
        enrolment = Enrolment.objects.get(pupil__iin=iin)
        assert (enrolment.grade, enrolment.left_on, enrolment.pupil.last_name) == (4, dt.date(2026, 1, 10), "Ахметова")
        assert Enrolment.objects.count() == 2
        again = contingent_import(source=csv_file(tmp_path, [row(4, iin=iin, birth=birth, left="2026-01-10", last="Ахметова")], "third.csv"),
                                  school=school_a)
        assert again.summary["unchanged_enrolments"] == 1 and again.summary["enrolments_updated"] == 0

    def test_bad_rows_are_all_listed_with_line_numbers_and_nothing_is_saved(self, tmp_path, school_a, capsys):
        birth = birth_for_grade(3)
        iin = iin_for(birth)
        lines = [
            row(1),
            row(3, iin=iin[:11] + str((int(iin[11]) + 1) % 10), birth=birth),  # 3: check digit
            row(3, iin=iin_for(birth), birth=birth + dt.timedelta(days=1)),  # 4: IIN disagrees with the birth date
            row(12),  # 5: grade
            row(3, enrolled="2025-09-01", left="2025-08-01"),  # 6: left before enrolled
            row(3, category="vip"),  # 7: category
            f"{iin_for(birth)},,Алихан,,{birth},3,01/09/2025,,regular",  # 8: last name, date
            "1,2,3",  # 9: width
        ]
        with translation.override("en"), pytest.raises(CommandError):
            call_command("import_contingent", str(csv_file(tmp_path, lines)), "--school", school_a.bin)
        err = capsys.readouterr().err
        for expected in ["line 3, iin", "line 4, birth_date", "line 5, grade", "line 6, left_on", "line 7, category",
                         "line 8, last_name", "line 8, enrolled_on", "line 9:"]:
            assert expected in err, expected
        assert "line 2" not in err
        assert Pupil.objects.count() == Enrolment.objects.count() == ContingentImport.objects.count() == 0

    def test_the_same_pupil_and_date_twice_a_name_conflict_and_overlaps_are_refused(self, tmp_path, school_a):
        birth = birth_for_grade(3)
        iin = iin_for(birth)
        lines = [
            row(3, iin=iin, birth=birth),
            row(3, iin=iin, birth=birth),  # 3: same key as line 2
            row(3, iin=iin, birth=birth, enrolled="2025-10-01", last="Другой"),  # 4: another name, and overlaps line 2
        ]
        with translation.override("en"), pytest.raises(RowsInvalid) as error:
            contingent_import(source=csv_file(tmp_path, lines), school=school_a)
        messages = {(e.line, e.column): e.message for e in error.value.errors}
        assert "line 2" in messages[(3, "enrolled_on")]
        assert "different name" in messages[(4, "last_name")]
        assert any(e.line == 4 and "overlaps the one on line 2" in e.message for e in error.value.errors)

    def test_an_enrolment_overlapping_one_already_saved_is_refused(self, tmp_path, school_a):
        existing = make_enrolment(school=school_a, enrolled_on=dt.date(2025, 9, 1))
        pupil = existing.pupil
        lines = [row(3, iin=pupil.iin, birth=pupil.birth_date, enrolled="2025-11-01", last=pupil.last_name, first=pupil.first_name)]
        with translation.override("en"), pytest.raises(RowsInvalid) as error:
            contingent_import(source=csv_file(tmp_path, lines), school=school_a)
        assert "from 2025-09-01 to now" in error.value.errors[0].message
        closing = [row(3, iin=pupil.iin, birth=pupil.birth_date, enrolled="2025-09-01", left="2025-10-31",
                       last=pupil.last_name, first=pupil.first_name)] + lines
        contingent_import(source=csv_file(tmp_path, closing, "closing.csv"), school=school_a)  # closes it, then re-enrols
        assert Enrolment.objects.filter(pupil=pupil).count() == 2

    def test_a_school_bin_column_must_name_the_school(self, tmp_path, school_a, school_b):
        lines = [row(1) + f",{school_a.bin}", row(2) + f",{school_b.bin}"]
        with translation.override("en"), pytest.raises(RowsInvalid) as error:
            contingent_import(source=csv_file(tmp_path, lines, header=COLUMNS + ",school_bin"), school=school_a)
        assert [e.line for e in error.value.errors] == [3]

    def test_wrong_encoding_and_wrong_columns_are_named(self, tmp_path, school_a):
        path = tmp_path / "cp1251.csv"
        path.write_bytes(("\n".join([COLUMNS, row(1), row(2)]) + "\n").encode("cp1251"))
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            contingent_import(source=path, school=school_a)
        assert error.value.code == "bad_encoding" and "line 2" in str(error.value)
        with translation.override("en"), pytest.raises(FileFormatError) as error:
            contingent_import(source=csv_file(tmp_path, [row(1)], header="iin,name,grade"), school=school_a)
        assert error.value.code == "bad_columns" and "birth_date" in str(error.value)

    def test_an_xlsx_file_is_read_like_csv(self, school_a):
        birth = birth_for_grade(6)
        content = xlsx_bytes(COLUMNS.split(","), [[iin_for(birth), "Ким", "Ли", None, birth, 6, dt.date(2025, 9, 1), None, "sen"]])
        upload = io.BytesIO(content)
        upload.name = "contingent.xlsx"
        contingent_import(source=upload, school=school_a)
        assert Enrolment.objects.get().category == "sen"


@pytest.mark.django_db
class BulkFileTests:
    def test_a_bulk_file_covers_many_schools_by_their_bin(self, tmp_path, school_a, school_b, capsys):
        lines = [row(1) + f",{school_a.bin}", row(2) + f",{school_b.bin}", row(3) + f",{school_b.bin}"]
        call_command("import_contingent", str(csv_file(tmp_path, lines, header=COLUMNS + ",school_bin")))
        assert "rows 3 schools 2" in capsys.readouterr().out
        assert Enrolment.objects.filter(school=school_b).count() == 2
        assert ContingentImport.objects.get().school is None

    def test_an_unknown_or_invalid_bin_is_refused_with_its_line(self, tmp_path, school_a, region_astana):
        from tests.factories import next_bin

        lines = [row(1) + f",{school_a.bin}", row(2) + f",{next_bin()}", row(3) + ",123456789012"]
        with translation.override("en"), pytest.raises(RowsInvalid) as error:
            contingent_import(source=csv_file(tmp_path, lines, header=COLUMNS + ",school_bin"), school=None)
        by_line = {e.line: e for e in error.value.errors}
        assert "no school with BIN" in by_line[3].message and by_line[4].column == "school_bin"
        assert Enrolment.objects.count() == 0

    def test_a_bulk_file_without_school_bin_is_refused(self, tmp_path):
        with pytest.raises(FileFormatError):
            contingent_import(source=csv_file(tmp_path, [row(1)]), school=None)

    def test_a_school_user_may_load_only_its_own_contingent(self, tmp_path, school_user, school_b):
        path = csv_file(tmp_path, [row(1)])
        with pytest.raises(DomainError):
            contingent_import(source=path, school=school_b, actor=school_user)
        with pytest.raises(DomainError):
            contingent_import(source=csv_file(tmp_path, [row(1) + f",{school_b.bin}"], "bulk.csv", COLUMNS + ",school_bin"),
                              school=None, actor=school_user)
        contingent_import(source=path, school=school_user.school, actor=school_user)
        assert Enrolment.objects.filter(school=school_user.school).count() == 1

    def test_an_unknown_school_option_exits_non_zero(self, tmp_path):
        with pytest.raises(CommandError):
            call_command("import_contingent", str(csv_file(tmp_path, [row(1)])), "--school", "000000000000")


@pytest.mark.django_db
class NoOverlapTriggerTests:
    def test_the_database_refuses_overlapping_enrolments_of_a_pupil_at_one_school(self, region_astana):
        school = make_school(region=region_astana, name="Trigger school")
        pupil = make_pupil()
        make_enrolment(school=school, pupil=pupil, enrolled_on=dt.date(2025, 9, 1), left_on=dt.date(2025, 12, 31))
        with pytest.raises(IntegrityError), transaction.atomic():
            make_enrolment(school=school, pupil=pupil, enrolled_on=dt.date(2025, 12, 31))
        make_enrolment(school=school, pupil=pupil, enrolled_on=dt.date(2026, 1, 1))  # the day after: fine
        other = make_school(region=region_astana, name="Another school")
        make_enrolment(school=other, pupil=pupil, enrolled_on=dt.date(2025, 10, 1))  # another school: the checks' business (P05)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE contingent_enrolment SET left_on = NULL WHERE school_id = %s", [school.pk])


@contextmanager
def rows_handled():
    """What every SELECT of the block costs, in rows: EXPLAIN ANALYZE of each, summing over every plan
    node the rows it produced and the rows its filters threw away (both per loop, times the loops)."""
    work = []

    def node_work(node) -> int:
        loops = node.get("Actual Loops", 1)
        own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Join Filter", 0)
        return own * loops + sum(node_work(child) for child in node.get("Plans", []))

    def explain_first(execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            cursor = context["cursor"]
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            work.append(node_work(cursor.fetchone()[0][0]["Plan"]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain_first):
        yield work


@pytest.mark.django_db
class LinearChecksTests:
    """Defect 1 of issue 11: N identical rows (same IIN and enrolment date) took quadratic time."""

    def work_for(self, tmp_path, school, count: int) -> int:
        birth = birth_for_grade(3)
        line = row(3, iin=iin_for(birth), birth=birth)
        with rows_handled() as work, pytest.raises(RowsInvalid):
            contingent_import(source=csv_file(tmp_path, [line] * count, f"same-{count}.csv"), school=school)
        return sum(work)

    def test_the_checks_of_identical_rows_grow_linearly(self, tmp_path, school_a):
        small, large = self.work_for(tmp_path, school_a, 1500), self.work_for(tmp_path, school_a, 3000)
        assert large < 2.5 * small, (small, large)  # quadratic work would be four times as much

    def test_the_checks_of_one_pupils_many_short_enrolments_grow_linearly(self, tmp_path, school_a):
        birth = birth_for_grade(3)
        iin = iin_for(birth)

        def work(count: int) -> int:
            days = [dt.date(2000, 1, 1) + dt.timedelta(days=2 * n) for n in range(count)]
            lines = [row(3, iin=iin, birth=birth, enrolled=day.isoformat(), left=day.isoformat()) for day in days]
            lines.append(row(3, iin=iin, birth=birth, enrolled="2000-01-01", left="2000-01-01"))  # one repeat: refused
            with rows_handled() as handled, pytest.raises(RowsInvalid):
                contingent_import(source=csv_file(tmp_path, lines, f"short-{count}.csv"), school=school_a)
            return sum(handled)

        small, large = work(1500), work(3000)
        assert large < 2.5 * small, (small, large)


@pytest.mark.django_db
class NoOverlapTriggerScaleTests:
    def test_many_short_enrolments_of_one_pupil_are_saved_and_one_overlap_among_them_is_refused(self, region_astana):
        school = make_school(region=region_astana, name="Short stays")
        pupil = make_pupil()
        days = [dt.date(2000, 1, 1) + dt.timedelta(days=2 * n) for n in range(2000)]
        Enrolment.objects.bulk_create([Enrolment(school=school, pupil=pupil, grade=3, enrolled_on=day, left_on=day) for day in days])
        assert Enrolment.objects.filter(pupil=pupil).count() == 2000
        with pytest.raises(IntegrityError, match="overlap"), transaction.atomic():
            Enrolment.objects.create(school=school, pupil=pupil, grade=3, enrolled_on=days[1000] - dt.timedelta(days=1),
                                     left_on=days[1000])
