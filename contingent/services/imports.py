"""``import_contingent`` and the contingent upload with preview.

A contingent file is read with ``core.tabular`` (CSV or XLSX, line numbers, encoding and
column errors), streamed with ``COPY`` into a temporary staging table, and checked there
set-based:

* every row against the row rules (``contingent.sql.row_check``; wrong rows come back to
  ``contingent.validation`` to be explained);
* the school of each row: the ``--school`` one, or the row's ``school_bin`` in the portal;
* across rows: the same pupil and enrolment date twice; one IIN with different names;
  enrolments of one pupil at one school that would overlap (within the file, or with what
  the school already has).

Only a file without a single problem is merged, with two ``INSERT … ON CONFLICT`` statements
(pupils by IIN, enrolments by school, pupil and enrolment date): all or nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contingent.choices import ContingentImportEvent, ImportStatus
from contingent.loading import CHUNK, copy_rows
from contingent.models import ContingentImport
from contingent.sql import row_check
from contingent.validation import STAGING_COLUMNS, file_columns, row_problems
from core.errors import ConflictError, DomainError
from core.outbox import enqueue
from core.scoping import require
from core.services import audit_record
from core.tabular import Row, RowError, RowErrors, RowsInvalid, read_rows, row_width_error
from core.workflow import status_allows, transition_apply
from programmes.choices import BeneficiaryKind
from programmes.instruments import instrument_of_kind

STAGING = "contingent_import_staging"
IMPORT_LOCK = 730_121  # one contingent merge at a time
PREVIEW_ROWS = 50
PROGRESS_EVERY = 25_000  # rows between two progress reports while a file is read
PROGRESS_TTL = 6 * 3600
RUNNING_STATUSES = (ImportStatus.CHECKING, ImportStatus.APPLYING)
KEPT_ROWS_PREFIX = "contingent_upload_rows_"  # + the upload's id: its checked rows, until it is applied or discarded
SLOT = 1 << 40  # more periods than one pupil can have at one school (file rows + saved enrolments)


@dataclass
class Checked:
    """What the checks of one file found (the staging table is still there)."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    preview: list[dict] = field(default_factory=list)


def _ensure_kind(school, kind: str) -> None:
    """The beneficiaries of ``kind`` are listed by providers of the instrument's kinds (pupils by schools, …)."""
    if kind not in BeneficiaryKind.values:
        raise DomainError(_("Unknown beneficiary kind."), field="kind", code="unknown_kind")
    if school is not None and school.kind not in instrument_of_kind(kind).provider_kinds:
        raise DomainError(_("A “%(provider)s” does not list beneficiaries of the kind “%(kind)s”.")
                          % {"provider": school.get_kind_display(), "kind": BeneficiaryKind(kind).label},
                          field="kind", code="kind_not_listed")


def _sha256(source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    else:
        source.seek(0)
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
        source.seek(0)
    return digest.hexdigest()


def _create_staging(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    columns = ", ".join(f"{name} text" for name in STAGING_COLUMNS)
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} (line integer PRIMARY KEY, {columns}, school_id bigint) ON COMMIT DROP")


def _index_staging(cursor, *, analyze: bool) -> None:
    """The checks across rows group and join the staged rows by school, IIN and enrolment date."""
    cursor.execute(f"CREATE INDEX ON {STAGING} (school_id, iin, enrolled_on)")
    if analyze:
        cursor.execute(f"ANALYZE {STAGING}")


def _kept_rows_table(record_id: int) -> str:
    return f"{KEPT_ROWS_PREFIX}{int(record_id)}"


def _keep_rows(cursor, record_id: int) -> None:
    """Keep the checked rows of an upload until it is confirmed (or discarded): applying it then
    reads no file again and re-validates no row; only what depends on the portal's data is checked again."""
    table = _kept_rows_table(record_id)
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE UNLOGGED TABLE {table} AS SELECT * FROM {STAGING}")


def _restore_rows(cursor, record: ContingentImport) -> bool:
    """The kept rows of ``record`` back into the staging table; False if they are gone or incomplete
    (an unlogged table is emptied after a database crash): the file is then read and checked again."""
    table = _kept_rows_table(record.pk)
    cursor.execute("SELECT to_regclass(%s)", [table])
    if cursor.fetchone()[0] is None:
        return False
    cursor.execute(f"SELECT count(*) FROM {table}")
    if cursor.fetchone()[0] != record.row_count:
        return False
    cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} ON COMMIT DROP AS SELECT * FROM {table}")
    cursor.execute(f"ANALYZE {STAGING}")
    _index_staging(cursor, analyze=False)
    return True


