import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from acts.choices import ActStatus, SubmissionOutcome
from acts.models import Act, ActLine, ActSubmission
from acts.money import line_amount
from acts.services import act_build, act_correct, act_rebuild, act_return, act_submit, acts_build_month
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import NORMS, make_contract, make_enrolment, make_iban, make_pupil
from tests.factories import make_school

pytestmark = pytest.mark.django_db


def expected(level: str, days: int, month_days: int = 31, coefficient: Decimal = Decimal("1")) -> Decimal:
    return line_amount(norm=NORMS[level], coefficient=coefficient, days=days, month_days=month_days)



@contextmanager
def legacy_overlaps_allowed():
    """Data that predates the no-overlap triggers (contingent migration 0003): no trigger fires for these inserts."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE NONE")  # the portal's role may not turn triggers off; its administrator may
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


class ActBuildTests:
    def test_an_act_has_one_line_per_enrolment_of_the_month_priced_by_the_money_rule(self, contract, school_a, school_b,
                                                                                     school_user):
        full = make_enrolment(school=school_a, grade=2)
        sen = make_enrolment(school=school_a, grade=7, category="sen")
        joined = make_enrolment(school=school_a, grade=10, enrolled_on=dt.date(2025, 10, 14))
        left = make_enrolment(school=school_a, grade=5, left_on=dt.date(2025, 10, 9))
        make_enrolment(school=school_a, grade=4, enrolled_on=dt.date(2025, 11, 3))  # after the month
        make_enrolment(school=school_a, grade=4, left_on=dt.date(2025, 9, 30))  # left before the month
        make_enrolment(school=school_b, grade=4)  # another school

        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)

        lines = {line.enrolment_id: line for line in ActLine.objects.filter(act=act)}
        assert set(lines) == {full.pk, sen.pk, joined.pk, left.pk}
        assert (lines[full.pk].level, lines[full.pk].days, lines[full.pk].amount) == ("primary", 31, expected("primary", 31))
        assert lines[sen.pk].coefficient == Decimal("1.50")
        assert lines[sen.pk].amount == expected("basic", 31, coefficient=Decimal("1.50"))
        assert (lines[joined.pk].first_day, lines[joined.pk].days) == (dt.date(2025, 10, 14), 18)
        assert lines[joined.pk].amount == expected("general", 18)
        assert (lines[left.pk].last_day, lines[left.pk].days) == (dt.date(2025, 10, 9), 9)
        assert lines[left.pk].amount == expected("basic", 9)
        assert act.total_amount == sum(line.amount for line in lines.values())
        assert act.line_count == 4
        assert (act.status, act.version, act.due_on) == (ActStatus.DRAFT, 1, dt.date(2025, 11, 5))
        assert AuditEvent.objects.filter(action="act_built", object_id=str(act.pk)).exists()

    def test_each_line_is_rounded_half_up_once(self, school_a, school_user):
        norm = Decimal("100.01")
        contract = make_contract(school=school_a, levels={"primary": (10, norm)})
        # November has 30 days: 100.01 × 15 / 30 = 50.005 → 50.01 (half-up; half-even would give 50.00).
        lines = [make_enrolment(school=school_a, grade=1, enrolled_on=dt.date(2025, 11, 16)) for _ in range(3)]
        act = act_build(contract=contract, month=dt.date(2025, 11, 1), actor=school_user, today=TODAY)
        amounts = list(ActLine.objects.filter(act=act).values_list("amount", flat=True))
        assert amounts == [Decimal("50.01")] * len(lines)
        assert act.total_amount == Decimal("150.03")  # the sum of rounded lines, not round(150.015)

    def test_only_levels_the_contract_funds_are_billed(self, school_a, school_user):
        contract = make_contract(school=school_a, levels={"basic": (10, NORMS["basic"])})
        make_enrolment(school=school_a, grade=3)
        basic = make_enrolment(school=school_a, grade=9)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        assert list(act.lines.values_list("enrolment_id", flat=True)) == [basic.pk]

    def test_days_stop_at_the_contract_period(self, school_a, school_user):
        contract = make_contract(school=school_a, period=(dt.date(2025, 10, 11), dt.date(2026, 5, 31)))
        make_enrolment(school=school_a, grade=3)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        line = act.lines.get()
        assert (line.first_day, line.days, line.amount) == (dt.date(2025, 10, 11), 21, expected("primary", 21))

    def test_at_most_one_act_per_contract_and_month(self, contract, school_user):
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        with pytest.raises(ConflictError):
            act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        with pytest.raises(IntegrityError), transaction.atomic():
            Act.objects.create(contract=contract, school=contract.school, month=OCTOBER, due_on=act.due_on,
                               built_at=act.built_at, built_by=school_user)

    def test_only_the_contracts_school_builds_its_act(self, contract, other_school_user, department_user, operator_user):
        for user in (other_school_user, department_user, operator_user):
            with pytest.raises(PermissionDeniedError):
                act_build(contract=contract, month=OCTOBER, actor=user, today=TODAY)

    def test_months_outside_the_contract_or_not_begun_are_refused(self, contract, school_user):
        with translation.override("en"), pytest.raises(DomainError, match="outside the contract period"):
            act_build(contract=contract, month=dt.date(2025, 8, 1), actor=school_user, today=TODAY)
        with pytest.raises(DomainError, match="begun"), translation.override("en"):
            act_build(contract=contract, month=dt.date(2025, 12, 1), actor=school_user, today=TODAY)

    def test_a_contract_that_is_not_active_has_no_acts(self, school_a, school_user):
        contract = make_contract(school=school_a, status="suspended")
        with pytest.raises(ConflictError):
            act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)

    def test_the_database_refuses_a_pupil_enrolled_twice_on_overlapping_dates(self, school_a):
        from django.db import IntegrityError, transaction

        pupil = make_pupil()
        make_enrolment(school=school_a, pupil=pupil, enrolled_on=dt.date(2025, 9, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            make_enrolment(school=school_a, pupil=pupil, enrolled_on=dt.date(2025, 10, 10))

    def test_legacy_overlapping_enrolments_stop_the_build_instead_of_billing_twice(self, contract, school_a, school_user):
        pupil = make_pupil()
        make_enrolment(school=school_a, pupil=pupil, enrolled_on=dt.date(2025, 9, 1))
        with legacy_overlaps_allowed():
            make_enrolment(school=school_a, pupil=pupil, enrolled_on=dt.date(2025, 10, 10))
        with translation.override("en"), pytest.raises(DomainError, match=pupil.iin):
            act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        assert not Act.objects.exists()

    def test_a_pupil_who_left_and_came_back_is_billed_for_both_stays(self, contract, school_a, school_user):
        pupil = make_pupil()
        make_enrolment(school=school_a, pupil=pupil, enrolled_on=dt.date(2025, 9, 1), left_on=dt.date(2025, 10, 5))
        make_enrolment(school=school_a, pupil=pupil, enrolled_on=dt.date(2025, 10, 20))
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        assert sorted(act.lines.values_list("days", flat=True)) == [5, 12]

    def test_a_pupil_month_is_billed_under_one_contract_only(self, contract, school_a, school_user):
        make_enrolment(school=school_a, grade=3)
        second = make_contract(school=school_a)
        first_act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        second_act = act_build(contract=second, month=OCTOBER, actor=school_user, today=TODAY)
        assert first_act.line_count == 1 and second_act.line_count == 0


class ActSubmitTests:
    def test_submitting_freezes_the_version_and_records_what_was_submitted(self, contract, school_a, school_user):
        make_enrolment(school=school_a, grade=3)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        act = act_submit(act=act, actor=school_user, today=dt.date(2025, 11, 3))
        assert act.status == ActStatus.SUBMITTED and act.submitted_by == school_user
        # 10 working days from Monday 3 November 2025: 17 November.
        assert act.review_due_on == dt.date(2025, 11, 17)
        submission = ActSubmission.objects.get(act=act)
        assert (submission.version, submission.line_count, submission.total_amount) == (1, 1, act.total_amount)
        assert len(submission.lines_sha256) == 64
        event = AuditEvent.objects.get(action="act_submitted", object_id=str(act.pk))
        assert (event.from_status, event.to_status, event.actor_id) == ("draft", "submitted", school_user.pk)

    def test_an_empty_act_or_an_unfinished_month_cannot_be_submitted(self, contract, school_a, school_user):
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        with pytest.raises(DomainError):
            act_submit(act=act, actor=school_user, today=TODAY)
        make_enrolment(school=school_a, grade=3)
        november = act_build(contract=contract, month=dt.date(2025, 11, 1), actor=school_user, today=TODAY)
        with translation.override("en"), pytest.raises(DomainError, match="last day"):
            act_submit(act=november, actor=school_user, today=TODAY)

    def test_a_draft_is_rebuilt_from_the_current_contingent(self, contract, school_a, school_user):
        make_enrolment(school=school_a, grade=3)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        make_enrolment(school=school_a, grade=6)
        act = act_rebuild(act=act, actor=school_user)
        assert act.line_count == 2 and act.version == 1
        assert act.total_amount == expected("primary", 31) + expected("basic", 31)
        assert AuditEvent.objects.filter(action="act_rebuilt", object_id=str(act.pk)).exists()

    def test_a_submitted_act_cannot_be_rebuilt(self, contract, school_a, school_user):
        make_enrolment(school=school_a, grade=3)
        act = act_submit(act=act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY),
                         actor=school_user, today=TODAY)
        with pytest.raises(ConflictError):
            act_rebuild(act=act, actor=school_user)


class ActCorrectionTests:
    def test_a_returned_act_is_corrected_as_a_new_version_and_the_old_one_stays(self, contract, school_a, school_user,
                                                                                department_user):
        first = make_enrolment(school=school_a, grade=3)
        act = act_submit(act=act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY),
                         actor=school_user, today=TODAY)
        act = act_return(act=act, actor=department_user, reason="Оқушының құжаттары жоқ")
        first.left_on = dt.date(2025, 10, 15)
        first.save()
        act = act_correct(act=act, actor=school_user)
        assert (act.status, act.version) == (ActStatus.DRAFT, 2)
        assert act.total_amount == expected("primary", 15)
        act = act_submit(act=act, actor=school_user, today=TODAY)

        v1, v2 = ActSubmission.objects.filter(act=act).order_by("version")
        assert (v1.outcome, v1.reason, v1.total_amount) == (SubmissionOutcome.RETURNED, "Оқушының құжаттары жоқ",
                                                            expected("primary", 31))
        assert (v2.outcome, v2.total_amount) == (SubmissionOutcome.PENDING, expected("primary", 15))
        assert ActLine.objects.get(act=act, version=1).days == 31
        assert ActLine.objects.get(act=act, version=2).days == 15
        actions = list(AuditEvent.objects.filter(object_id=str(act.pk), content_type__model="act")
                       .values_list("action", flat=True))
        assert actions == ["act_built", "act_submitted", "act_returned", "act_corrected", "act_submitted"]


class BulkBuildTests:
    def test_the_acts_of_every_active_contract_are_built_at_once(self, contract, other_contract, school_a, school_b,
                                                                 region_astana, operator_user):
        make_enrolment(school=school_a, grade=3)
        make_enrolment(school=school_b, grade=10, category="sen")
        third_school = make_school(region=region_astana, name="Үшінші", iban=make_iban())
        make_contract(school=third_school, status="suspended")
        troubled = make_school(region=region_astana, name="Қайталау", iban=make_iban())
        make_contract(school=troubled)
        pupil = make_pupil()
        make_enrolment(school=troubled, pupil=pupil)
        with legacy_overlaps_allowed():
            make_enrolment(school=troubled, pupil=pupil, enrolled_on=dt.date(2025, 10, 2))

        result = acts_build_month(month=OCTOBER, actor=operator_user, today=TODAY)

        assert (result["acts"], result["lines"]) == (2, 2)
        assert list(result["skipped"].values()) == [[pupil.iin]]
        assert set(Act.objects.values_list("contract_id", flat=True)) == {contract.pk, other_contract.pk}
        act_b = Act.objects.get(contract=other_contract)
        assert act_b.total_amount == expected("general", 31, coefficient=Decimal("1.50"))
        # Run again: nothing new, nothing doubled.
        assert acts_build_month(month=OCTOBER, actor=operator_user, today=TODAY)["acts"] == 0
        assert ActLine.objects.count() == 2

    def test_only_operators_build_in_bulk(self, school_user):
        with pytest.raises(PermissionDeniedError):
            acts_build_month(month=OCTOBER, actor=school_user, today=TODAY)

