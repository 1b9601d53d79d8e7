import datetime as dt
import io

import pytest

from checks.models import Finding
from tests.factories import make_school
from tests.schools.factories import make_enrolment, make_finding, make_run, s02_details, s03_details


@pytest.fixture
def findings(school_a, school_b, region_astana):
    """A warning and an error at school A (Astana), an error at school B (Almaty)."""
    return {
        "warning_a": make_finding(school_a, code="S04", details={"pupils": 620, "capacity": 600}),
        "error_a": make_finding(school_a, code="S02", details=s02_details(school_a)),
        "error_b": make_finding(school_b, code="S03", details=s03_details(school_b)),
        "other_a": make_finding(third := make_school(region=region_astana, name="Үшінші"), code="S02", details=s02_details(third, "")),
    }


def listed(client, user, url="/en/checks/findings/", **params) -> set[int]:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    body = response.content.decode()
    return {finding.pk for finding in Finding.objects.all() if f'/checks/findings/{finding.pk}/"' in body}


@pytest.mark.django_db
class FindingListTests:
    def test_the_school_box_takes_a_name_or_a_bin_and_the_sort_by_run_keeps_the_filter(self, client, findings, school_a,
                                                                                      operator_user):
        at_a = {findings["warning_a"].pk, findings["error_a"].pk}
        assert listed(client, operator_user, school="Мектеп А") == at_a
        assert listed(client, operator_user, school=school_a.bin) == at_a
        body = client.get("/en/checks/findings/", {"school": "Мектеп А", "sort": "run"}).content.decode()
        assert 'aria-sort="ascending"' in body and '<input type="hidden" name="sort" value="run">' in body
        assert 'hx-get="/en/schools/autocomplete/?field=school"' in body

    def test_each_role_sees_what_its_scope_allows(self, client, findings, school_user, department_user, other_department_user,
                                                  operator_user, monitor_user):
        every = {finding.pk for finding in findings.values()}
        assert listed(client, school_user) == {findings["warning_a"].pk, findings["error_a"].pk}
        assert listed(client, department_user) == every - {findings["error_b"].pk}
        assert listed(client, other_department_user) == {findings["error_b"].pk}
        assert listed(client, operator_user) == every
        assert listed(client, monitor_user) == every

    def test_filters_by_code_severity_status_region_school_and_date(self, client, findings, operator_user, school_b):
        assert listed(client, operator_user, code="S03") == {findings["error_b"].pk}
        assert listed(client, operator_user, severity="warning") == {findings["warning_a"].pk}
        assert listed(client, operator_user, region="75") == {findings["error_b"].pk}
        assert listed(client, operator_user, school_bin=school_b.bin) == {findings["error_b"].pk}
        assert listed(client, operator_user, date_from="2025-11-02") == set()
        assert listed(client, operator_user, date_from="2025-11-01", date_to="2025-11-01", code="S04") == {findings["warning_a"].pk}

    def test_resolved_findings_are_hidden_unless_asked_for(self, client, findings, operator_user, school_a):
        resolved = make_finding(school_a, code="S01", level="general", status="resolved")
        assert resolved.pk not in listed(client, operator_user)
        assert resolved.pk in listed(client, operator_user, status="resolved")
        assert resolved.pk in listed(client, operator_user, all_statuses="1")

    def test_export_csv_and_xlsx_keep_the_scope_and_the_plain_words(self, client, findings, school_user):
        from openpyxl import load_workbook

        client.force_login(school_user)
        response = client.get("/en/checks/findings/", {"export": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "86.10, which is not education" in text and "court" not in text
        response = client.get("/en/checks/findings/", {"export": "xlsx", "code": "S04"})
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
        assert [row[1] for row in rows[1:]] == ["S04"] and "620 pupils are active" in rows[1][11]

    def test_pupil_findings_show_the_pupil(self, client, school_a, operator_user):
        enrolment = make_enrolment(school_a, grade=2)
        make_finding(school_a, code="P02", enrolment=enrolment)
        client.force_login(operator_user)
        body = client.get("/en/checks/findings/").content.decode()
        assert enrolment.pupil.iin in body

    def test_the_code_sorts_both_ways_latest_run_first_within_a_code(self, client, findings, operator_user):
        from tests.sorting import assert_sorts

        rows = sorted(Finding.objects.all(), key=lambda f: (f.code, -f.last_run_id, -f.pk))
        client.force_login(operator_user)
        assert_sorts(client, "/en/checks/findings/", "code", [f.pk for f in rows])


@pytest.mark.django_db
class FindingDetailTests:
    @pytest.mark.parametrize("lang, text", [
        ("en", "which is not education (section 85)"), ("ru", "ОКЭД"), ("kk", "ЭҚЖЖ"),
    ])
    def test_the_detail_explains_the_finding_in_plain_words(self, client, findings, department_user, lang, text):
        client.force_login(department_user)
        body = client.get(f"/{lang}/checks/findings/{findings['error_a'].pk}/").content.decode()
        assert text in body

    def test_a_finding_outside_the_scope_is_not_found(self, client, findings, school_user, other_department_user):
        client.force_login(school_user)
        assert client.get(f"/en/checks/findings/{findings['error_b'].pk}/").status_code == 404
        client.force_login(other_department_user)
        assert client.get(f"/en/checks/findings/{findings['error_a'].pk}/").status_code == 404
        assert client.get("/en/checks/findings/99999999999999999999999/").status_code == 404

    def test_the_school_sees_the_explain_form_only_on_its_open_warning(self, client, findings, school_user):
        client.force_login(school_user)
        assert 'data-testid="explain-form"' in client.get(f"/en/checks/findings/{findings['warning_a'].pk}/").content.decode()
        assert 'data-testid="explain-form"' not in client.get(f"/en/checks/findings/{findings['error_a'].pk}/").content.decode()


@pytest.mark.django_db
class OtherSchoolOnTheFindingPageTests:
    """A school told that its pupil studies elsewhere is told where: BIN and name, on its finding page."""

    @pytest.fixture
    def planted(self, school_a, region_astana, tmp_path):
        from tests.checks.factories import plant_every_code

        return plant_every_code(tmp_path, home=school_a, region=region_astana)

    @pytest.mark.parametrize("lang", ["kk", "ru", "en"])
    @pytest.mark.parametrize("code", ["P03", "P05"])
    def test_the_school_reads_the_other_schools_bin_and_name(self, client, planted, school_user, lang, code):
        from django.utils.html import escape

        finding = Finding.objects.get(code=code, enrolment=planted.enrolments[code])
        client.force_login(school_user)
        body = client.get(f"/{lang}/checks/findings/{finding.pk}/").content.decode()
        summary = body.split('data-testid="finding-summary">', 1)[1].split("</p>", 1)[0]
        name = planted.rival.name_kk if lang == "kk" else planted.rival.name_ru
        assert planted.rival.bin in summary and escape(name) in summary

    @pytest.mark.parametrize("lang", ["kk", "ru"])
    def test_a_finding_closed_by_a_run_says_so_in_the_readers_language(self, client, planted, school_user, lang):
        from checks.services import check_run_now
        from contingent.models import Enrolment

        enrolment = planted.enrolments["P02"]
        finding = Finding.objects.get(code="P02", enrolment=enrolment)
        Enrolment.objects.filter(pk=enrolment.pk).update(left_on=planted.run.check_date - dt.timedelta(days=1))
        closing = check_run_now(snapshot=planted.run.snapshot)
        finding.refresh_from_db()
        assert finding.status == "resolved" and finding.closed_by_run == closing and finding.status_reason == ""
        client.force_login(school_user)
        body = client.get(f"/{lang}/checks/findings/{finding.pk}/").content.decode()
        reason = body.split('data-testid="finding-reason">', 1)[1].split("</dd>", 1)[0]
        assert str(closing.pk) in reason and "found" not in reason.lower()


@pytest.mark.django_db
class FindingActionTests:
    def test_the_school_explains_its_warning(self, client, findings, school_user):
        client.force_login(school_user)
        response = client.post(f"/en/checks/findings/{findings['warning_a'].pk}/explain/", {"explanation": "A new wing opens in January."})
        assert response.status_code == 302
        finding = Finding.objects.get(pk=findings["warning_a"].pk)
        assert (finding.status, finding.status_reason, finding.status_changed_by) == ("explained", "A new wing opens in January.", school_user)

    def test_explaining_through_htmx_returns_the_updated_panel(self, client, findings, school_user):
        client.force_login(school_user)
        response = client.post(f"/en/checks/findings/{findings['warning_a'].pk}/explain/", {"explanation": "Temporary."},
                               HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200 and 'id="finding-actions"' in body and "Explained" in body and "<html" not in body

    def test_an_empty_explanation_is_refused_with_a_message(self, client, findings, school_user):
        client.force_login(school_user)
        response = client.post(f"/en/checks/findings/{findings['warning_a'].pk}/explain/", {"explanation": "  "})
        assert response.status_code == 400 and "Write the explanation." in response.content.decode()
        assert Finding.objects.get(pk=findings["warning_a"].pk).status == "open"

    def test_a_school_cannot_explain_an_error_or_another_schools_warning(self, client, findings, school_user, other_school_user):
        client.force_login(school_user)
        response = client.post(f"/en/checks/findings/{findings['error_a'].pk}/explain/", {"explanation": "x"})
        assert response.status_code == 400 and "an error must be resolved" in response.content.decode()
        client.force_login(other_school_user)
        assert client.post(f"/en/checks/findings/{findings['warning_a'].pk}/explain/", {"explanation": "x"}).status_code == 404

    def test_the_department_waives_and_resolves_with_a_reason(self, client, findings, department_user):
        client.force_login(department_user)
        response = client.post(f"/en/checks/findings/{findings['error_a'].pk}/decide/", {"decision": "waive", "reason": "Letter 12-3/45"})
        assert response.status_code == 302
        assert Finding.objects.get(pk=findings["error_a"].pk).status == "waived"
        client.post(f"/en/checks/findings/{findings['warning_a'].pk}/decide/", {"decision": "resolve", "reason": "Capacity raised"})
        finding = Finding.objects.get(pk=findings["warning_a"].pk)
        assert (finding.status, finding.status_reason) == ("resolved", "Capacity raised")

    def test_a_decision_without_a_reason_is_refused(self, client, findings, operator_user):
        client.force_login(operator_user)
        response = client.post(f"/en/checks/findings/{findings['error_b'].pk}/decide/", {"decision": "waive", "reason": ""})
        assert response.status_code == 400 and Finding.objects.get(pk=findings["error_b"].pk).status == "open"

    def test_a_school_cannot_waive_and_a_monitor_cannot_change_anything(self, client, findings, school_user, monitor_user):
        client.force_login(school_user)
        response = client.post(f"/en/checks/findings/{findings['error_a'].pk}/decide/", {"decision": "waive", "reason": "no"})
        assert response.status_code == 400 and Finding.objects.get(pk=findings["error_a"].pk).status == "open"
        client.force_login(monitor_user)
        for url, data in ((f"/en/checks/findings/{findings['error_a'].pk}/decide/", {"decision": "resolve", "reason": "x"}),
                          (f"/en/checks/findings/{findings['warning_a'].pk}/explain/", {"explanation": "x"})):
            assert client.post(url, data).status_code == 403
        assert set(Finding.objects.values_list("status", flat=True)) == {"open"}

    def test_the_decision_is_in_the_audit_trail_and_the_page_history(self, client, findings, operator_user):
        client.force_login(operator_user)
        client.post(f"/en/checks/findings/{findings['error_b'].pk}/decide/", {"decision": "resolve", "reason": "Removed from the register"})
        body = client.get(f"/en/checks/findings/{findings['error_b'].pk}/").content.decode()
        assert "Open → Resolved: Removed from the register" in body


@pytest.mark.django_db
class NavigationTests:
    @pytest.mark.parametrize("role, expected, absent", [
        ("school_user", ["/en/checks/findings/", "/en/schools/mine/"], ["/en/schools/registers/"]),
        ("department_user", ["/en/checks/findings/", "/en/schools/"], ["/en/schools/registers/"]),
        ("operator_user", ["/en/checks/findings/", "/en/schools/", "/en/schools/registers/"], []),
        ("monitor_user", ["/en/checks/findings/", "/en/schools/", "/en/schools/registers/"], []),
    ])
    def test_each_role_sees_its_entries(self, request, client, role, expected, absent):
        client.force_login(request.getfixturevalue(role))
        body = client.get("/en/").content.decode()
        for url in expected:
            assert f'href="{url}"' in body
        for url in absent:
            assert f'href="{url}"' not in body


def test_make_run_is_a_succeeded_run(db):
    assert make_run().status == "succeeded"