def _drop_kept_rows(record_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_kept_rows_table(record_id)}")


def _rows_without_width_errors(rows: Iterator[Row], columns: list[str], errors: RowErrors) -> Iterator[Row]:
    for row in rows:
        problem = row_width_error(row, columns)
        if problem:
            errors.add(row.line, None, problem)
            continue
        yield row


def _explain_rows(cursor, columns: list[str], joins: str, condition: str, kind: str) -> list[RowError]:
    cursor.execute(
        f"SELECT t.line, {', '.join(f't.{name}' for name in columns)} FROM {STAGING} t {joins} "
        f"WHERE {condition} ORDER BY t.line LIMIT 1000"
    )
    errors = []
    for line, *values in cursor.fetchall():
        problems = row_problems(dict(zip(columns, values, strict=True)), columns=columns, kind=kind) or [
            (None, _("the row does not pass the database's check"))
        ]
        errors.extend(RowError(line, column, message) for column, message in problems)
    return errors


def _cross_row_errors(cursor, kind: str) -> list[RowError]:
    """Problems between rows of the file, and with the enrolments already in the portal."""
    errors = []
    cursor.execute(f"""
        SELECT line, first_line FROM (
            SELECT line, min(line) OVER (PARTITION BY school_id, iin, enrolled_on) AS first_line FROM {STAGING}
        ) AS keyed WHERE line <> first_line ORDER BY line LIMIT 1000""")
    for line, first in cursor.fetchall():
        errors.append(RowError(line, "enrolled_on", _("the same pupil (IIN) and enrolment date as line %(line)s") % {"line": first}))
    cursor.execute(f"""
        SELECT line, first_line FROM (
            SELECT line, last_name, first_name, coalesce(middle_name, '') AS middle_name,
                   first_value(line) OVER w AS first_line,
                   first_value(last_name) OVER w AS first_last, first_value(first_name) OVER w AS first_first,
                   first_value(coalesce(middle_name, '')) OVER w AS first_middle
              FROM {STAGING} WINDOW w AS (PARTITION BY iin ORDER BY line)
        ) AS named
        WHERE (last_name, first_name, middle_name) IS DISTINCT FROM (first_last, first_first, first_middle)
        ORDER BY line LIMIT 1000""")
    for line, first in cursor.fetchall():
        errors.append(RowError(line, "last_name", _("the same IIN as line %(line)s with a different name") % {"line": first}))
    return errors + _overlap_errors(cursor, kind)


