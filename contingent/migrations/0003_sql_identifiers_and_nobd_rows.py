"""SQL helpers for identifiers, and the partitioned table of NOBD snapshot rows.

* ``eq_id12_valid(v text)`` — exactly 12 ASCII digits and the check digit rule of DOMAIN.md
  (weights 1..11 mod 11; if that is 10, weights 3..11,1,2; if 10 again, invalid).
* ``eq_iin_birth_date(v text)`` — the birth date an IIN encodes (digits 1–6 and the century in
  digit 7), or NULL when the IIN is invalid or the date impossible.
  Both never raise, whatever the text — even for a constant, which PostgreSQL may evaluate
  while planning, so they use no cast that could fail (digits come from ``ascii``). They are
  STABLE like ``pg_input_is_valid``, so that PostgreSQL inlines them. ``core.identifiers`` is
  the Python twin; tests prove the two agree. (The set-based importers check millions of
  rows with the lookup tables of migration 0004 instead.)
* ``contingent_nobdrow`` — the rows of every NOBD snapshot exactly as received (text columns in
  the order of the CONTRACT file), LIST-partitioned by snapshot: ``nobd_import`` loads a new
  partition with COPY and attaches it; pruning a snapshot drops its partition.
* Enrolments of one pupil at one school never overlap in time (a pupil is enrolled at most once
  at a time in a school, so a line of an act or a finding is "one pupil at one school").
  btree_gist is not available everywhere (the embedded server lacks it), so instead of an
  exclusion constraint two statement-level triggers check every INSERT and UPDATE set-based,
  after serialising writers of the same school with an advisory lock.
"""

from django.db import migrations

WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def _digit(position: int) -> str:
    return f"(ascii(substr(v, {position}, 1)) - 48)"


def _weighted_sum(weights) -> str:
    return "mod(" + " + ".join(f"{weight} * {_digit(i + 1)}" for i, weight in enumerate(weights)) + ", 11)"


HELPERS_SQL = f"""
CREATE OR REPLACE FUNCTION eq_id12_valid(v text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT CASE
         WHEN v IS NULL OR v !~ '^[0-9]{{12}}$' THEN false
         ELSE CASE {_weighted_sum(WEIGHTS_FIRST)}
                WHEN {_digit(12)} THEN true
                WHEN 10 THEN {_weighted_sum(WEIGHTS_SECOND)} = {_digit(12)}
                ELSE false
              END
       END
$$;

CREATE OR REPLACE FUNCTION eq_iin_birth_date(v text) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT CASE
         WHEN eq_id12_valid(v) AND substr(v, 7, 1) BETWEEN '1' AND '6'
              AND pg_input_is_valid(((ascii(substr(v, 7, 1)) - 49) / 2 + 18)::text || left(v, 2) || '-'
                                    || substr(v, 3, 2) || '-' || substr(v, 5, 2), 'date')
         THEN (((ascii(substr(v, 7, 1)) - 49) / 2 + 18)::text || left(v, 2) || '-'
               || substr(v, 3, 2) || '-' || substr(v, 5, 2))::date
       END
$$;
"""

DROP_HELPERS_SQL = """
DROP FUNCTION IF EXISTS eq_iin_birth_date(text);
DROP FUNCTION IF EXISTS eq_id12_valid(text);
"""

NOBD_ROWS_SQL = """
CREATE TABLE contingent_nobdrow (
    snapshot_id bigint NOT NULL,
    iin text,
    last_name text,
    first_name text,
    middle_name text,
    birth_date text,
    school_bin text,
    grade text,
    enrolled_on text,
    left_on text
) PARTITION BY LIST (snapshot_id);
COMMENT ON TABLE contingent_nobdrow IS
  'Rows of NOBD snapshots exactly as received and validated by nobd_import; one partition per snapshot (contingent_nobdrow_<snapshot id>).';
"""

NO_OVERLAP_SQL = """
CREATE OR REPLACE FUNCTION contingent_enrolment_no_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    clash record;
BEGIN
    -- Writers of the same school wait for each other, so two transactions cannot each add one
    -- half of an overlap; the check below then sees what the other one committed.
    PERFORM pg_advisory_xact_lock(730120, (school_id % 2147483647)::integer)
       FROM (SELECT DISTINCT school_id FROM new_rows ORDER BY school_id) AS schools;
    SELECT n.id AS new_id, e.id AS other_id, n.pupil_id, n.school_id INTO clash
      FROM new_rows n
      JOIN contingent_enrolment e
        ON e.school_id = n.school_id AND e.pupil_id = n.pupil_id AND e.id <> n.id
       AND e.enrolled_on <= coalesce(n.left_on, 'infinity'::date)
       AND n.enrolled_on <= coalesce(e.left_on, 'infinity'::date)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'enrolments % and % of pupil % at school % overlap in time',
              clash.new_id, clash.other_id, clash.pupil_id, clash.school_id
              USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'enrolment_no_overlap_in_school';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER contingent_enrolment_no_overlap_insert
    AFTER INSERT ON contingent_enrolment REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contingent_enrolment_no_overlap();
CREATE TRIGGER contingent_enrolment_no_overlap_update
    AFTER UPDATE ON contingent_enrolment REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contingent_enrolment_no_overlap();
"""

DROP_NO_OVERLAP_SQL = """
DROP TRIGGER IF EXISTS contingent_enrolment_no_overlap_update ON contingent_enrolment;
DROP TRIGGER IF EXISTS contingent_enrolment_no_overlap_insert ON contingent_enrolment;
DROP FUNCTION IF EXISTS contingent_enrolment_no_overlap();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("contingent", "0002_imports_and_snapshot_pruning"),
    ]

    operations = [
        migrations.RunSQL(HELPERS_SQL, DROP_HELPERS_SQL),
        migrations.RunSQL(NOBD_ROWS_SQL, "DROP TABLE IF EXISTS contingent_nobdrow CASCADE;"),
        migrations.RunSQL(NO_OVERLAP_SQL, DROP_NO_OVERLAP_SQL),
    ]
