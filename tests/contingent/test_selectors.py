import pytest

from checks.choices import LIVE_STATUSES, FindingStatus
from contingent.filters import LIVE_FINDING_STATUSES, OPEN_FINDING_STATUSES
from contingent.selectors import enrolment_list
from tests.schools.factories import make_enrolment, make_finding

pytestmark = pytest.mark.django_db


class EnrolmentFindingsTests:
    """The contingent lists tell a pupil's findings through the reverse relation, without importing the
    checks: the statuses they name must be the checks' own."""

    def test_the_statuses_named_by_the_contingent_are_the_checks_own(self):
        assert set(LIVE_FINDING_STATUSES) == set(LIVE_STATUSES)
        assert set(OPEN_FINDING_STATUSES) == {FindingStatus.OPEN, FindingStatus.EXPLAINED}

    def test_each_enrolment_shows_whether_it_has_live_findings_and_how_many_are_open(self, school_user, school_a):
        by_status = {}
        for status in FindingStatus.values:
            enrolment = make_enrolment(school_a)
            make_finding(school_a, code="P02", enrolment=enrolment, status=status)
            make_finding(school_a, code="P06", enrolment=enrolment, status=status)
            by_status[status] = enrolment.pk
        clean = make_enrolment(school_a).pk
        rows = {e.pk: (e.has_findings, e.open_findings) for e in enrolment_list(user=school_user)}
        for status, pk in by_status.items():
            assert rows[pk] == (status in LIVE_STATUSES, 2 if status in OPEN_FINDING_STATUSES else 0), status
        assert rows[clean] == (False, 0)
        with_findings = {e.pk for e in enrolment_list(user=school_user, filters={"has_findings": "true"})}
        assert with_findings == {pk for status, pk in by_status.items() if status in LIVE_STATUSES}