def _overlap_errors(cursor, kind: str) -> list[RowError]:
    """Enrolments of the file that would overlap another of the same pupil at the same school.

    The one check of a file that depends on what the portal holds: it is made again when a
    checked upload is applied.
    """
    errors = []
    # Periods of one pupil at one school after the merge: the file's rows (one per enrolment date;
    # repeated dates are reported above), plus the existing enrolments the file does not replace.
    # Sorted by start, a period overlaps an earlier one exactly when it starts on or before the
    # latest end among the periods before it, and a later one when the next period starts on or
    # before its own end: two window passes over sorted rows, never a join of a pupil's periods
    # with each other (N rows of one pupil used to make N² pairs). The partner named in the
    # message is the earlier period with that latest end, or the next one; ``SLOT`` packs
    # (end, position) into one number so that one max() finds both.
    cursor.execute(f"""
        WITH file AS (
            SELECT DISTINCT ON (school_id, iin, enrolled_on)
                   line, school_id, iin, enrolled_on::date AS starts, nullif(left_on, '')::date AS ends
              FROM {STAGING} ORDER BY school_id, iin, enrolled_on, line
        ),
        kept AS (
            SELECT NULL::integer AS line, e.school_id, p.iin, e.enrolled_on AS starts, e.left_on AS ends
              FROM (SELECT DISTINCT school_id, iin FROM file) AS pupils
              JOIN contingent_pupil p ON p.iin = pupils.iin
              JOIN contingent_enrolment e ON e.pupil_id = p.id AND e.school_id = pupils.school_id AND e.kind = %(kind)s
             WHERE NOT EXISTS (SELECT 1 FROM file f WHERE f.school_id = e.school_id AND f.iin = p.iin
                                                      AND f.starts = e.enrolled_on)
        ),
        periods AS (
            SELECT line, school_id, iin, starts, ends,
                   (coalesce(ends, DATE '9999-12-31') - DATE '1800-01-01')::bigint AS until,
                   (starts - DATE '1800-01-01')::bigint AS since,
                   row_number() OVER (PARTITION BY school_id, iin ORDER BY starts) AS position
              FROM (SELECT * FROM file UNION ALL SELECT * FROM kept) AS both_kinds
        ),
        scanned AS (
            SELECT line, school_id, iin, since, until, position,
                   max(until * {SLOT} + position) OVER (PARTITION BY school_id, iin ORDER BY position
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_before,
                   lead(since) OVER (PARTITION BY school_id, iin ORDER BY position) AS next_since
              FROM periods
        ),
        clashes AS (
            SELECT line, school_id, iin,
                   CASE WHEN latest_before / {SLOT} >= since THEN latest_before %% {SLOT} ELSE position + 1 END AS partner
              FROM scanned
             WHERE line IS NOT NULL AND (latest_before / {SLOT} >= since OR next_since <= until)
        )
        SELECT c.line, o.line, o.starts, o.ends
          FROM clashes c JOIN periods o ON o.school_id = c.school_id AND o.iin = c.iin AND o.position = c.partner
         ORDER BY c.line LIMIT 1000""", {"kind": kind})
    for line, other_line, starts, ends in cursor.fetchall():
        if other_line is not None:
            message = _("the enrolment overlaps the one on line %(line)s (the same pupil at the same school)") % {"line": other_line}
        else:
            message = _("the enrolment overlaps the pupil's enrolment at this school from %(start)s to %(end)s") % {
                "start": starts.isoformat(), "end": ends.isoformat() if ends else _("now"),
            }
        errors.append(RowError(line, "enrolled_on", message))
    return errors


# What an existing enrolment and a staged row are compared on (changed or unchanged).
EXISTING = "(e.grade, e.category, e.left_on, e.specialty_group)"
STAGED = ("(nullif(s.grade, '')::smallint, coalesce(nullif(s.category, ''), 'regular'), nullif(s.left_on, '')::date, "
          "coalesce(s.specialty_group, ''))")


def _summary(cursor, kind: str) -> dict:
    cursor.execute(f"""
        SELECT count(*),
               count(DISTINCT s.school_id),
               count(DISTINCT s.iin) FILTER (WHERE p.id IS NULL),
               count(*) FILTER (WHERE e.id IS NULL),
               count(*) FILTER (WHERE e.id IS NOT NULL AND {EXISTING} IS DISTINCT FROM {STAGED}),
               count(*) FILTER (WHERE e.id IS NOT NULL AND {EXISTING} IS NOT DISTINCT FROM {STAGED})
          FROM {STAGING} s
          LEFT JOIN contingent_pupil p ON p.iin = s.iin
          LEFT JOIN contingent_enrolment e ON e.pupil_id = p.id AND e.school_id = s.school_id AND e.kind = %(kind)s
                                           AND e.enrolled_on = s.enrolled_on::date""", {"kind": kind})
    rows, schools, new_pupils, new_enrolments, changed, unchanged = cursor.fetchone()
    return {"rows": rows, "schools": schools, "new_pupils": new_pupils, "new_enrolments": new_enrolments,
            "changed_enrolments": changed, "unchanged_enrolments": unchanged}


