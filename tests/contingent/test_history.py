"""The NOBD history stored by change (``contingent.history``): every snapshot reads back as its file,
storage grows with the changes, and the checks of a past snapshot give the findings they gave then."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation

from checks.choices import LIVE_STATUSES
from checks.models import Finding
from checks.services import check_run_now
from contingent.history import HISTORY_TABLE
from contingent.models import NobdSnapshot
from contingent.services.nobd import CHECKS_FINGERPRINT, nobd_import
from core.tabular import RowsInvalid
from integrations.nobd import NOBD_COLUMNS
from tests.contingent.factories import D, load_snapshot, make_enrolment, nobd_row, state_bin
from tests.factories import make_school

DAY = dt.timedelta(days=1)


def rows_of(snapshot) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(NOBD_COLUMNS)} FROM contingent_nobdrow WHERE snapshot_id = %s", [snapshot.pk])
        return set(cursor.fetchall())


def as_tuples(rows: list[dict]) -> set[tuple]:
    return {tuple(str(row.get(name) or "") for name in NOBD_COLUMNS) for row in rows}


def history_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {HISTORY_TABLE}")
        return cursor.fetchone()[0]


@pytest.fixture
def home(region_astana):
    return make_school(region=region_astana, name="History school")


@pytest.fixture
def rival(region_astana):
    return make_school(region=region_astana, name="Rival school")


@pytest.mark.django_db
class NobdHistoryTests:
    def test_each_snapshot_reads_back_as_its_file_and_only_changes_are_stored(self, home, tmp_path):
        pupils = [make_enrolment(school=home, grade=grade).pupil for grade in (1, 2, 3, 4)]
        first = [nobd_row(pupil, school_bin=home.bin, grade=index + 1) for index, pupil in enumerate(pupils)]
        second = [dict(first[0], grade="5"), first[1], first[2]]  # one row changed, one gone
        third = [*second, nobd_row(pupils[3], school_bin=state_bin(), grade=4)]  # one row added
        snapshots = [load_snapshot(tmp_path, rows, taken_on=D + index * DAY) for index, rows in
                     enumerate((first, second, third))]
        for snapshot, rows in zip(snapshots, (first, second, third), strict=True):
            assert rows_of(snapshot) == as_tuples(rows)
        assert [(s.rows_added, s.rows_removed) for s in snapshots] == [(4, 0), (1, 2), (1, 0)]
        assert history_size() == 4 + 1 + 1  # not 4 + 3 + 4

    def test_an_unchanged_file_adds_nothing_and_empty_values_compare_alike_quoted_or_not(self, home, tmp_path):
        pupil = make_enrolment(school=home).pupil
        row = nobd_row(pupil, school_bin=home.bin, grade=3)
        load_snapshot(tmp_path, [row])
        quoted = tmp_path / "quoted.csv"
        quoted.write_text(",".join(NOBD_COLUMNS) + "\n" + ",".join(
            f'"{row[name]}"' for name in NOBD_COLUMNS) + "\n", encoding="utf-8")
        again = nobd_import(path=quoted, taken_on=D + DAY)
        assert (again.rows_added, again.rows_removed, again.row_count) == (0, 0, 1)
        assert rows_of(again) == as_tuples([row]) and history_size() == 1

    @pytest.mark.parametrize("column", NOBD_COLUMNS)
    def test_a_live_row_differing_in_one_column_only_is_closed_and_the_file_row_added(self, home, tmp_path, column):
        row = nobd_row(make_enrolment(school=home).pupil, school_bin=home.bin, grade=3)
        first = load_snapshot(tmp_path, [row])
        with connection.cursor() as cursor:  # the stored row now differs from the file's in this column only
            cursor.execute(f"UPDATE {HISTORY_TABLE} SET {column} = {column} || '0'")
        stored = dict(row, **{column: row[column] + "0"})
        again = load_snapshot(tmp_path, [row], taken_on=D + DAY)
        assert (again.rows_added, again.rows_removed) == (1, 1)
        assert rows_of(first) == as_tuples([stored]) and rows_of(again) == as_tuples([row])
        assert history_size() == 2

    def test_the_comparison_runs_with_its_own_work_mem_and_leaves_the_setting_as_it_was(self, home, tmp_path, settings):
        settings.NOBD_COMPARE_WORK_MEM = "3MB"
        row = nobd_row(make_enrolment(school=home).pupil, school_bin=home.bin, grade=3)
        load_snapshot(tmp_path, [row])
        seen = []

        def during_compare(execute, sql, params, many, context):
            if "nobd_difference ON COMMIT DROP AS" in sql:
                context["cursor"].execute("SHOW work_mem")
                seen.append(context["cursor"].fetchone()[0])
            return execute(sql, params, many, context)

        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            before = cursor.fetchone()[0]
        with connection.execute_wrapper(during_compare):
            load_snapshot(tmp_path, [row, dict(row, grade="4")], taken_on=D + DAY)
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            assert cursor.fetchone()[0] == before != "3MB"
        assert seen == ["3MB"]

    def test_a_row_repeated_in_the_file_is_counted_by_the_file_and_stored_once(self, home, tmp_path):
        row = nobd_row(make_enrolment(school=home).pupil, school_bin=home.bin, grade=3)
        snapshot = load_snapshot(tmp_path, [row, row])
        assert snapshot.row_count == 2 and rows_of(snapshot) == as_tuples([row]) and history_size() == 1

    def test_a_failed_import_leaves_the_history_as_it_was(self, home, tmp_path):
        row = nobd_row(make_enrolment(school=home).pupil, school_bin=home.bin, grade=3)
        load_snapshot(tmp_path, [row])
        bad = dict(row, grade="13", enrolled_on="2025-02-30")
        with translation.override("en"), pytest.raises(RowsInvalid) as error:
            load_snapshot(tmp_path, [row, bad])
        assert {(e.line, e.column) for e in error.value.errors} == {(3, "grade"), (3, "enrolled_on")}
        assert NobdSnapshot.objects.count() == 1 and history_size() == 1

    def test_only_new_rows_are_checked_again_unless_the_checks_changed(self, home, tmp_path):
        row = nobd_row(make_enrolment(school=home).pupil, school_bin=home.bin, grade=3)
        first = load_snapshot(tmp_path, [row])
        assert first.checked_with == CHECKS_FINGERPRINT
        # A row an earlier version of the checks let in: the same checks do not look at it again …
        wrong = dict(row, iin=row["iin"][:11] + str((int(row["iin"][11]) + 1) % 10))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {HISTORY_TABLE} (valid_from, {', '.join(NOBD_COLUMNS)}) "
                           f"VALUES (%s, {', '.join(['%s'] * len(NOBD_COLUMNS))})",
                           [first.pk, *(wrong[name] for name in NOBD_COLUMNS)])
        load_snapshot(tmp_path, [row, wrong])
        # … but once the checks are not the ones that accepted the live rows, every row is checked.
        NobdSnapshot.objects.update(checked_with="an older version of the checks")
        with pytest.raises(RowsInvalid) as error:
            load_snapshot(tmp_path, [row, wrong])
        assert [(e.line, e.column) for e in error.value.errors] == [(3, "iin")]


def produced(run) -> set[tuple]:
    """What one run found: code, subject and details of each live finding it produced."""
    return {(f.code, f.subject_key, repr(sorted(f.details.items())))
            for f in Finding.objects.filter(last_run=run, status__in=LIVE_STATUSES)}


@pytest.mark.django_db
class PastSnapshotsReproducibleTests:
    def test_the_checks_of_a_past_snapshot_give_the_findings_they_gave_then(self, home, rival, tmp_path):
        a, b, c, d = (make_enrolment(school=home, grade=grade) for grade in (2, 3, 4, 5))
        other = state_bin()

        def row(enrolment, **changes):
            values = {"school_bin": home.bin, "grade": enrolment.grade, "enrolled_on": enrolment.enrolled_on}
            values.update(changes)
            return nobd_row(enrolment.pupil, **values)

        files = [
            # D: b at a state school (P03), c left per NOBD (P04), d unknown to NOBD (P02)
            [row(a), row(b, school_bin=other), row(c, left_on=D - 30 * DAY)],
            # D+1: a's grade differs (P06); b, c and d as in the contingent
            [row(a, grade=a.grade + 1), row(b), row(c), row(d)],
            # D+2: a gone (P02), b at the rival portal school (P03), c and d unchanged
            [row(b, school_bin=rival.bin), row(c), row(d)],
        ]
        snapshots, found = [], []
        for index, rows in enumerate(files):
            snapshots.append(load_snapshot(tmp_path, rows, taken_on=D + index * DAY))
            found.append(produced(check_run_now(snapshot=snapshots[-1])))
        assert len({frozenset(f) for f in found}) == 3  # three different pictures
        assert {code for code, *_ in found[0]} >= {"P02", "P03", "P04"}
        for index in (0, 1):
            assert produced(check_run_now(snapshot=snapshots[index])) == found[index]
        assert history_size() < sum(len(rows) for rows in files)
