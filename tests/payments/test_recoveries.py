import datetime as dt
from decimal import Decimal

import pytest

from checks.models import Finding
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from payments.choices import PaymentStatus, RecoveryStatus
from payments.models import Recovery, RecoveryOffset
from payments.services import payment_cancel, payment_prepare, recoveries_detect, recovery_cancel
from payments.services.recoveries import recovery_remaining
from tests.acts.conftest import OCTOBER
from tests.acts.factories import NORMS, make_check_run, make_enrolment, make_finding
from tests.acts.helpers import accepted_act
from tests.payments.helpers import pay

SEPTEMBER = dt.date(2025, 9, 1)


@pytest.fixture
def paid_september(contract, school_a, school_user, department_user, operator_user, second_operator_user):
    enrolments = [make_enrolment(school=school_a, grade=g) for g in (1, 6)]
    act = accepted_act(contract=contract, month=SEPTEMBER, school_user=school_user, department_user=department_user)
    payment = pay(act=act, preparer=operator_user, approver=second_operator_user)
    assert payment.status == PaymentStatus.PAID
    return act, enrolments


def line_of(act, enrolment):
    return act.lines.get(enrolment=enrolment, version=act.version)


@pytest.mark.django_db
class RecoveryDetectionTests:
    def test_a_later_error_on_a_paid_line_records_a_recovery_once(self, paid_september, school_a):
        act, (primary, basic) = paid_september
        run = make_check_run(check_date=dt.date(2025, 10, 20))
        finding = make_finding(school=school_a, code="P03", enrolment=primary, run=run)
        assert recoveries_detect(run=run) == 1
        recovery = Recovery.objects.get()
        line = line_of(act, primary)
        assert (recovery.line, recovery.finding, recovery.amount, recovery.status, recovery.detected_by_run) == (
            line, finding, line.amount, RecoveryStatus.OPEN, run)
        assert AuditEvent.objects.filter(action="recovery_recorded", object_id=str(recovery.pk)).exists()
        assert recoveries_detect(run=run) == 0  # idempotent
        make_finding(school=school_a, code="P05", enrolment=primary, run=run)
        assert recoveries_detect(run=run) == 0  # a line's money comes back once, whatever the findings

    def test_a_school_level_error_recovers_the_lines_of_its_level(self, paid_september, school_a):
        act, (primary, basic) = paid_september
        make_finding(school=school_a, code="S01", level="basic")
        make_finding(school=school_a, code="S04")  # a warning recovers nothing
        assert recoveries_detect() == 1
        assert Recovery.objects.get().line == line_of(act, basic)

    def test_unpaid_acts_waived_findings_and_rejected_lines_are_not_recovered(self, contract, school_a, school_user,
                                                                             department_user, operator_user):
        e1, e2 = make_enrolment(school=school_a), make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=SEPTEMBER, school_user=school_user, department_user=department_user)
        payment_prepare(act=act, actor=operator_user)  # prepared, not paid
        make_finding(school=school_a, code="P03", enrolment=e1)
        make_finding(school=school_a, code="P02", enrolment=e2, status="waived")
        assert recoveries_detect() == 0

    def test_a_run_for_an_earlier_date_does_not_reach_later_months(self, paid_september, school_a):
        _act, (primary, _basic) = paid_september
        run = make_check_run(check_date=dt.date(2025, 8, 30))
        make_finding(school=school_a, code="P03", enrolment=primary, run=run)
        assert recoveries_detect(run=run) == 0

    def test_the_task_runs_the_detection(self, paid_september, school_a):
        from payments.tasks import detect_recoveries

        _act, (primary, _basic) = paid_september
        run = make_check_run()
        make_finding(school=school_a, code="P03", enrolment=primary, run=run)
        assert detect_recoveries(run.pk) == 1


