"""The SQL twin of the late-delivery penalty (``procurement.penalties``).

Kept here verbatim (a migration must not change when the code does); ``procurement.penalties``
holds the same text and a test compares the functions in the database with it.
"""

from django.db import migrations

DEFINITIONS = """
CREATE OR REPLACE FUNCTION procurement_late_units(quantity integer, due date, accepted date[], as_of date)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN as_of <= due THEN 0
                ELSE quantity - (SELECT count(*) FROM unnest(coalesce(accepted, '{}'::date[])) AS a WHERE a <= due)::integer
           END
$$;

CREATE OR REPLACE FUNCTION procurement_unit_days(quantity integer, due date, accepted date[], as_of date)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN as_of <= due THEN 0::bigint
                ELSE (SELECT coalesce(sum(a - due), 0) FROM unnest(coalesce(accepted, '{}'::date[])) AS a
                      WHERE a > due AND a <= as_of)::bigint
                     + (procurement_late_units(quantity, due, accepted, as_of)
                        - (SELECT count(*) FROM unnest(coalesce(accepted, '{}'::date[])) AS a
                           WHERE a > due AND a <= as_of))::bigint * (as_of - due)
           END
$$;

CREATE OR REPLACE FUNCTION procurement_outstanding_units(quantity integer, accepted date[], as_of date)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT greatest(quantity - (SELECT count(*) FROM unnest(coalesce(accepted, '{}'::date[])) AS a WHERE a <= as_of)::integer, 0)
$$;

CREATE OR REPLACE FUNCTION procurement_penalty(unit_price numeric, late_units integer, unit_days bigint)
RETURNS numeric(16, 2)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    -- exact numeric products; round() of a non-negative numeric is half-up: the one rounding
    SELECT round(least(unit_price * unit_days * 0.001, unit_price * late_units * 0.1), 2)::numeric(16, 2)
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS procurement_penalty(numeric, integer, bigint);
DROP FUNCTION IF EXISTS procurement_outstanding_units(integer, date[], date);
DROP FUNCTION IF EXISTS procurement_unit_days(integer, date, date[], date);
DROP FUNCTION IF EXISTS procurement_late_units(integer, date, date[], date);
"""


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunSQL(DEFINITIONS, DROP)]
