"""Reference tables that let PostgreSQL check millions of IINs and dates with hash joins.

A row-by-row function call costs too much at national scale (4 M NOBD rows a night), so the
set-based checks join small static tables instead:

* ``eq_dates(d)`` — every date from 1800-01-01 to 2099-12-31 written ``YYYY-MM-DD``: a value
  is a well-formed, real date exactly when it is in this table;
* ``eq_iin_prefix(prefix, birth_date, s1, s2)`` — for every birth date and IIN century digit
  (1–6), the IIN's first seven characters, the birth date they encode, and the partial
  weighted sums of the check-digit rule over those seven digits (weights 1..7 and 3..9);
* ``eq_iin_suffix(suffix, s1, s2, check)`` — for every last five characters ``00000``–``99999``,
  the partial sums over digits 8–11 (weights 8..11 and 10, 11, 1, 2) and digit 12.

An IIN ``v`` with birth date ``b`` is valid exactly when ``(left(v, 7), b)`` is in
``eq_iin_prefix``, ``right(v, 5)`` in ``eq_iin_suffix``, ``v`` has 12 characters, and with
``s = (p.s1 + x.s1) % 11`` either ``s = check`` or ``s = 10`` and ``(p.s2 + x.s2) % 11 = check``
(DOMAIN.md: weights 1..11 mod 11; if 10, weights 3..11, 1, 2; if 10 again, invalid).
"""

from django.db import migrations

FORWARD = """
CREATE TABLE eq_dates (d text PRIMARY KEY);
INSERT INTO eq_dates
SELECT to_char(day, 'YYYY-MM-DD') FROM generate_series('1800-01-01'::date, '2099-12-31'::date, '1 day') AS day;

CREATE TABLE eq_iin_prefix (prefix text PRIMARY KEY, birth_date text NOT NULL, s1 integer NOT NULL, s2 integer NOT NULL);
INSERT INTO eq_iin_prefix
SELECT p, to_char(day, 'YYYY-MM-DD'),
       1 * substr(p, 1, 1)::int + 2 * substr(p, 2, 1)::int + 3 * substr(p, 3, 1)::int + 4 * substr(p, 4, 1)::int
     + 5 * substr(p, 5, 1)::int + 6 * substr(p, 6, 1)::int + 7 * substr(p, 7, 1)::int,
       3 * substr(p, 1, 1)::int + 4 * substr(p, 2, 1)::int + 5 * substr(p, 3, 1)::int + 6 * substr(p, 4, 1)::int
     + 7 * substr(p, 5, 1)::int + 8 * substr(p, 6, 1)::int + 9 * substr(p, 7, 1)::int
  FROM generate_series('1800-01-01'::date, '2099-12-31'::date, '1 day') AS day,
       generate_series(1, 2) AS sex,
       LATERAL (SELECT to_char(day, 'YYMMDD') || ((extract(year FROM day)::integer / 100 - 18) * 2 + sex)::text AS p) AS prefixes;

CREATE TABLE eq_iin_suffix (suffix text PRIMARY KEY, s1 integer NOT NULL, s2 integer NOT NULL, "check" integer NOT NULL);
INSERT INTO eq_iin_suffix
SELECT q,
       8 * substr(q, 1, 1)::int + 9 * substr(q, 2, 1)::int + 10 * substr(q, 3, 1)::int + 11 * substr(q, 4, 1)::int,
       10 * substr(q, 1, 1)::int + 11 * substr(q, 2, 1)::int + 1 * substr(q, 3, 1)::int + 2 * substr(q, 4, 1)::int,
       substr(q, 5, 1)::int
  FROM generate_series(0, 99999) AS n, LATERAL (SELECT lpad(n::text, 5, '0') AS q) AS suffixes;

ANALYZE eq_dates;
ANALYZE eq_iin_prefix;
ANALYZE eq_iin_suffix;
"""

BACKWARD = "DROP TABLE IF EXISTS eq_iin_suffix; DROP TABLE IF EXISTS eq_iin_prefix; DROP TABLE IF EXISTS eq_dates;"


class Migration(migrations.Migration):

    dependencies = [
        ("contingent", "0003_sql_identifiers_and_nobd_rows"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
