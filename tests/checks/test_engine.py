from dataclasses import dataclass

import pytest

import checks.rules as rules_module
from checks.choices import FindingCode, FindingStatus, Severity
from checks.models import Finding
from checks.rules import Rule
from checks.rules.wording import Explanation
from checks.runs import RunInProgress
from checks.services import check_run_now, finding_explain, finding_resolve, finding_waive
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.locks import CHECK_RUN_LOCK
from tests.factories import make_school

# A stand-in rule, so that the engine is tested apart from the real rules.
PROBE_SQL = """
SELECT s.id AS school_id, NULL AS enrolment_id, '' AS level, 'school:' || s.id AS subject_key,
       jsonb_build_object('name', s.name_ru) AS details
  FROM schools_school s WHERE s.name_ru LIKE 'PROBE%%'
"""


@dataclass(frozen=True)
class ProbeDetails:
    name: str


def probe_explain(finding, d, details):
    return Explanation(details.name if details else "?")


def probe(code, severity, sql=PROBE_SQL):
    return Rule(code=code, severity=severity, version="t1", sql=sql, details=ProbeDetails, explain=probe_explain)


@pytest.fixture
def probe_rules(monkeypatch):
    """Only the probe rules are registered while the test runs."""
    registry = {
        "S04": probe(FindingCode.S04, Severity.WARNING),
        "S02": probe(FindingCode.S02, Severity.ERROR),
    }
    monkeypatch.setattr(rules_module, "_REGISTRY", registry)
    monkeypatch.setattr(rules_module, "_loaded", True)
    return registry


@pytest.mark.django_db
class CheckEngineTests:
    def test_a_run_records_its_findings_counts_and_rule_versions(self, probe_rules, region_astana):
        school = make_school(region=region_astana, name="PROBE school")
        run = check_run_now()
        assert run.status == "succeeded"
        assert run.counts["S04"] == 1 and run.counts["S02"] == 1 and run.counts["P01"] == 0
        assert set(run.counts) == set(FindingCode.values)
        assert run.rule_versions == {"S02": "t1", "S04": "t1"}
        assert run.finished_at is not None and run.inputs["schools"] >= 1
        finding = Finding.objects.get(code="S02")
        assert (finding.school, finding.severity, finding.status) == (school, "error", "open")
        assert finding.first_run == run and finding.last_run == run

    def test_re_running_keeps_the_same_findings_without_duplicates(self, probe_rules, region_astana):
        make_school(region=region_astana, name="PROBE one")
        first = check_run_now()
        ids = set(Finding.objects.values_list("id", flat=True))
        second = check_run_now()
        assert set(Finding.objects.values_list("id", flat=True)) == ids
        assert second.counts == first.counts
        assert set(Finding.objects.values_list("last_run", flat=True)) == {second.pk}

    def test_a_finding_no_longer_produced_is_closed_by_that_run(self, probe_rules, region_astana):
        school = make_school(region=region_astana, name="PROBE two")
        check_run_now()
        school.name_ru = "Fixed"
        school.save()
        run = check_run_now()
        for finding in Finding.objects.all():
            assert finding.status == FindingStatus.RESOLVED
            assert finding.closed_by_run == run
        assert run.counts["S02"] == 0

    def test_a_problem_that_comes_back_opens_a_new_finding_and_keeps_the_old_one(self, probe_rules, region_astana):
        school = make_school(region=region_astana, name="PROBE three")
        check_run_now()
        school.name_ru = "Fixed"
        school.save()
        check_run_now()
        school.name_ru = "PROBE again"
        school.save()
        check_run_now()
        assert Finding.objects.filter(code="S02").count() == 2
        assert Finding.objects.filter(code="S02", status="open").count() == 1

    def test_an_explained_warning_stays_explained_on_re_run(self, probe_rules, region_astana, school_user):
        school = school_user.school
        school.name_ru = "PROBE mine"
        school.save()
        check_run_now()
        warning = Finding.objects.get(code="S04", school=school)
        finding_explain(finding=warning, actor=school_user, explanation="Capacity is being extended")
        run = check_run_now()
        warning.refresh_from_db()
        assert warning.status == "explained" and warning.last_run == run

    def test_a_second_run_is_refused_while_one_holds_the_lock(self, probe_rules, region_astana):
        from django.db import connections

        other = connections.create_connection("default")
        other.connect()
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [CHECK_RUN_LOCK.key])
            with pytest.raises(RunInProgress):
                check_run_now()
        finally:
            other.close()


