"""S05 reads the places of contracts made and signed through the orders workflow (issue 5, item 6)."""

import pytest

from checks.models import Finding
from checks.services import check_run_now
from orders.services import contract_suspend
from tests.contingent.factories import D, load_snapshot, make_enrolment, nobd_row
from tests.orders.factories import make_active_contract, make_order
from tests.schools.factories import make_licence


@pytest.mark.django_db
class S05WithSignedContractsTests:
    @pytest.fixture
    def signed(self, department_user, school_user, school_a):
        make_licence(school_a)  # licensed for every level: only S05 is in question here
        order = make_order(actor=department_user, school_year=2025)
        contract = make_active_contract(order=order, school_actor=school_user, department_actor=department_user,
                                        places={"primary": 2})
        assert contract.status == "active" and contract.period_start <= D <= contract.period_end
        pupils = [make_enrolment(school=school_a, grade=2) for _ in range(3)]
        return contract, pupils

    def test_pupils_above_the_places_of_the_signed_contract_are_an_s05_finding(self, signed, tmp_path, school_a):
        contract, pupils = signed
        load_snapshot(tmp_path, [nobd_row(e.pupil, school_bin=school_a.bin, grade=2) for e in pupils])
        run = check_run_now()
        assert run.counts["S05"] == 1
        finding = Finding.objects.get(code="S05", status="open")
        assert (finding.school, finding.level) == (school_a, "primary")

    def test_a_suspended_contract_funds_no_places_so_the_school_is_no_longer_checked_for_s05(
        self, signed, tmp_path, school_a, department_user
    ):
        contract, pupils = signed
        contract_suspend(contract=contract, actor=department_user, reason="inspection")
        load_snapshot(tmp_path, [nobd_row(e.pupil, school_bin=school_a.bin, grade=2) for e in pupils])
        assert check_run_now().counts["S05"] == 0
