"""The no-overlap trigger of migration 0003, in time linear in a pupil's enrolments.

0003 joined the written enrolments with every enrolment of the same pupil at the same school:
a pupil with k enrolments at one school (say, many one-day enrolments in one file) cost k² row
pairs. Sorted by enrolment date, an enrolment overlaps an earlier one exactly when it starts on
or before the latest end among those before it: one window pass over the sorted enrolments of
the pupils written, per beneficiary kind (as in 0005: a person may hold a scholarship and a grant
at one provider at once). The partner named in the message is found afterwards, for the one clash.

Also: contingent uploads are checked and applied by Celery tasks when large (issue 11), so an
upload has the statuses ``checking``, ``applying`` and ``failed`` besides the earlier ones.
"""

from importlib import import_module

from django.db import migrations, models

# Reversing restores the per-kind pairwise trigger of 0005.
PER_KIND_PAIRS_SQL = import_module("contingent.migrations.0005_beneficiary_kinds").NO_OVERLAP_PER_KIND_SQL

LINEAR_SQL = """
CREATE OR REPLACE FUNCTION contingent_enrolment_no_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    clash record;
    other_id bigint;
BEGIN
    -- Writers of the same school wait for each other, so two transactions cannot each add one
    -- half of an overlap; the check below then sees what the other one committed.
    PERFORM pg_advisory_xact_lock(730120, (school_id % 2147483647)::integer)
       FROM (SELECT DISTINCT school_id FROM new_rows ORDER BY school_id) AS schools;
    SELECT id, school_id, pupil_id, kind, enrolled_on INTO clash FROM (
        SELECT e.id, e.school_id, e.pupil_id, e.kind, e.enrolled_on,
               max(coalesce(e.left_on, 'infinity'::date)) OVER (
                   PARTITION BY e.school_id, e.pupil_id, e.kind ORDER BY e.enrolled_on, e.id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_end_before
          FROM contingent_enrolment e
         WHERE (e.school_id, e.pupil_id, e.kind) IN (SELECT school_id, pupil_id, kind FROM new_rows)
    ) AS sorted
     WHERE enrolled_on <= latest_end_before
     LIMIT 1;
    IF FOUND THEN
        SELECT e.id INTO other_id FROM contingent_enrolment e
         WHERE e.school_id = clash.school_id AND e.pupil_id = clash.pupil_id AND e.kind = clash.kind
           AND e.id <> clash.id
           AND e.enrolled_on <= clash.enrolled_on AND coalesce(e.left_on, 'infinity'::date) >= clash.enrolled_on
         LIMIT 1;
        RAISE EXCEPTION 'enrolments % and % of pupil % at school % overlap in time',
              clash.id, other_id, clash.pupil_id, clash.school_id
              USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'enrolment_no_overlap_in_school';
    END IF;
    RETURN NULL;
END
$$;
"""



class Migration(migrations.Migration):

    dependencies = [
        ("contingent", "0006_merge_programmes_and_nobd_history"),
    ]

    operations = [
        migrations.RunSQL(LINEAR_SQL, PER_KIND_PAIRS_SQL),
        migrations.AlterField(
            model_name="contingentimport",
            name="status",
            field=models.CharField(choices=[("checking", "Being checked"), ("pending", "Awaiting confirmation"), ("applying", "Being saved"),
                                            ("applied", "Applied"), ("discarded", "Discarded"), ("rejected", "Rejected (errors in the file)"),
                                            ("failed", "Failed (upload the file again)")],
                                   default="pending", max_length=20, verbose_name="status"),
        ),
    ]
