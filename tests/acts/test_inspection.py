"""Acceptance after inspection: the sample rule (open findings + a risk-weighted draw reproducible from its
seed), the department's inspection of each sampled line, and acceptance refused until it is done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from acts.choices import ActStatus, InspectionResult, LineDecision
from acts.inspection import WEIGHTS, Candidate, candidates, draw, line_weight
from acts.models import InspectionItem, InspectionSample
from acts.selectors import inspection_sample
from acts.services import (
    act_accept,
    act_build,
    act_correct,
    act_line_inspect,
    act_lines_decide,
    act_return,
    act_sample_draw,
    act_submit,
)
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_enrolment, make_finding
from tests.acts.helpers import inspect_sample


def candidate(line_id, amount="100.00", open_findings=0, cleared=0, newly=False, part=False) -> Candidate:
    return Candidate(line_id, Decimal(amount), open_findings, cleared, newly, part)


class SampleRuleTests:
    def test_every_line_with_an_open_finding_is_sampled_and_the_random_part_has_the_configured_size(self):
        lines = [candidate(i, open_findings=1 if i in (3, 7) else 0) for i in range(1, 21)]
        drawn = draw(lines, seed=12345, size=5)
        assert sorted(d.line_id for d in drawn if d.open_finding) == [3, 7]
        random_part = [d for d in drawn if not d.open_finding]
        assert [d.rank for d in random_part] == [1, 2, 3, 4, 5]
        assert not {3, 7} & {d.line_id for d in random_part}
        assert len({d.line_id for d in drawn}) == 7

    def test_a_small_act_is_inspected_whole(self):
        assert {d.line_id for d in draw([candidate(1), candidate(2)], seed=1, size=10)} == {1, 2}

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(seed=st.integers(min_value=0, max_value=2**62 - 1), size=st.integers(min_value=0, max_value=8),
           flags=st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(0, 2), st.integers(1, 500_000)),
                          min_size=0, max_size=25))
    def test_the_seed_reproduces_the_sample_whatever_the_order_of_the_lines(self, seed, size, flags):
        lines = [candidate(i + 1, f"{amount}.00", open_findings=int(flag), cleared=cleared, newly=newly)
                 for i, (flag, newly, cleared, amount) in enumerate(flags)]
        first = draw(lines, seed=seed, size=size)
        assert draw(list(reversed(lines)), seed=seed, size=size) == first
        assert {d.line_id for d in first if d.open_finding} == {c.line_id for c in lines if c.open_findings}
        assert len([d for d in first if not d.open_finding]) == min(size, sum(1 for c in lines if not c.open_findings))

    def test_a_line_of_three_times_the_weight_is_drawn_about_three_times_as_often(self):
        light, heavy = candidate(1), candidate(2, newly=True)  # weights 1 and 3 (equal amounts)
        chosen = [draw([light, heavy], seed=seed, size=1)[0].line_id for seed in range(4000)]
        assert 0.72 < chosen.count(2) / len(chosen) < 0.78  # 3 / (1 + 3); fixed seeds: the same every run

    def test_the_weights_add_risk_and_scale_with_the_amount_within_bounds(self):
        mean = Decimal("100")
        assert line_weight(candidate(1), mean) == Decimal("1.0000")
        assert line_weight(candidate(1, newly=True, part=True, cleared=2), mean) == Decimal("8.0000")  # 1 + 2 + 1 + 2·2
        assert line_weight(candidate(1, amount="200.00"), mean) == Decimal("2.0000")
        assert line_weight(candidate(1, amount="10000.00"), mean) == Decimal("4.0000")  # at most 4 times
        assert line_weight(candidate(1, amount="0.00"), mean) == Decimal("0.2500")  # never zero

    def test_another_seed_draws_another_sample(self):
        lines = [candidate(i) for i in range(1, 40)]
        assert draw(lines, seed=1, size=5) != draw(lines, seed=2, size=5)


@pytest.fixture
def enrolments(school_a):
    return {
        "plain": make_enrolment(school=school_a, grade=2),
        "new": make_enrolment(school=school_a, grade=2, enrolled_on=dt.date(2025, 10, 10)),  # joined in October
        "left": make_enrolment(school=school_a, grade=3, left_on=dt.date(2025, 10, 15)),
        "explained": make_enrolment(school=school_a, grade=7),
        "error": make_enrolment(school=school_a, grade=8),
    }


@pytest.fixture
def submitted(contract, school_user, enrolments):
    act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
    return act_submit(act=act, actor=school_user, today=TODAY)


def line_of(act, enrolment):
    return act.lines.get(enrolment=enrolment, version=act.version)


@pytest.mark.django_db
class CandidateTests:
    def test_the_database_gives_each_line_its_risk_features(self, submitted, school_a, enrolments):
        make_finding(school=school_a, code="P06", enrolment=enrolments["explained"], status="explained")
        make_finding(school=school_a, code="P03", enrolment=enrolments["error"])
        make_finding(school=school_a, code="P02", enrolment=enrolments["plain"], status="resolved")  # not live
        found = {c.line_id: c for c in candidates(submitted)}
        features = {name: found[line_of(submitted, e).pk] for name, e in enrolments.items()}
        assert (features["new"].newly_enrolled, features["new"].part_month) == (True, True)
        assert (features["left"].newly_enrolled, features["left"].part_month) == (False, True)
        assert (features["explained"].cleared_findings, features["explained"].open_findings) == (1, 0)
        assert (features["error"].open_findings, features["plain"].open_findings, features["plain"].cleared_findings) == (1, 0, 0)
        assert features["plain"].amount == line_of(submitted, enrolments["plain"]).amount


@pytest.mark.django_db
class InspectionServiceTests:
    def test_the_department_draws_the_sample_and_its_seed_reproduces_it(self, submitted, school_a, enrolments,
                                                                        department_user):
        make_finding(school=school_a, code="P03", enrolment=enrolments["error"])
        sample = act_sample_draw(act=submitted, actor=department_user)
        stored = list(InspectionItem.objects.filter(sample=sample).order_by("rank", "line_id")
                      .values_list("line_id", "open_finding", "weight", "rank"))
        again = draw(candidates(submitted), seed=sample.seed, size=sample.size, weights=sample.weights)
        assert stored == sorted([(d.line_id, d.open_finding, d.weight, d.rank) for d in again], key=lambda r: (r[3], r[0]))
        assert (sample.version, sample.weights, sample.drawn_by) == (1, WEIGHTS, department_user)
        assert (line_of(submitted, enrolments["error"]).pk, True) in [(line, flag) for line, flag, _w, _r in stored]
        event = AuditEvent.objects.get(action="act_sample_drawn", object_id=str(submitted.pk))
        assert event.data["seed"] == sample.seed and event.actor == department_user

    def test_an_act_cannot_be_accepted_before_its_sample_is_inspected(self, submitted, department_user, settings):
        settings.ACT_INSPECTION_SAMPLE_SIZE = 2
        act_lines_decide(act=submitted, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
        with translation.override("en"), pytest.raises(DomainError, match="Draw the inspection sample"):
            act_accept(act=submitted, actor=department_user)
        sample = act_sample_draw(act=submitted, actor=department_user)
        first, second = InspectionItem.objects.filter(sample=sample).order_by("rank").select_related("line")
        act_line_inspect(act=submitted, actor=department_user, line=first.line_id, result=InspectionResult.PRESENT)
        with translation.override("en"), pytest.raises(DomainError, match=f"1 sampled line.*{second.line.iin}"):
            act_accept(act=submitted, actor=department_user)
        submitted.refresh_from_db()
        assert submitted.status == ActStatus.SUBMITTED
        act_line_inspect(act=submitted, actor=department_user, line=second.line_id, result=InspectionResult.OTHER,
                         note="Сабақта болмады, анықтама ұсынылды")
        act = act_accept(act=submitted, actor=department_user)
        assert act.status == ActStatus.ACCEPTED
        second.refresh_from_db()
        assert (second.result, second.inspected_by, second.inspected_at is not None) == ("other", department_user, True)

    def test_a_line_that_gets_an_open_finding_after_the_draw_is_added_and_inspected(self, submitted, school_a, enrolments,
                                                                                  department_user, settings):
        settings.ACT_INSPECTION_SAMPLE_SIZE = 0
        act_lines_decide(act=submitted, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
        inspect_sample(act=submitted, department_user=department_user)  # nothing flagged: an empty sample
        make_finding(school=school_a, code="P06", enrolment=enrolments["plain"])  # an open warning, after the draw
        with translation.override("en"), pytest.raises(DomainError, match="draw again"):
            act_accept(act=submitted, actor=department_user)
        sample = act_sample_draw(act=submitted, actor=department_user)
        added = InspectionItem.objects.get(sample=sample)
        assert (added.line_id, added.open_finding) == (line_of(submitted, enrolments["plain"]).pk, True)
        assert AuditEvent.objects.filter(action="act_sample_extended", object_id=str(submitted.pk)).exists()
        act_line_inspect(act=submitted, actor=department_user, line=added.line_id, result="present")
        assert act_accept(act=submitted, actor=department_user).status == ActStatus.ACCEPTED

    def test_drawing_again_with_nothing_new_is_refused_and_keeps_the_seed(self, submitted, department_user):
        sample = act_sample_draw(act=submitted, actor=department_user)
        with pytest.raises(ConflictError):
            act_sample_draw(act=submitted, actor=department_user)
        assert InspectionSample.objects.get().seed == sample.seed

    def test_absent_and_other_need_a_note_and_bad_input_changes_nothing(self, submitted, department_user, enrolments):
        sample = act_sample_draw(act=submitted, actor=department_user)
        line = InspectionItem.objects.filter(sample=sample).first().line_id
        for result, note in (("absent", ""), ("other", "  "), ("pending", ""), ("gone", "x")):
            with pytest.raises(DomainError):
                act_line_inspect(act=submitted, actor=department_user, line=line, result=result, note=note)
        unsampled = submitted.lines.exclude(inspections__sample=sample).first()
        if unsampled is not None:
            with pytest.raises(DomainError):
                act_line_inspect(act=submitted, actor=department_user, line=unsampled.pk, result="present")
        assert not InspectionItem.objects.exclude(result="pending").exists()
        item = act_line_inspect(act=submitted, actor=department_user, line=line, result="absent", note="Сыныпта жоқ")
        act_line_inspect(act=submitted, actor=department_user, line=line, result="present", note="Келесі күні келді")
        event = AuditEvent.objects.filter(action="act_line_inspected").order_by("-seq").first()
        assert (event.data["previous"], event.data["result"], event.data["iin"]) == ("absent", "present", item.line.iin)

    def test_only_the_department_of_the_region_draws_and_inspects(self, submitted, department_user, other_department_user,
                                                                  school_user, operator_user, monitor_user):
        for user in (other_department_user, school_user, operator_user, monitor_user):
            with pytest.raises(PermissionDeniedError):
                act_sample_draw(act=submitted, actor=user)
        sample = act_sample_draw(act=submitted, actor=department_user)
        line = sample.items.first().line_id
        for user in (other_department_user, school_user, operator_user, monitor_user):
            with pytest.raises(PermissionDeniedError):
                act_line_inspect(act=submitted, actor=user, line=line, result="present")

    def test_the_school_sees_the_inspection_only_once_the_version_is_reviewed(self, submitted, department_user,
                                                                             school_user, operator_user):
        act_sample_draw(act=submitted, actor=department_user)
        assert inspection_sample(act=submitted, user=school_user) is None
        assert inspection_sample(act=submitted, user=operator_user) is not None
        act = act_return(act=submitted, actor=department_user, reason="Күндер сәйкес емес")
        assert inspection_sample(act=act, user=school_user).version == 1

    def test_a_corrected_version_is_inspected_afresh(self, submitted, department_user, school_user):
        inspect_sample(act=submitted, department_user=department_user)
        act = act_return(act=submitted, actor=department_user, reason="Күндер сәйкес емес")
        act = act_submit(act=act_correct(act=act, actor=school_user), actor=school_user, today=TODAY)
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
        with pytest.raises(DomainError):
            act_accept(act=act, actor=department_user)
        inspect_sample(act=act, department_user=department_user)
        assert act_accept(act=act, actor=department_user).status == ActStatus.ACCEPTED
        assert list(InspectionSample.objects.filter(act=act).order_by("version").values_list("version", flat=True)) == [1, 2]

    def test_a_draft_has_no_sample(self, contract, school_a, school_user, department_user):
        make_enrolment(school=school_a)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        with pytest.raises(ConflictError):
            act_sample_draw(act=act, actor=department_user)