def _preview(cursor, kind: str) -> list[dict]:
    cursor.execute(f"""
        SELECT s.line, s.iin, s.last_name, s.first_name, coalesce(s.middle_name, ''), s.birth_date, coalesce(s.grade, ''),
               s.enrolled_on, coalesce(s.left_on, ''), coalesce(nullif(s.category, ''), 'regular'),
               coalesce(s.specialty_group, ''), sc.bin,
               CASE WHEN e.id IS NULL THEN 'new' WHEN {EXISTING} IS DISTINCT FROM {STAGED} THEN 'changed'
                    ELSE 'unchanged' END
          FROM {STAGING} s
          JOIN schools_school sc ON sc.id = s.school_id
          LEFT JOIN contingent_pupil p ON p.iin = s.iin
          LEFT JOIN contingent_enrolment e ON e.pupil_id = p.id AND e.school_id = s.school_id AND e.kind = %(kind)s
                                           AND e.enrolled_on = s.enrolled_on::date
         ORDER BY s.line LIMIT %(limit)s""", {"kind": kind, "limit": PREVIEW_ROWS})
    keys = ["line", "iin", "last_name", "first_name", "middle_name", "birth_date", "grade", "enrolled_on", "left_on",
            "category", "specialty_group", "school_bin", "change"]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def _counted(rows: Iterator[Row], progress) -> Iterator[Row]:
    for count, row in enumerate(rows, start=1):
        if count % PROGRESS_EVERY == 0:
            progress(stage="reading", rows=count)
        yield row


def _check(source, *, school, kind: str = BeneficiaryKind.PUPIL, progress=None) -> Checked:
    """Stage and check the file; run inside a transaction (the staging table lives until commit).

    ``progress(stage=…, rows=…)``, when given, hears how far the check has come.
    """
    progress = progress or (lambda **_info: None)
    own_columns = file_columns(kind)
    columns = own_columns if school is not None else [*own_columns, "school_bin"]
    optional = ["school_bin"] if school is not None else []
    width_errors = RowErrors()
    checked = Checked()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
        _create_staging(cursor)
        if school is not None:  # every row is this school's (rows naming another are refused below)
            cursor.execute(f"ALTER TABLE {STAGING} ALTER COLUMN school_id SET DEFAULT {int(school.pk)}")
        progress(stage="reading", rows=0)
        rows = _rows_without_width_errors(read_rows(source, columns=columns, optional=optional, excel=True),  # a school's own file
                                          columns + optional, width_errors)
        checked.rows = copy_rows(cursor, rows=_counted(rows, progress), table=STAGING, columns=STAGING_COLUMNS)
        progress(stage="checking", rows=checked.rows)
        # Temporary tables get no statistics by themselves (autovacuum never sees them): without
        # them the planner takes the file for a few rows and may loop over it for every row.
        cursor.execute(f"ANALYZE {STAGING}")
        checked.errors.extend(width_errors.errors)
        joins, valid = row_check("t", category=True, school_bin=school is None, name_limit=True, kind=kind)
        checked.errors.extend(_explain_rows(cursor, columns, joins, f"NOT {valid}", kind))
        if school is not None:
            # A school_bin column is allowed in a one-school file, but only with that school's BIN.
            cursor.execute(f"SELECT line, school_bin FROM {STAGING} WHERE coalesce(school_bin, '') NOT IN ('', %s) "
                           f"ORDER BY line LIMIT 1000", [school.bin])
            mismatched = cursor.fetchall()
            for line, value in mismatched:
                checked.errors.append(RowError(line, "school_bin", _("the file is for school %(bin)s, not %(value)s") % {
                    "bin": school.bin, "value": value}))
            if mismatched:
                cursor.execute(f"UPDATE {STAGING} SET school_id = NULL WHERE coalesce(school_bin, '') NOT IN ('', %s)", [school.bin])
        else:
            cursor.execute(f"UPDATE {STAGING} s SET school_id = sc.id FROM schools_school sc WHERE sc.bin = s.school_bin")
            cursor.execute(f"SELECT t.line, t.school_bin FROM {STAGING} t {joins} WHERE t.school_id IS NULL AND {valid} "
                           f"ORDER BY t.line LIMIT 1000")
            for line, value in cursor.fetchall():
                checked.errors.append(RowError(line, "school_bin", _("no school with BIN %(bin)s in the portal") % {"bin": value}))
            providers = list(instrument_of_kind(kind).provider_kinds)
            cursor.execute(f"SELECT t.line, t.school_bin FROM {STAGING} t JOIN schools_school sc ON sc.id = t.school_id "
                           f"WHERE sc.kind <> ALL(%s) ORDER BY t.line LIMIT 1000", [providers])
            for line, value in cursor.fetchall():
                checked.errors.append(RowError(line, "school_bin", _("the organisation with BIN %(bin)s does not list "
                                                                     "beneficiaries of this kind") % {"bin": value}))
        _index_staging(cursor, analyze=school is None)  # a bulk file's schools were set after the first ANALYZE
        if checked.errors:
            # Rows already found wrong take no part in the checks across rows (their values may not even be dates).
            cursor.execute(f"DELETE FROM {STAGING} WHERE line IN (SELECT t.line FROM {STAGING} t {joins} "
                           f"WHERE t.school_id IS NULL OR NOT {valid})")
        checked.errors.extend(_cross_row_errors(cursor, kind))
        if checked.errors:
            checked.errors.sort(key=lambda error: (error.line or 0))
            return checked
        checked.summary = _summary(cursor, kind)
        checked.preview = _preview(cursor, kind)
    return checked


