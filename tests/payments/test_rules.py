"""The two forms of "which findings concern an act line" agree (``checks.blocking.concerns_sql``, the lines'
side, and ``payments.rules.FINDING_LINES_SQL``, the findings' side used to detect recoveries)."""

import pytest
from django.db import connection

from checks.blocking import LIVE_SQL, blocking_sql, concerns_sql
from tests.payments.conftest import OCTOBER, TODAY


@pytest.mark.django_db
class FindingLinesTests:
    """``payments.rules.FINDING_LINES_SQL`` (the findings' side, used to detect recoveries) pairs exactly the
    lines and live findings that ``concerns_sql`` (the lines' side) pairs, with the same ``blocking``."""

    def test_both_sides_pair_the_same_lines_and_findings(self, contract, school_a, school_b, school_user):
        from payments.rules import FINDING_LINES_SQL
        from payments.services import act_build
        from tests.payments.factories import make_enrolment, make_finding

        enrolments = [make_enrolment(school=school_a, grade=grade) for grade in (1, 3, 6)]
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        assert act.lines.count() == 3
        other = make_enrolment(school=school_b)
        for planted in (
            make_finding(school=school_a, code="P03", enrolment=enrolments[0]),
            make_finding(school=school_a, code="P06", enrolment=enrolments[1]),
            make_finding(school=school_a, code="P02", enrolment=enrolments[2], status="resolved"),
            make_finding(school=school_a, code="S02"),
            make_finding(school=school_a, code="S01", level="basic"),
            make_finding(school=school_a, code="S05", level="general", status="waived"),
            make_finding(school=school_b, code="S03"),
            make_finding(school=school_b, code="P02", enrolment=other),
        ):
            assert planted.pk
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT line_id, finding_id, blocking FROM ({FINDING_LINES_SQL}) x")
            from_findings = set(cursor.fetchall())
            cursor.execute(
                f"SELECT l.id, f.id, {blocking_sql('f')} FROM payments_actline l JOIN checks_finding f ON {concerns_sql('l')} "
                f"AND f.status IN {LIVE_SQL}"
            )
            from_lines = set(cursor.fetchall())
        assert from_findings == from_lines
        assert len(from_lines) == 1 + 1 + 3 + 1  # P03, P06, S02 on every line, S01 on the basic line
