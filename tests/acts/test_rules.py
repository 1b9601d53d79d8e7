"""``acts.rules`` writes "which findings concern an act line, and which block it" twice: from the
line's side (``concerns_sql``, ``blocked_sql``: the act page, the review) and from the findings'
side (``FINDING_LINES_SQL``: the recovery detection). These tests bind the two on planted data."""

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acts.models import ActLine
from acts.rules import FINDING_LINES_SQL
from acts.services import act_build, act_correct, act_return, act_submit
from checks.blocking import BLOCKING_SQL, LIVE_SQL, blocked_sql, concerns_sql
from checks.choices import FindingCode, FindingStatus, Severity
from checks.models import Finding
from schools.choices import Level
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_check_run, make_enrolment

pytestmark = pytest.mark.django_db

_subject = itertools.count(1)


def line_side() -> set[tuple[int, int, bool]]:
    """(line, live finding, blocking) as the act page and the review see them: line by line."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT l.id, f.id, {BLOCKING_SQL} FROM acts_actline l "
                       f"JOIN checks_finding f ON {concerns_sql('l')} AND f.status IN {LIVE_SQL}")
        return set(cursor.fetchall())


def finding_side() -> set[tuple[int, int, bool]]:
    """The same pairs as the recovery detection sees them: finding by finding."""
    with connection.cursor() as cursor:
        cursor.execute(FINDING_LINES_SQL)
        return set(cursor.fetchall())


def blocked_lines() -> set[int]:
    """Lines that ``blocked_sql`` (the ``blocked`` annotation) calls not payable."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM acts_actline WHERE {blocked_sql('acts_actline')}")
        return {row[0] for row in cursor.fetchall()}


def plant(*, school, enrolment=None, level="", code=FindingCode.P03, severity=Severity.ERROR, status=FindingStatus.OPEN,
          run=None) -> Finding:
    run = run or make_check_run()
    return Finding.objects.create(code=code, severity=severity, school=school, enrolment=enrolment, level=level,
                                  subject_key=f"test:{next(_subject)}", rule_version="test", status=status,
                                  first_run=run, last_run=run)


@pytest.fixture
def acts_with_lines(contract, other_contract, school_a, school_b, school_user, other_school_user, department_user,
                    other_department_user):
    """School A: an act corrected once (two versions of lines) at every level, and a pupil not billed;
    school B: an act of its own."""
    enrolments_a = [make_enrolment(school=school_a, grade=grade) for grade in (1, 3, 6, 10)]
    unbilled = make_enrolment(school=school_a, grade=2, enrolled_on=dt.date(2025, 12, 1))
    act_a = act_submit(act=act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY),
                       actor=school_user, today=TODAY)
    act_a = act_return(act=act_a, actor=department_user, reason="исправить")
    act_a = act_correct(act=act_a, actor=school_user)
    enrolments_b = [make_enrolment(school=school_b, grade=grade) for grade in (2, 7)]
    act_build(contract=other_contract, month=OCTOBER, actor=other_school_user, today=TODAY)
    assert ActLine.objects.filter(act=act_a).count() == 8 and ActLine.objects.count() == 10
    return {"schools": [school_a, school_b], "enrolments": enrolments_a + enrolments_b + [unbilled]}


class LineFindingRuleTests:
    def test_both_sides_find_the_planted_pairs(self, acts_with_lines, school_a, school_b):
        e1, e2, e3, e4, b1, b2, unbilled = acts_with_lines["enrolments"]
        run = make_check_run()
        pupil_error = plant(school=school_a, enrolment=e1, run=run)
        pupil_warning = plant(school=school_a, enrolment=e2, code=FindingCode.P06, severity=Severity.WARNING, run=run)
        explained = plant(school=school_a, enrolment=e3, status=FindingStatus.EXPLAINED, run=run)
        plant(school=school_a, enrolment=e4, status=FindingStatus.RESOLVED, run=run)  # not live: concerns nothing
        school_wide = plant(school=school_b, code=FindingCode.S02, run=run)
        basic_level = plant(school=school_a, level=Level.BASIC, code=FindingCode.S05, run=run)
        plant(school=school_a, enrolment=unbilled, run=run)  # no line
        line = {(ln.enrolment_id, ln.version): ln.pk for ln in ActLine.objects.all()}
        expected = {
            *((line[(e1.pk, v)], pupil_error.pk, True) for v in (1, 2)),
            *((line[(e2.pk, v)], pupil_warning.pk, False) for v in (1, 2)),
            *((line[(e3.pk, v)], explained.pk, False) for v in (1, 2)),
            *((line[(e3.pk, v)], basic_level.pk, True) for v in (1, 2)),  # grade 6 is basic
            (line[(b1.pk, 1)], school_wide.pk, True), (line[(b2.pk, 1)], school_wide.pk, True),
        }
        assert line_side() == expected
        assert finding_side() == expected
        assert blocked_lines() == {pair[0] for pair in expected if pair[2]}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_the_line_side_and_the_finding_side_always_agree(self, acts_with_lines, data):
        schools, enrolments = acts_with_lines["schools"], acts_with_lines["enrolments"]
        subject = st.one_of(
            st.sampled_from(enrolments).map(lambda e: {"school": e.school, "enrolment": e}),
            st.tuples(st.sampled_from(schools), st.sampled_from(["", *Level.values]))
            .map(lambda t: {"school": t[0], "level": t[1]}),
        )
        finding = st.fixed_dictionaries({
            "subject": subject,
            "severity": st.sampled_from(Severity.values),
            "status": st.sampled_from(FindingStatus.values),
        })
        planted = data.draw(st.lists(finding, max_size=12))
        with transaction.atomic():
            run = make_check_run()
            for spec in planted:
                plant(**spec["subject"], severity=spec["severity"], status=spec["status"], run=run)
            pairs = line_side()
            assert pairs == finding_side()
            assert blocked_lines() == {line for line, _finding, blocking in pairs if blocking}
            transaction.set_rollback(True)
