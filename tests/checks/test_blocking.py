"""Which findings concern a subject and which block its payment: Python, SQL and ORM agree."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.blocking import blocking_q, blocking_sql, concerns_sql, finding_blocks, finding_concerns
from checks.choices import FindingStatus, Severity
from checks.models import Finding

levels = st.sampled_from(["primary", "basic", "general"])
findings = st.fixed_dictionaries({
    "enrolment_id": st.one_of(st.none(), st.integers(1, 3)), "school_id": st.integers(1, 2),
    "level": st.one_of(st.just(""), levels), "severity": st.sampled_from(Severity.values),
    "status": st.sampled_from(FindingStatus.values),
})
subjects = st.fixed_dictionaries({"enrolment_id": st.one_of(st.none(), st.integers(1, 3)), "school_id": st.integers(1, 2),
                                  "level": st.one_of(st.none(), levels)})


class BlockingTests:
    def test_only_an_open_error_blocks(self):
        assert finding_blocks(severity="error", status="open")
        assert not finding_blocks(severity="error", status="explained")
        assert not finding_blocks(severity="error", status="waived")
        assert not finding_blocks(severity="warning", status="open")

    def test_a_pupil_finding_concerns_only_its_enrolment_a_school_finding_the_school_and_its_level(self):
        pupil = {"finding_enrolment_id": 1, "finding_school_id": 1, "finding_level": ""}
        school = {"finding_enrolment_id": None, "finding_school_id": 1, "finding_level": ""}
        level = {"finding_enrolment_id": None, "finding_school_id": 1, "finding_level": "basic"}
        line = {"enrolment_id": 1, "school_id": 1, "level": "primary"}
        assert finding_concerns(**pupil, **line) and not finding_concerns(**pupil, **{**line, "enrolment_id": 2})
        assert finding_concerns(**school, **line) and not finding_concerns(**school, **{**line, "school_id": 2})
        assert not finding_concerns(**level, **line) and finding_concerns(**level, **{**line, "level": "basic"})


@pytest.mark.django_db
class BlockingSqlTests:
    @settings(max_examples=300, deadline=None)
    @given(finding=findings, subject=subjects)
    def test_the_sql_decides_what_python_decides(self, finding, subject):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {concerns_sql('s', 'f')}, {blocking_sql('f')} "
                "FROM (SELECT %(fe)s::bigint AS enrolment_id, %(fs)s::bigint AS school_id, %(fl)s::varchar AS level, "
                "            %(sev)s::varchar AS severity, %(st)s::varchar AS status) f, "
                "     (SELECT %(se)s::bigint AS enrolment_id, %(ss)s::bigint AS school_id, %(sl)s::varchar AS level) s",
                {"fe": finding["enrolment_id"], "fs": finding["school_id"], "fl": finding["level"], "sev": finding["severity"],
                 "st": finding["status"], "se": subject["enrolment_id"], "ss": subject["school_id"], "sl": subject["level"]},
            )
            concerns, blocks = cursor.fetchone()
        assert bool(concerns) is finding_concerns(
            finding_enrolment_id=finding["enrolment_id"], finding_school_id=finding["school_id"], finding_level=finding["level"],
            **subject)
        assert blocks is finding_blocks(severity=finding["severity"], status=finding["status"])

    def test_the_orm_form_and_the_model_property_agree(self, school_a):
        from tests.acts.factories import make_finding

        for code, status, level in (("S02", "open", ""), ("S03", "waived", ""), ("S01", "explained", "basic"),
                                    ("S04", "open", ""), ("S05", "resolved", "basic")):
            make_finding(school=school_a, code=code, status=status, level=level)
        flagged = set(Finding.objects.filter(blocking_q()).values_list("code", flat=True))
        assert flagged == {finding.code for finding in Finding.objects.all() if finding.is_blocking} == {"S02"}
