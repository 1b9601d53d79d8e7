"""Every red flag on planted cases with exact counts, with boundary cases on each side of each threshold."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from procurement.choices import FlagCode, FlagStatus, ProcurementEvent, UnitStatus
from procurement.models import PenaltyClaim, ProcurementFlag, WarrantyClaim
from procurement.services import flags_search
from tests.factories import make_user
from tests.procurement.factories import at, make_contract, make_delivery, make_line, make_unit
from tests.schools.factories import make_rnu

D = dt.date(2025, 12, 1)
_items = itertools.count(1)
DUE = dt.date(2025, 9, 1)


def open_flags(code) -> list[ProcurementFlag]:
    return list(ProcurementFlag.objects.filter(code=code, status=FlagStatus.OPEN).order_by("key"))


@pytest.fixture
def contract(region_astana):
    return make_contract(region=region_astana, signed_on=dt.date(2025, 6, 2))


def accepted_unit(contract, school, person, *, line=None, serial=None, delivered_on=DUE, decided_at=None, **fields):
    line = line or make_line(contract=contract, school=school, item_code=f"IT-{next(_items)}", delivery_due=DUE)
    delivery = make_delivery(contract=contract, school=school, recorded_by=person, delivered_on=delivered_on)
    return make_unit(delivery=delivery, line=line, serial=serial, status=UnitStatus.ACCEPTED, person=person,
                     decided_at=decided_at or at(delivered_on, 15), **fields)


@pytest.mark.django_db
class SerialTwiceTests:
    def test_a_serial_accepted_at_two_or_three_schools_is_one_flag_each(self, contract, school_a, school_user, school_c,
                                                                         school_c_user, region_astana):
        from tests.factories import make_school

        school_d = make_school(region=region_astana, name="Мектеп Г")
        person_d = make_user("school_d", role="school", school=school_d)
        accepted_unit(contract, school_a, school_user, serial="TWICE1")
        accepted_unit(contract, school_c, school_c_user, serial="TWICE1")
        for school, person in ((school_a, school_user), (school_c, school_c_user), (school_d, person_d)):
            accepted_unit(contract, school, person, serial="THRICE")
        # not flagged: one school on two lines; accepted at one school and only delivered or rejected at another
        accepted_unit(contract, school_a, school_user, serial="ONESCHOOL")
        accepted_unit(contract, school_a, school_user, serial="ONESCHOOL")
        accepted_unit(contract, school_a, school_user, serial="PENDING")
        line = make_line(contract=contract, school=school_c, item_code="IT-P", delivery_due=DUE)
        delivery = make_delivery(contract=contract, school=school_c, recorded_by=school_c_user)
        make_unit(delivery=delivery, line=line, serial="PENDING")
        make_unit(delivery=delivery, line=line, serial="ONESCHOOL", status=UnitStatus.REJECTED, person=school_c_user)

        run = flags_search(as_of=D)

        assert [flag.key for flag in open_flags(FlagCode.SERIAL_TWICE)] == ["THRICE", "TWICE1"]
        assert run.counts[FlagCode.SERIAL_TWICE] == 2
        evidence = ProcurementFlag.objects.get(code=FlagCode.SERIAL_TWICE, key="THRICE").evidence
        assert evidence["schools"] == 3 and len(evidence["units"]) == 3
        assert {unit["school_bin"] for unit in evidence["units"]} == {school_a.bin, school_c.bin, school_d.bin}


@pytest.mark.django_db
class AcceptedBeforeDeliveryTests:
    def test_an_acceptance_dated_before_the_delivery_day_in_almaty_time_is_flagged(self, contract, school_a, school_user):
        day = dt.date(2025, 9, 10)
        before = accepted_unit(contract, school_a, school_user, serial="EARLY", delivered_on=day,
                               decided_at=at(day - dt.timedelta(days=1), 23, 59, 59))
        accepted_unit(contract, school_a, school_user, serial="SAMEDAY", delivered_on=day, decided_at=at(day, 0, 0, 0))
        # 00:30 in Almaty is still the day before in UTC: the local day decides, so this is not flagged
        accepted_unit(contract, school_a, school_user, serial="MIDNIGHT", delivered_on=day, decided_at=at(day, 0, 30))
        accepted_unit(contract, school_a, school_user, serial="LATER", delivered_on=day, decided_at=at(day + dt.timedelta(days=2)))

        flags_search(as_of=D)

        flags = open_flags(FlagCode.ACCEPTED_BEFORE_DELIVERY)
        assert [flag.key for flag in flags] == [str(before.pk)]
        assert flags[0].evidence["days_before"] == 1 and flags[0].school_id == school_a.pk


@pytest.mark.django_db
class PriceTests:
    def test_an_invoiced_price_above_the_contracts_by_more_than_the_tolerance_is_flagged_per_delivery_and_line(
            self, settings, contract, school_a, school_user):
        settings.PROCUREMENT_PRICE_OVER_CONTRACT_PCT = Decimal("10")
        line = make_line(contract=contract, school=school_a, quantity=20, unit_price=Decimal("1000.00"), delivery_due=DUE)
        at_limit = make_delivery(contract=contract, school=school_a, recorded_by=school_user)
        make_unit(delivery=at_limit, line=line, invoice_unit_price=Decimal("1100.00"))  # exactly +10 %: not more
        above = make_delivery(contract=contract, school=school_a, recorded_by=school_user)
        make_unit(delivery=above, line=line, invoice_unit_price=Decimal("1100.01"))
        make_unit(delivery=above, line=line, invoice_unit_price=Decimal("1500.00"))  # same delivery and line: same flag
        rejected = make_delivery(contract=contract, school=school_a, recorded_by=school_user)
        make_unit(delivery=rejected, line=line, invoice_unit_price=Decimal("2000.00"), status=UnitStatus.REJECTED, person=school_user)

        flags_search(as_of=D)

        flags = open_flags(FlagCode.PRICE_ABOVE_CONTRACT)
        assert [flag.key for flag in flags] == [f"{above.pk}:{line.pk}"]
        assert flags[0].evidence["units"] == 2 and Decimal(str(flags[0].evidence["highest_invoiced_price"])) == Decimal("1500.00")

    def test_with_no_tolerance_any_price_above_the_contracts_is_flagged(self, contract, school_a, school_user):
        line = make_line(contract=contract, school=school_a, unit_price=Decimal("1000.00"), delivery_due=DUE)
        same = make_delivery(contract=contract, school=school_a, recorded_by=school_user)
        make_unit(delivery=same, line=line, invoice_unit_price=Decimal("1000.00"))
        above = make_delivery(contract=contract, school=school_a, recorded_by=school_user)
        make_unit(delivery=above, line=line, invoice_unit_price=Decimal("1000.01"))

        flags_search(as_of=D)

        assert [flag.key for flag in open_flags(FlagCode.PRICE_ABOVE_CONTRACT)] == [f"{above.pk}:{line.pk}"]

    def test_a_unit_price_above_the_national_median_by_more_than_the_setting_is_flagged(
            self, settings, region_astana, region_almaty, school_a, school_b, school_c):
        settings.PROCUREMENT_PRICE_OVER_MEDIAN_PCT = Decimal("20")
        settings.PROCUREMENT_MEDIAN_MIN_LINES = 3
        one, two = make_contract(region=region_astana), make_contract(region=region_almaty)
        # item A, odd count: median 100.00; 120.00 is +20 % (not more), 120.01 is more
        make_line(contract=one, school=school_a, item_code="A", unit_price=Decimal("100.00"))
        make_line(contract=two, school=school_b, item_code="A", unit_price=Decimal("100.00"))
        make_line(contract=one, school=school_c, item_code="A", unit_price=Decimal("120.00"))
        make_line(contract=two, school=school_b, item_code="A2", unit_price=Decimal("100.00"))
        make_line(contract=one, school=school_a, item_code="A2", unit_price=Decimal("100.00"))
        above_a2 = make_line(contract=one, school=school_c, item_code="A2", unit_price=Decimal("120.01"))
        # item C has only two lines: too few for a median
        make_line(contract=one, school=school_a, item_code="C", unit_price=Decimal("100.00"))
        make_line(contract=two, school=school_b, item_code="C", unit_price=Decimal("1000.00"))

        flags_search(as_of=D)

        flags = open_flags(FlagCode.PRICE_ABOVE_MEDIAN)
        assert [flag.key for flag in flags] == [str(above_a2.pk)]
        assert Decimal(str(flags[0].evidence["national_median"])) == Decimal("100.00")

    def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_prices(self, settings, region_astana, school_a, school_c):
        settings.PROCUREMENT_PRICE_OVER_MEDIAN_PCT = Decimal("20")
        contract = make_contract(region=region_astana)
        make_line(contract=contract, school=school_a, item_code="B", unit_price=Decimal("100.00"))
        make_line(contract=contract, school=school_c, item_code="B", unit_price=Decimal("150.00"))
        other = make_contract(region=region_astana)
        make_line(contract=other, school=school_a, item_code="B", unit_price=Decimal("200.00"))  # limit 175 × 1.2 = 210.00
        high = make_line(contract=other, school=school_c, item_code="B", unit_price=Decimal("300.00"))
        # the median of 100, 150, 200, 300 is 175.00; 300 > 210.00 is flagged, 200 is not

        flags_search(as_of=D)

        flags = open_flags(FlagCode.PRICE_ABOVE_MEDIAN)
        assert [flag.key for flag in flags] == [str(high.pk)]
        assert Decimal(str(flags[0].evidence["national_median"])) == Decimal("175.00")


@pytest.mark.django_db
class BulkAcceptanceTests:
    def test_the_count_and_the_minutes_are_judged_on_each_side_of_the_threshold(self, settings, contract, school_a, school_c,
                                                                                 region_astana):
        settings.PROCUREMENT_BULK_MIN_UNITS = 5
        settings.PROCUREMENT_BULK_MINUTES = 10
        fast = make_user("fast", role="school", school=school_a)
        slow = make_user("slow", role="school", school=school_a)
        few = make_user("few", role="school", school=school_c)
        day, other_day = dt.date(2025, 9, 3), dt.date(2025, 9, 4)
        line_a = make_line(contract=contract, school=school_a, quantity=100, delivery_due=DUE)
        line_c = make_line(contract=contract, school=school_c, quantity=100, delivery_due=DUE)
        delivery_a = make_delivery(contract=contract, school=school_a, recorded_by=fast, delivered_on=day)
        delivery_c = make_delivery(contract=contract, school=school_c, recorded_by=few, delivered_on=day)

        def accept(person, delivery, line, moments):
            for moment in moments:
                make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=person, decided_at=moment)

        start = at(day, 10)
        # 5 units, first to last exactly 10 minutes: flagged
        accept(fast, delivery_a, line_a, [start + dt.timedelta(seconds=s) for s in (0, 100, 200, 400, 600)])
        # 5 units within 10 minutes and 1 second: not flagged
        accept(slow, delivery_a, line_a, [start + dt.timedelta(seconds=s) for s in (0, 150, 300, 450, 601)])
        # 4 units within one minute: not flagged
        accept(few, delivery_c, line_c, [start + dt.timedelta(seconds=s) for s in (0, 10, 20, 30)])
        # the fast person again the next day, 6 units in 2 minutes: a second flag (one per person and day)
        accept(fast, delivery_a, line_a, [at(other_day, 9) + dt.timedelta(seconds=s * 20) for s in range(6)])
        # … and a second burst the same day as the first: still the one flag of that day
        accept(fast, delivery_a, line_a, [at(day, 16) + dt.timedelta(seconds=s * 30) for s in range(5)])

        flags_search(as_of=D)

        flags = open_flags(FlagCode.BULK_ACCEPTANCE)
        assert sorted(flag.key for flag in flags) == [f"{fast.pk}:{day.isoformat()}", f"{fast.pk}:{other_day.isoformat()}"]
        first = next(flag for flag in flags if flag.key.endswith(day.isoformat()))
        assert first.evidence["units"] == 5 and first.evidence["seconds"] == 600 and len(first.evidence["accepted"]) == 5


@pytest.mark.django_db
class UnreliableSupplierTests:
    def test_the_supplier_is_judged_on_the_signing_day_each_delivery_day_and_today(self, region_astana, school_a, school_user):
        signed = dt.date(2025, 6, 2)

        def contract_of(bin_value, *, status="active", ended_on=None):
            contract = make_contract(region=region_astana, signed_on=signed, supplier_bin=bin_value, status=status, ended_on=ended_on)
            make_line(contract=contract, school=school_a, delivery_due=DUE)
            return contract

        at_signing = contract_of("000000000001")
        make_rnu(bin="000000000001", included_on=signed)  # included on the signing day itself: in force
        at_delivery = contract_of("000000000002")
        make_rnu(bin="000000000002", included_on=dt.date(2025, 8, 1), excluded_on=dt.date(2025, 8, 31))
        make_delivery(contract=at_delivery, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 8, 15))
        today_only = contract_of("000000000003")
        make_rnu(bin="000000000003", included_on=dt.date(2025, 11, 1))
        # not flagged: excluded on the delivery day; listed only after a terminated contract ended; never listed
        excluded = contract_of("000000000004")
        make_rnu(bin="000000000004", included_on=dt.date(2025, 7, 1), excluded_on=dt.date(2025, 8, 15))
        make_delivery(contract=excluded, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 8, 15))
        contract_of("000000000005", status="terminated", ended_on=dt.date(2025, 10, 1))
        make_rnu(bin="000000000005", included_on=dt.date(2025, 11, 1))
        contract_of("000000000006")

        flags_search(as_of=D)

        flags = {flag.contract_id: flag for flag in open_flags(FlagCode.UNRELIABLE_SUPPLIER)}
        assert set(flags) == {at_signing.pk, at_delivery.pk, today_only.pk}
        occasions = lambda contract: [o["occasion"] for o in flags[contract.pk].evidence["occasions"]]  # noqa: E731
        assert occasions(at_signing) == ["signing", "as_of"]
        assert occasions(at_delivery) == ["delivery"]
        assert occasions(today_only) == ["as_of"]


@pytest.mark.django_db
class LateWithoutPenaltyTests:
    def test_a_final_late_penalty_that_was_not_claimed_is_flagged(self, region_astana, school_a, school_user, department_user):
        contract = make_contract(region=region_astana)

        def line_with(quantity, accepted_offsets, item):
            line = make_line(contract=contract, school=school_a, item_code=item, quantity=quantity, delivery_due=DUE,
                             unit_price=Decimal("1000.00"))
            delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=DUE)
            for offset in accepted_offsets:
                make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user,
                          decided_at=at(DUE + dt.timedelta(days=offset)))
            return line

        late_done = line_with(2, [3, 5], "LATE-DONE")  # all accepted late, no claim: flagged
        claimed = line_with(1, [4], "CLAIMED")
        PenaltyClaim.objects.create(line=claimed, as_of=D, late_units=1, unit_days=4, amount=Decimal("4.00"), claimed_by=department_user)
        cancelled = line_with(1, [4], "CANCELLED")  # its claim was cancelled: flagged
        PenaltyClaim.objects.create(line=cancelled, as_of=D, late_units=1, unit_days=4, amount=Decimal("4.00"),
                                    claimed_by=department_user, status="cancelled", reason="force majeure")
        line_with(2, [1], "GROWING")  # one unit outstanding 90 days, under the cap: not final yet
        line_with(1, [0], "ON-TIME")
        capped_d = DUE + dt.timedelta(days=100)
        capped = line_with(1, [], "CAPPED")  # outstanding 100 days on D + ...: the cap is reached
        # boundary: 99 days outstanding is not final, 100 days is
        run_99 = flags_search(as_of=DUE + dt.timedelta(days=99))
        keys_99 = {flag.key for flag in open_flags(FlagCode.LATE_WITHOUT_PENALTY)}
        run_100 = flags_search(as_of=capped_d)
        keys_100 = {flag.key for flag in open_flags(FlagCode.LATE_WITHOUT_PENALTY)}

        assert keys_99 == {str(late_done.pk), str(cancelled.pk)} and run_99.counts[FlagCode.LATE_WITHOUT_PENALTY] == 2
        assert keys_100 == {str(late_done.pk), str(cancelled.pk), str(capped.pk)} and run_100.counts[FlagCode.LATE_WITHOUT_PENALTY] == 3
        evidence = ProcurementFlag.objects.get(code=FlagCode.LATE_WITHOUT_PENALTY, key=str(late_done.pk)).evidence
        assert (evidence["late_units"], evidence["unit_days"], Decimal(str(evidence["penalty_due"]))) == (2, 8, Decimal("8.00"))

    def test_a_terminated_contract_makes_the_penalty_final(self, region_astana, school_a):
        contract = make_contract(region=region_astana, status="terminated", ended_on=DUE + dt.timedelta(days=10))
        line = make_line(contract=contract, school=school_a, quantity=3, delivery_due=DUE, unit_price=Decimal("100.00"))

        flags_search(as_of=D)

        flags = open_flags(FlagCode.LATE_WITHOUT_PENALTY)
        assert [flag.key for flag in flags] == [str(line.pk)]
        assert flags[0].evidence["unit_days"] == 30  # counted to the day the contract ended, not to D


@pytest.mark.django_db
class WarrantyUnansweredTests:
    def test_claims_not_answered_by_their_deadline_are_flagged(self, contract, school_a, school_user):
        unit = accepted_unit(contract, school_a, school_user, serial="W1")

        def claim(due, **fields):
            return WarrantyClaim.objects.create(unit=unit, filed_on=due - dt.timedelta(days=7), filed_by=school_user,
                                                description="экран", response_due_on=due, **fields)

        overdue = claim(D - dt.timedelta(days=1))  # open, due yesterday
        claim(D, status="answered", answered_on=D)  # answered on the last day: in time
        late_answer = claim(D - dt.timedelta(days=3), status="closed", answered_on=D - dt.timedelta(days=2), resolution="repaired")
        claim(D - dt.timedelta(days=3), status="answered", answered_on=D - dt.timedelta(days=3))
        due_today = accepted_unit(contract, school_a, school_user, serial="W2")
        WarrantyClaim.objects.create(unit=due_today, filed_on=D - dt.timedelta(days=7), filed_by=school_user, description="x",
                                     response_due_on=D)  # open, due today: not yet late

        flags_search(as_of=D)

        assert sorted(flag.key for flag in open_flags(FlagCode.WARRANTY_UNANSWERED)) == sorted([str(overdue.pk), str(late_answer.pk)])


@pytest.mark.django_db
class SearchTests:
    def test_a_second_search_changes_nothing_and_a_flag_keeps_its_id_when_it_clears_and_returns(
            self, contract, school_a, school_user, school_c, school_c_user):
        accepted_unit(contract, school_a, school_user, serial="DUP")
        second = accepted_unit(contract, school_c, school_c_user, serial="DUP")
        flags_search(as_of=D)
        flag = ProcurementFlag.objects.get(code=FlagCode.SERIAL_TWICE)
        flags_search(as_of=D)
        assert ProcurementFlag.objects.count() == 1
        assert AuditEvent.objects.filter(action=ProcurementEvent.FLAG_RAISED).count() == 1

        second.status, second.reject_reason, second.works = UnitStatus.REJECTED, "not_working", False
        second.save()
        flags_search(as_of=D)
        flag.refresh_from_db()
        assert flag.status == FlagStatus.CLEARED and flag.cleared_at is not None

        second.status, second.reject_reason, second.works = UnitStatus.ACCEPTED, "", True
        second.save()
        flags_search(as_of=D)
        assert ProcurementFlag.objects.get().pk == flag.pk and ProcurementFlag.objects.get().status == FlagStatus.OPEN
        actions = list(AuditEvent.objects.filter(object_id=str(flag.pk), action__startswith="procurement_flag")
                       .values_list("action", flat=True))
        assert actions == [ProcurementEvent.FLAG_RAISED, ProcurementEvent.FLAG_CLEARED, ProcurementEvent.FLAG_REOPENED]

    def test_the_command_prints_every_code_with_its_count_zeros_included(self, contract, school_a, school_user, school_c,
                                                                         school_c_user):
        accepted_unit(contract, school_a, school_user, serial="DUP")
        accepted_unit(contract, school_c, school_c_user, serial="DUP")
        out = io.StringIO()
        call_command("run_procurement_flags", "--date", D.isoformat(), stdout=out)
        assert out.getvalue().splitlines() == [f"{code} {1 if code == 'PR01' else 0}" for code in FlagCode.values]