def _merge(cursor, kind: str) -> dict:
    """Upsert people by IIN and enrolments by (school, pupil, kind, enrolled on) from the checked staging table."""
    cursor.execute(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})")
    cursor.execute(f"""
        WITH merged AS (
            INSERT INTO contingent_pupil AS p (iin, last_name, first_name, middle_name, birth_date, created_at, updated_at)
            SELECT DISTINCT ON (iin) iin, last_name, first_name, coalesce(middle_name, ''), birth_date::date, now(), now()
              FROM {STAGING} ORDER BY iin, line
            ON CONFLICT (iin) DO UPDATE
               SET last_name = EXCLUDED.last_name, first_name = EXCLUDED.first_name,
                   middle_name = EXCLUDED.middle_name, birth_date = EXCLUDED.birth_date, updated_at = now()
             WHERE (p.last_name, p.first_name, p.middle_name, p.birth_date)
                   IS DISTINCT FROM (EXCLUDED.last_name, EXCLUDED.first_name, EXCLUDED.middle_name, EXCLUDED.birth_date)
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged""")
    pupils_added, pupils_updated = cursor.fetchone()
    cursor.execute(f"""
        WITH merged AS (
            INSERT INTO contingent_enrolment AS e (school_id, pupil_id, kind, grade, category, specialty_group, enrolled_on,
                                                   left_on, created_at, updated_at)
            SELECT s.school_id, p.id, %(kind)s, nullif(s.grade, '')::smallint, coalesce(nullif(s.category, ''), 'regular'),
                   coalesce(s.specialty_group, ''), s.enrolled_on::date, nullif(s.left_on, '')::date, now(), now()
              FROM {STAGING} s JOIN contingent_pupil p ON p.iin = s.iin
            ON CONFLICT (school_id, pupil_id, kind, enrolled_on) DO UPDATE
               SET grade = EXCLUDED.grade, category = EXCLUDED.category, specialty_group = EXCLUDED.specialty_group,
                   left_on = EXCLUDED.left_on, updated_at = now()
             WHERE (e.grade, e.category, e.left_on, e.specialty_group)
                   IS DISTINCT FROM (EXCLUDED.grade, EXCLUDED.category, EXCLUDED.left_on, EXCLUDED.specialty_group)
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged""", {"kind": kind})
    enrolments_added, enrolments_updated = cursor.fetchone()
    return {"pupils_added": pupils_added, "pupils_updated": pupils_updated,
            "enrolments_added": enrolments_added, "enrolments_updated": enrolments_updated}