@pytest.mark.django_db
class DetailsSchemaTests:
    """The engine refuses details other than those the rule's schema declares: the run fails, naming the rule."""

    @pytest.mark.parametrize("details, problem", [
        ("jsonb_build_object('name', s.name_ru, 'extra', 1)", "undeclared keys ['extra']"),
        ("jsonb_build_object('title', s.name_ru)", "missing keys ['name']"),
        ("jsonb_build_object('name', 42)", "is not a"),
    ])
    def test_a_rule_writing_other_details_fails_the_run(self, monkeypatch, region_astana, details, problem):
        from checks.models import CheckRun
        from checks.rules.details import DetailsMismatch

        sql = PROBE_SQL.replace("jsonb_build_object('name', s.name_ru)", details)
        monkeypatch.setattr(rules_module, "_REGISTRY", {"S02": probe(FindingCode.S02, Severity.ERROR, sql)})
        monkeypatch.setattr(rules_module, "_loaded", True)
        make_school(region=region_astana, name="PROBE wrong")
        with pytest.raises(DetailsMismatch, match="S02"):
            check_run_now()
        run = CheckRun.objects.get()
        assert run.status == "failed" and problem in run.error and not Finding.objects.exists()


@pytest.mark.django_db
class FindingDecisionTests:
    @pytest.fixture
    def findings(self, probe_rules, school_a):
        school_a.name_ru = "PROBE A"
        school_a.save()
        check_run_now()
        return Finding.objects.get(code="S04"), Finding.objects.get(code="S02")

    def test_school_cannot_explain_an_error(self, findings, school_user):
        with pytest.raises(DomainError):
            finding_explain(finding=findings[1], actor=school_user, explanation="x")

    def test_other_school_cannot_explain_our_warning(self, findings, other_school_user):
        with pytest.raises(PermissionDeniedError):
            finding_explain(finding=findings[0], actor=other_school_user, explanation="x")

    def test_department_of_another_region_cannot_waive(self, findings, other_department_user):
        with pytest.raises(PermissionDeniedError):
            finding_waive(finding=findings[1], actor=other_department_user, reason="ok")

    def test_department_waives_with_a_reason_and_the_audit_trail_records_it(self, findings, department_user):
        from core.selectors import audit_events_for

        with pytest.raises(DomainError):
            finding_waive(finding=findings[1], actor=department_user, reason="  ")
        waived = finding_waive(finding=findings[1], actor=department_user, reason="Licence renewal confirmed by letter")
        assert waived.status == "waived" and waived.status_changed_by == department_user
        event = audit_events_for(subject=waived).last()
        assert (event.action, event.from_status, event.to_status) == ("finding_waived", "open", "waived")

    def test_resolving_twice_is_a_conflict(self, findings, operator_user):
        finding_resolve(finding=findings[1], actor=operator_user, reason="fixed")
        with pytest.raises(ConflictError):
            finding_resolve(finding=findings[1], actor=operator_user, reason="fixed")

    def test_run_checks_prints_every_code_with_zeros(self, probe_rules, capsys):
        from django.core.management import call_command

        call_command("run_checks")
        lines = capsys.readouterr().out.strip().splitlines()
        assert [line.split()[0] for line in lines] == FindingCode.values
        assert all(line.split()[1] == "0" for line in lines)


@pytest.mark.django_db
class RunChecksCommandTests:
    def test_an_unknown_snapshot_is_refused_with_a_translated_message_and_no_run(self):
        from django.core.management import call_command
        from django.core.management.base import CommandError
        from django.utils import translation

        from checks.models import CheckRun

        with translation.override("ru"), pytest.raises(CommandError, match="Нет выгрузки НОБД с идентификатором 999999"):
            call_command("run_checks", "--snapshot", "999999")
        assert not CheckRun.objects.exists()
