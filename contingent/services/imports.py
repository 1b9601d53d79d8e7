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
from core.scoping import require
from core.services import audit_record
from core.tabular import Row, RowError, RowErrors, RowsInvalid, read_rows, row_width_error
from core.workflow import status_allows, transition_apply
from programmes.choices import BeneficiaryKind
from programmes.instruments import instrument_of_kind

STAGING = "contingent_import_staging"
IMPORT_LOCK = 730_121  # one contingent merge at a time
PREVIEW_ROWS = 50


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
    # Periods of one pupil at one school after the merge: the file's rows, plus the existing
    # enrolments that the file does not replace (same school, pupil and enrolment date).
    cursor.execute(f"""
        WITH file AS (
            SELECT line, school_id, iin, enrolled_on::date AS starts, nullif(left_on, '')::date AS ends FROM {STAGING}
        ),
        kept AS (
            SELECT NULL::integer AS line, e.school_id, p.iin, e.enrolled_on AS starts, e.left_on AS ends
              FROM contingent_enrolment e JOIN contingent_pupil p ON p.id = e.pupil_id
             WHERE e.kind = %(kind)s AND EXISTS (SELECT 1 FROM file f WHERE f.school_id = e.school_id AND f.iin = p.iin)
               AND NOT EXISTS (SELECT 1 FROM file f WHERE f.school_id = e.school_id AND f.iin = p.iin
                                                        AND f.starts = e.enrolled_on)
        ),
        periods AS (SELECT * FROM file UNION ALL SELECT * FROM kept)
        SELECT a.line, b.line, b.starts, b.ends
          FROM file a JOIN periods b ON b.school_id = a.school_id AND b.iin = a.iin
         WHERE (b.line IS NULL OR (b.line < a.line AND b.starts <> a.starts))
           AND a.starts <= coalesce(b.ends, 'infinity'::date) AND b.starts <= coalesce(a.ends, 'infinity'::date)
         ORDER BY a.line LIMIT 1000""", {"kind": kind})
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


def _check(source, *, school, kind: str = BeneficiaryKind.PUPIL) -> Checked:
    """Stage and check the file; run inside a transaction (the staging table lives until commit)."""
    own_columns = file_columns(kind)
    columns = own_columns if school is not None else [*own_columns, "school_bin"]
    optional = ["school_bin"] if school is not None else []
    width_errors = RowErrors()
    checked = Checked()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
        _create_staging(cursor)
        rows = _rows_without_width_errors(read_rows(source, columns=columns, optional=optional, excel=True),  # a school's own file
                                          columns + optional, width_errors)
        checked.rows = copy_rows(cursor, rows=rows, table=STAGING, columns=STAGING_COLUMNS)
        checked.errors.extend(width_errors.errors)
        joins, valid = row_check("t", category=True, school_bin=school is None, name_limit=True, kind=kind)
        checked.errors.extend(_explain_rows(cursor, columns, joins, f"NOT {valid}", kind))
        if school is not None:
            # A school_bin column is allowed in a one-school file, but only with that school's BIN.
            cursor.execute(f"SELECT line, school_bin FROM {STAGING} WHERE coalesce(school_bin, '') NOT IN ('', %s) "
                           f"ORDER BY line LIMIT 1000", [school.bin])
            for line, value in cursor.fetchall():
                checked.errors.append(RowError(line, "school_bin", _("the file is for school %(bin)s, not %(value)s") % {
                    "bin": school.bin, "value": value}))
            cursor.execute(f"UPDATE {STAGING} SET school_id = %s WHERE coalesce(school_bin, '') IN ('', %s)", [school.pk, school.bin])
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


@transaction.atomic
def contingent_upload(*, school, actor, upload, kind: str = BeneficiaryKind.PUPIL) -> tuple[ContingentImport, Checked]:
    """A provider uploads a CSV/XLSX of its beneficiaries: check it and keep it on the server for a preview; save none yet."""
    require(actor, "upload", ContingentImport(school=school))  # the school itself
    _ensure_kind(school, kind)
    digest = _sha256(upload)
    savepoint = transaction.savepoint()
    try:
        checked = _check(upload, school=school, kind=kind)
    except DomainError as error:  # the file as a whole cannot be read
        checked = Checked(errors=[RowError(None, None, str(error))])
    finally:
        transaction.savepoint_rollback(savepoint)  # nothing of the check stays
    record = ContingentImport(
        school=school, kind=kind, original_name=Path(getattr(upload, "name", "upload")).name[:255], sha256=digest,
        status=ImportStatus.REJECTED if checked.errors else ImportStatus.PENDING, row_count=checked.rows,
        summary={**checked.summary, "preview": checked.preview},
        errors=[{"line": e.line, "column": e.column, "message": e.message} for e in checked.errors[:1000]],
        created_by=actor,
    )
    if not checked.errors:
        upload.seek(0)
        record.file.save(f"{school.bin}-{digest[:16]}{Path(record.original_name).suffix.lower()}", File(upload), save=False)
    record.save()
    audit_record(actor=actor, action=ContingentImportEvent.UPLOADED, subject=record, to_status=record.status,
                 data={"sha256": digest, "rows": checked.rows, "errors": len(checked.errors)})
    return record, checked


@transaction.atomic
def contingent_upload_confirm(*, record: ContingentImport, actor) -> ContingentImport:
    """Apply a previewed upload: the kept file is checked again, then merged; all or nothing."""
    record = ContingentImport.objects.select_for_update().get(pk=record.pk)
    require(actor, "apply", record)
    if not status_allows(record, ContingentImport.TRANSITIONS, "apply"):
        raise ConflictError(_("This upload is no longer awaiting confirmation."), code="not_pending")
    with record.file.open("rb") as handle:
        if _sha256(handle) != record.sha256:
            raise ConflictError(_("The kept file has changed since the preview; upload it again."), code="file_changed")
        checked = _check(handle, school=record.school, kind=record.kind)
    if checked.errors:
        raise RowsInvalid(checked.errors)
    with connection.cursor() as cursor:
        result = _merge(cursor, record.kind)
    summary = {**checked.summary, **result}
    return transition_apply(obj=record, transitions=ContingentImport.TRANSITIONS, action="apply", actor=actor,
                            data={"school": record.school.bin, "sha256": record.sha256, **summary},
                            extra_fields={"summary": summary, "decided_at": timezone.now()})


@transaction.atomic
def contingent_upload_discard(*, record: ContingentImport, actor) -> ContingentImport:
    record = ContingentImport.objects.select_for_update().get(pk=record.pk)
    require(actor, "discard", record)
    if not status_allows(record, ContingentImport.TRANSITIONS, "discard"):
        raise ConflictError(_("This upload is no longer awaiting confirmation."), code="not_pending")
    discarded = transition_apply(obj=record, transitions=ContingentImport.TRANSITIONS, action="discard", actor=actor,
                                 extra_fields={"decided_at": timezone.now()})
    if discarded.file:
        discarded.file.delete(save=False)
        discarded.save(update_fields=["file"])
    return discarded