@transaction.atomic
def contingent_import(*, source, school=None, actor=None, original_name: str | None = None,
                      kind: str = BeneficiaryKind.PUPIL) -> ContingentImport:
    """Load a contingent file now (``import_contingent``): check everything, then upsert; all or nothing.

    ``school`` given: the file is that school's (``school_bin`` column optional and must match).
    ``school`` None: an operator's bulk file whose last column ``school_bin`` names each row's school.
    ``kind``: the beneficiaries of the file (pupils by default; the columns follow the kind's instrument).
    Raises ``FileFormatError`` or ``RowsInvalid`` (every problem with its line); nothing is saved then.
    """
    # a school loads its own file; a file for many schools (no ``school``) only an operator or an administrator
    require(actor, "import", ContingentImport(school=school))
    _ensure_kind(school, kind)
    name = original_name or (Path(source).name if isinstance(source, (str, Path)) else getattr(source, "name", "upload"))
    digest = _sha256(source)
    checked = _check(source, school=school, kind=kind)
    if checked.errors:
        raise RowsInvalid(checked.errors)
    with connection.cursor() as cursor:
        result = _merge(cursor, kind)
    record = ContingentImport.objects.create(
        school=school, kind=kind, original_name=str(name)[:255], sha256=digest, status=ImportStatus.APPLIED,
        row_count=checked.rows,
        summary={**checked.summary, **result}, created_by=actor if getattr(actor, "pk", None) else None,
        decided_at=timezone.now(),
    )
    audit_record(actor=actor, action=ContingentImportEvent.IMPORTED, subject=record, to_status=record.status,
                 data={"school": getattr(school, "bin", None), "kind": kind, "sha256": digest, **record.summary})
    return record


def runs_inline(size: int | None) -> bool:
    """Whether a file of ``size`` bytes is checked and applied within the request (else by a Celery task)."""
    return size is not None and size <= settings.IMPORT_INLINE_MAX_BYTES


def _progress_key(record_id: int) -> str:
    return f"contingent-import-progress:{record_id}"


def import_progress(record: ContingentImport) -> dict:
    """How far the check or the application of ``record`` has come: ``{"stage", "rows", "at"}`` or ``{}``.

    Kept in the cache, not the database: the work runs in one transaction, which nobody sees until it ends.
    """
    if record.status not in RUNNING_STATUSES:
        return {}
    return cache.get(_progress_key(record.pk)) or {"stage": "queued", "rows": 0}


def _reporter(record_id: int):
    def report(**info) -> None:
        cache.set(_progress_key(record_id), {**info, "at": timezone.now().isoformat()}, PROGRESS_TTL)

    return report


def _enqueue(task: str, record_id: int) -> None:
    """Queue ``task`` for ``record_id`` once the transaction that stored the record commits."""
    from contingent import tasks

    enqueue(getattr(tasks, task), record_id)


def _error_rows(errors: list[RowError]) -> list[dict]:
    return [{"line": e.line, "column": e.column, "message": e.message} for e in errors[:1000]]


@transaction.atomic
def contingent_upload(*, school, actor, upload, kind: str = BeneficiaryKind.PUPIL) -> ContingentImport:
    """A provider uploads a CSV/XLSX of its beneficiaries (``kind``): the file is kept on the server and
    checked; none is saved yet.

    A small file is checked now; a larger one by a Celery task (``contingent.tasks.check_upload``),
    and the record says ``checking`` until then (``import_progress`` tells how far it is).
    """
    require(actor, "upload", ContingentImport(school=school))  # the school itself
    _ensure_kind(school, kind)
    digest = _sha256(upload)
    record = ContingentImport(school=school, kind=kind, original_name=Path(getattr(upload, "name", "upload")).name[:255], sha256=digest,
                              status=ImportStatus.CHECKING, created_by=actor)
    upload.seek(0)
    record.file.save(f"{school.bin}-{digest[:16]}{Path(record.original_name).suffix.lower()}", File(upload), save=False)
    record.save()
    audit_record(actor=actor, action=ContingentImportEvent.UPLOADED, subject=record, to_status=record.status,
                 data={"sha256": digest, "size": record.file.size, "kind": kind})
    if runs_inline(record.file.size):
        return contingent_upload_check(record_id=record.pk)
    _enqueue("check_upload", record.pk)
    return record