@pytest.mark.django_db
class RecoveryOffsetTests:
    def test_recoveries_are_offset_oldest_first_and_the_rest_is_carried_forward(
            self, paid_september, contract, school_a, school_user, department_user, operator_user, second_operator_user):
        act, (primary, basic) = paid_september  # 95 000 + 110 000 paid for September
        for enrolment in (primary, basic):
            make_finding(school=school_a, code="P03", enrolment=enrolment)
        assert recoveries_detect() == 2
        # Which line was inserted first is up to the planner: name each recovery by its pupil.
        r_primary, r_basic = (Recovery.objects.get(line__enrolment=enrolment) for enrolment in (primary, basic))
        assert (r_primary.amount, r_basic.amount) == (NORMS["primary"], NORMS["basic"])
        # The findings are resolved afterwards (September stays recovered); the basic pupil left in September.
        Finding.objects.update(status="resolved")
        basic.left_on = dt.date(2025, 9, 30)
        basic.save()
        later = dt.date(2026, 1, 10)

        october = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        paid = pay(act=october, preparer=operator_user, approver=second_operator_user)
        assert (paid.accepted_amount, paid.offset_amount, paid.amount) == (NORMS["primary"], NORMS["primary"], 0)
        r_primary.refresh_from_db()
        r_basic.refresh_from_db()
        assert (r_primary.status, r_basic.status) == (RecoveryStatus.OFFSET, RecoveryStatus.OPEN)

        november = accepted_act(contract=contract, month=dt.date(2025, 11, 1), school_user=school_user,
                                department_user=department_user, today=later)
        paid = pay(act=november, preparer=operator_user, approver=second_operator_user)
        assert (paid.offset_amount, paid.amount) == (NORMS["primary"], 0)
        assert recovery_remaining([r_basic])[r_basic.pk] == NORMS["basic"] - NORMS["primary"]  # carried forward

        december = accepted_act(contract=contract, month=dt.date(2025, 12, 1), school_user=school_user,
                                department_user=department_user, today=later)
        payment = payment_prepare(act=december, actor=operator_user)
        rest = NORMS["basic"] - NORMS["primary"]
        assert (payment.accepted_amount, payment.offset_amount, payment.amount) == (NORMS["primary"], rest,
                                                                                   NORMS["primary"] - rest)
        assert list(RecoveryOffset.objects.filter(payment=payment).values_list("recovery", "amount")) == [(r_basic.pk, rest)]
        r_basic.refresh_from_db()
        assert r_basic.status == RecoveryStatus.OFFSET
        # A cancelled (or failed) payment gives its offsets back.
        payment_cancel(payment=payment, actor=operator_user, reason="Қайта есептеу")
        r_basic.refresh_from_db()
        assert r_basic.status == RecoveryStatus.OPEN and recovery_remaining([r_basic])[r_basic.pk] == rest

    def test_the_plans_read_at_once_for_the_payments_list_are_each_acts_own_plan(
            self, paid_september, contract, school_a, school_user, department_user):
        from payments.services.payments import offset_plan, offset_plans

        act, enrolments = paid_september
        for enrolment in enrolments:
            make_finding(school=school_a, code="P03", enrolment=enrolment)
        assert recoveries_detect() == 2
        Finding.objects.update(status="resolved")  # September stays recovered; October and November are payable
        october = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        november = accepted_act(contract=contract, month=dt.date(2025, 11, 1), school_user=school_user,
                                department_user=department_user, today=dt.date(2026, 1, 10))
        plans = offset_plans([october, november])
        assert plans == {a.pk: offset_plan(a, lock=False) for a in (october, november)}
        assert len(plans[october.pk]) == 2  # both recoveries fit the month, oldest first
        assert offset_plans([]) == {}

    def test_a_zero_payment_settles_the_act_without_a_transfer(self, paid_september, contract, school_a, school_user,
                                                               department_user, operator_user, second_operator_user):
        act, (primary, basic) = paid_september
        make_finding(school=school_a, code="S03")
        assert recoveries_detect() == 2
        for finding in school_a.findings.all():
            finding.status = "waived"
            finding.save()
        october = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = pay(act=october, preparer=operator_user, approver=second_operator_user)
        october.refresh_from_db()
        assert (payment.status, payment.amount, october.status) == (PaymentStatus.PAID, Decimal("0.00"), "paid")
        total_recovered = sum(r.amount for r in Recovery.objects.all())
        assert payment.offset_amount == october.accepted_amount == NORMS["primary"] + NORMS["basic"]
        assert total_recovered == act.accepted_amount

    def test_cancelling_a_recovery_needs_a_reason_and_no_offset(self, paid_september, school_a, department_user,
                                                                other_department_user, operator_user, school_user):
        _act, (primary, _basic) = paid_september
        make_finding(school=school_a, code="P03", enrolment=primary)
        recoveries_detect()
        recovery = Recovery.objects.get()
        for user in (other_department_user, school_user):
            with pytest.raises(PermissionDeniedError):
                recovery_cancel(recovery=recovery, actor=user, reason="x")
        with pytest.raises(DomainError):
            recovery_cancel(recovery=recovery, actor=department_user, reason="")
        recovery = recovery_cancel(recovery=recovery, actor=department_user, reason="Қазанда оқыды: бұйрық бар")
        assert recovery.status == RecoveryStatus.CANCELLED
        with pytest.raises(ConflictError):
            recovery_cancel(recovery=recovery, actor=operator_user, reason="again")

    def test_another_contract_is_never_offset(self, paid_september, school_a, school_b, other_contract, operator_user,
                                              other_school_user, other_department_user):
        _act, (primary, _basic) = paid_september
        make_finding(school=school_a, code="P03", enrolment=primary)
        recoveries_detect()
        make_enrolment(school=school_b)
        act_b = accepted_act(contract=other_contract, month=OCTOBER, school_user=other_school_user,
                             department_user=other_department_user)
        assert payment_prepare(act=act_b, actor=operator_user).offset_amount == 0


@pytest.mark.django_db
class RecoveryListSortingTests:
    def test_recoveries_sort_by_recording_and_by_amount_both_ways(self, paid_september, client, school_a, operator_user):
        from tests.sorting import assert_sorts

        act, enrolments = paid_september
        for enrolment in enrolments:
            make_finding(school=school_a, code="P03", enrolment=enrolment)
        assert recoveries_detect() == 2
        recoveries = list(Recovery.objects.all())
        client.force_login(operator_user)
        assert_sorts(client, "/en/payments/recoveries/", "recorded",
                     [r.pk for r in sorted(recoveries, key=lambda r: (r.created_at, r.pk))])
        assert_sorts(client, "/en/payments/recoveries/", "amount", [r.pk for r in sorted(recoveries, key=lambda r: r.amount)])
