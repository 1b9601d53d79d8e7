import io

import pytest
from django.core.management import call_command

from checks.models import Finding
from demo.schools import demo_bin
from schools.models import Licence, RegisterLoad, School, SchoolChange, UnreliableSupplierEntry


@pytest.mark.django_db
class SchoolDemoTests:
    def test_the_demo_shows_every_school_finding_of_the_registry_and_is_idempotent(self):
        call_command("seed_demo", stdout=io.StringIO())
        counts = (School.objects.count(), Licence.objects.count(), UnreliableSupplierEntry.objects.count(),
                  RegisterLoad.objects.count(), SchoolChange.objects.count())
        call_command("seed_demo", stdout=io.StringIO())
        assert (School.objects.count(), Licence.objects.count(), UnreliableSupplierEntry.objects.count(),
                RegisterLoad.objects.count(), SchoolChange.objects.count()) == counts
        assert len({school.region_id for school in School.objects.all()}) >= 5

        out = io.StringIO()
        call_command("run_checks", stdout=out, stderr=io.StringIO())
        printed = dict(line.split() for line in out.getvalue().strip().splitlines())
        assert all(int(printed[code]) >= 1 for code in ("S01", "S02", "S03"))
        live = Finding.objects.filter(status="open")
        assert live.filter(code="S01", school__bin=demo_bin(107), level="general").exists()
        assert set(live.filter(code="S02").values_list("school__bin", flat=True)) >= {demo_bin(105), demo_bin(108)}
        assert set(live.filter(code="S03").values_list("school__bin", flat=True)) == {demo_bin(106)}

    def test_the_first_demo_school_is_the_demo_school_users(self):
        call_command("seed_demo", stdout=io.StringIO())
        from accounts.models import User

        assert User.objects.get(username="school").school.bin == demo_bin(101)