def _kept_file_changed(record: ContingentImport, handle) -> bool:
    return _sha256(handle) != record.sha256


@transaction.atomic
def contingent_upload_check(*, record_id: int) -> ContingentImport | None:
    """Check a stored upload (``checking`` → ``pending`` with a preview, or ``rejected`` with every error).

    Safe to run twice (a task delivered again after its worker died): only a ``checking`` record is checked.
    """
    record = ContingentImport.objects.select_for_update(of=("self",)).select_related("school").filter(pk=record_id).first()
    if record is None or record.status != ImportStatus.CHECKING:
        return record
    savepoint = transaction.savepoint()
    try:
        with record.file.open("rb") as handle:
            if _kept_file_changed(record, handle):
                raise ConflictError(_("The kept file has changed since it was uploaded; upload it again."), code="file_changed")
            checked = _check(handle, school=record.school, kind=record.kind, progress=_reporter(record.pk))
    except DomainError as error:  # the file as a whole cannot be read
        checked = Checked(errors=[RowError(None, None, str(error))])
    if checked.errors:
        transaction.savepoint_rollback(savepoint)  # nothing of the check stays
    else:
        with connection.cursor() as cursor:
            _keep_rows(cursor, record.pk)
        transaction.savepoint_commit(savepoint)
    record.status = ImportStatus.REJECTED if checked.errors else ImportStatus.PENDING
    record.row_count = checked.rows
    record.summary = {**checked.summary, "preview": checked.preview}
    record.errors = _error_rows(checked.errors)
    if checked.errors and record.file:
        record.file.delete(save=False)
    record.save(update_fields=["status", "row_count", "summary", "errors", "file"])
    audit_record(actor=record.created_by, action=ContingentImportEvent.CHECKED, subject=record, from_status=ImportStatus.CHECKING,
                 to_status=record.status, data={"sha256": record.sha256, "rows": checked.rows, "errors": len(checked.errors)})
    cache.delete(_progress_key(record.pk))
    return record


@transaction.atomic
def contingent_upload_confirm(*, record: ContingentImport, actor) -> ContingentImport:
    """Apply a previewed upload: the kept file is checked again, then merged; all or nothing.

    A small file is applied now (its problems raise ``RowsInvalid`` and nothing changes); a larger one
    by a Celery task (``contingent.tasks.apply_upload``), and the record says ``applying`` until then.
    """
    record = ContingentImport.objects.select_for_update().get(pk=record.pk)
    require(actor, "apply", record)
    if not status_allows(record, ContingentImport.TRANSITIONS, "apply"):
        raise ConflictError(_("This upload is no longer awaiting confirmation."), code="not_pending")
    record.status = ImportStatus.APPLYING
    record.save(update_fields=["status"])
    audit_record(actor=actor, action=ContingentImportEvent.CONFIRMED, subject=record, from_status=ImportStatus.PENDING,
                 to_status=record.status)
    if runs_inline(record.file.size if record.file else 0):
        return contingent_upload_apply(record_id=record.pk, actor=actor, raise_errors=True)
    _enqueue("apply_upload", record.pk)
    return record


