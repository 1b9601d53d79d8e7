import pytest

from checks.choices import FindingCode, FindingStatus, Severity
from schools.selectors import school_list
from tests.schools.factories import make_finding

pytestmark = pytest.mark.django_db


class OpenErrorsTests:
    """The schools count a school's open errors through the reverse relation, without importing the
    checks: the count must be exactly the findings the checks call blocking."""

    def test_open_errors_count_exactly_the_findings_that_block_payment(self, operator_user, school_a, school_b):
        combos = [(severity, status) for severity in Severity.values for status in FindingStatus.values]
        findings = [make_finding(school_a, code=code, severity=severity, status=status)
                    for code, (severity, status) in zip(FindingCode.values, combos, strict=False)]
        make_finding(school_b, code="S02")
        counts = dict(school_list(user=operator_user).values_list("pk", "open_errors"))
        assert counts[school_a.pk] == sum(finding.is_blocking for finding in findings) == 1
        assert counts[school_b.pk] == 1
        assert set(school_list(user=operator_user, filters={"has_open_errors": "false"})) == set()
