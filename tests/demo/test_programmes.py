import io
from collections import Counter

import pytest
from django.core.management import call_command

from acts.models import Act
from checks.choices import FindingStatus
from checks.models import Finding
from programmes.models import Programme


@pytest.mark.django_db
class ProgrammesDemoTests:
    def test_seed_demo_shows_one_programme_of_each_instrument_with_its_acts_and_findings_once(self):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())  # idempotent
        active = Programme.objects.filter(status="active")
        assert sorted(active.values_list("instrument", flat=True)) == ["dormitory_place", "grant", "scholarship",
                                                                        "school_per_capita"]
        acts = Counter(Act.objects.filter(contract__order__programme__code__in=["DORM-71", "SCH-71", "GRANT-KZ"])
                       .values_list("contract__order__programme__code", "status"))
        assert acts == {("DORM-71", "accepted"): 1, ("SCH-71", "submitted"): 1, ("GRANT-KZ", "accepted"): 1}
        findings = Counter(Finding.objects.filter(code__in=["D01", "D02", "D03", "C01", "G01"], status=FindingStatus.OPEN)
                           .values_list("code", flat=True))
        assert findings == {"D01": 1, "D02": 2, "D03": 1, "C01": 1, "G01": 2}