@transaction.atomic
def contingent_upload_apply(*, record_id: int, actor=None, raise_errors: bool = False) -> ContingentImport | None:
    """Check a confirmed upload again and merge it (``applying`` → ``applied``); all or nothing.

    If the file no longer passes (the contingent changed since the preview), nothing is merged:
    ``raise_errors`` raises ``RowsInvalid``, otherwise the record goes back to ``pending`` with the errors.
    Safe to run twice: only an ``applying`` record is applied.
    """
    record = ContingentImport.objects.select_for_update(of=("self",)).select_related("school", "created_by").filter(pk=record_id).first()
    if record is None or record.status != ImportStatus.APPLYING:
        return record
    actor = actor or record.created_by
    with record.file.open("rb") as handle:
        if _kept_file_changed(record, handle):
            raise ConflictError(_("The kept file has changed since the preview; upload it again."), code="file_changed")
        savepoint = transaction.savepoint()
        with connection.cursor() as cursor:
            restored = _restore_rows(cursor, record)
            if restored:  # the rows passed every check of the file itself; what the portal holds may have changed
                _reporter(record.pk)(stage="checking", rows=record.row_count)
                checked = Checked(rows=record.row_count, errors=_overlap_errors(cursor, record.kind), summary=dict(record.summary))
                checked.summary.pop("preview", None)
        if not restored:
            checked = _check(handle, school=record.school, kind=record.kind, progress=_reporter(record.pk))
    if checked.errors:
        transaction.savepoint_rollback(savepoint)
        if raise_errors:
            raise RowsInvalid(checked.errors)
        record.status = ImportStatus.PENDING
        record.errors = _error_rows(checked.errors)
        record.save(update_fields=["status", "errors"])
        audit_record(actor=actor, action=ContingentImportEvent.APPLY_REFUSED, subject=record, from_status=ImportStatus.APPLYING,
                     to_status=record.status, data={"errors": len(checked.errors)})
        cache.delete(_progress_key(record.pk))
        return record
    _reporter(record.pk)(stage="merging", rows=checked.rows)
    with connection.cursor() as cursor:
        result = _merge(cursor, record.kind)
    _drop_kept_rows(record.pk)
    record.status = ImportStatus.APPLIED
    record.summary = {**checked.summary, **result}
    record.errors = []
    record.decided_at = timezone.now()
    record.save(update_fields=["status", "summary", "errors", "decided_at"])
    audit_record(actor=actor, action=ContingentImportEvent.IMPORTED, subject=record, from_status=ImportStatus.APPLYING,
                 to_status=record.status, data={"school": record.school.bin, "kind": record.kind, "sha256": record.sha256, **record.summary})
    cache.delete(_progress_key(record.pk))
    return record


@transaction.atomic
def contingent_upload_fail(*, record_id: int, reason: str) -> ContingentImport | None:
    """A task could not check or apply the upload (not the file's fault): the record says so; nothing was merged."""
    record = ContingentImport.objects.select_for_update().filter(pk=record_id).first()
    if record is None or record.status not in RUNNING_STATUSES:
        return record
    previous = record.status
    _drop_kept_rows(record.pk)
    record.status = ImportStatus.FAILED
    record.errors = [{"line": None, "column": None, "message": str(_("The upload could not be processed; upload the file again."))}]
    record.save(update_fields=["status", "errors"])
    audit_record(actor=None, action=ContingentImportEvent.FAILED, subject=record, from_status=previous, to_status=record.status,
                 data={"reason": reason[:500]})
    cache.delete(_progress_key(record.pk))
    return record


@transaction.atomic
def contingent_upload_discard(*, record: ContingentImport, actor) -> ContingentImport:
    record = ContingentImport.objects.select_for_update().get(pk=record.pk)
    require(actor, "discard", record)
    if not status_allows(record, ContingentImport.TRANSITIONS, "discard"):
        raise ConflictError(_("This upload is no longer awaiting confirmation."), code="not_pending")
    _drop_kept_rows(record.pk)
    discarded = transition_apply(obj=record, transitions=ContingentImport.TRANSITIONS, action="discard", actor=actor,
                                 extra_fields={"decided_at": timezone.now()})
    if discarded.file:
        discarded.file.delete(save=False)
        discarded.save(update_fields=["file"])
    return discarded
