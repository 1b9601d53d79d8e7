"""SQL helpers for identifiers, and the partitioned table of NOBD snapshot rows.

* ``eq_id12_checksum_ok(n bigint)`` — the IIN/BIN check digit rule (DOMAIN.md) for a 12-digit
  number: weights 1..11 mod 11; when that is 10, weights 3..11,1,2; when 10 again, invalid.
  Partial weighted sums of digit groups come from constant arrays, so the function is inlined
  and costs a few array look-ups per row (it runs over millions of NOBD rows).
* ``eq_id12_valid(v text)`` — exactly 12 ASCII digits and a correct check digit; never raises.
  It and the next one are STABLE (``pg_input_is_valid`` and the text-to-date cast are): an
  IMMUTABLE function with a stable body would not be inlined, and a call per row is slow.
* ``eq_iin_birth_date(v text)`` — the birth date an IIN encodes (digits 1–6 and the century in
  digit 7), or NULL when the IIN is invalid or the date impossible; never raises.
  ``core.identifiers`` is the Python twin; tests prove the two agree.
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


def _partial_sums(digits: int, weights) -> str:
    values = []
    for number in range(10**digits):
        text = str(number).zfill(digits)
        values.append(sum(int(c) * w for c, w in zip(text, weights, strict=True)))
    return "('{" + ",".join(map(str, values)) + "}'::integer[])"


def _weighted_sum(weights) -> str:
    # n = the 12-digit number; digits 1-4 = n / 10^8, digits 5-8 = n / 10^4 % 10^4, digits 9-11 = n / 10 % 10^3.
    first = _partial_sums(4, weights[0:4])
    second = _partial_sums(4, weights[4:8])
    third = _partial_sums(3, weights[8:11])
    return f"({first}[n / 100000000 + 1] + {second}[n / 10000 % 10000 + 1] + {third}[n / 10 % 1000 + 1]) % 11"


CHECKSUM_SQL = f"""
CREATE OR REPLACE FUNCTION eq_id12_checksum_ok(n bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE {_weighted_sum(WEIGHTS_FIRST)}
         WHEN (n % 10)::integer THEN true
         WHEN 10 THEN {_weighted_sum(WEIGHTS_SECOND)} = (n % 10)::integer
         ELSE false
       END
$$;
"""

HELPERS_SQL = """
CREATE OR REPLACE FUNCTION eq_id12_valid(v text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT CASE
         WHEN v IS NULL THEN false
         WHEN octet_length(v) = 12 AND pg_input_is_valid(v, 'bigint')
              AND (v::bigint + 1000000000000)::text = '1' || v
         THEN eq_id12_checksum_ok(v::bigint)
         ELSE false
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
DROP FUNCTION IF EXISTS eq_id12_checksum_ok(bigint);
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
        migrations.RunSQL(CHECKSUM_SQL + HELPERS_SQL, DROP_HELPERS_SQL),
        migrations.RunSQL(NOBD_ROWS_SQL, "DROP TABLE IF EXISTS contingent_nobdrow CASCADE;"),
        migrations.RunSQL(NO_OVERLAP_SQL, DROP_NO_OVERLAP_SQL),
    ]
