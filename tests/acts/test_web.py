import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acts.choices import ActStatus
from acts.models import Act, ActLine, InspectionItem
from acts.services import act_build, act_submit
from acts.views import LINES_PAGE
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_contract, make_enrolment, make_finding

pytestmark = pytest.mark.django_db


def submitted_act(contract, school, school_user, count=3):
    for grade in range(1, count + 1):
        make_enrolment(school=school, grade=grade % 12)
    return act_submit(act=act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY),
                      actor=school_user, today=TODAY)


def bulk_enrolments(school, count):
    """``count`` enrolments made set-based (the query-count test needs a thousand)."""
    from contingent.models import Enrolment, Pupil

    pupils = Pupil.objects.bulk_create([
        Pupil(iin=f"15031450{n:04d}", last_name="Оқушы", first_name=str(n), birth_date=dt.date(2015, 3, 14))
        for n in range(count)
    ])
    Enrolment.objects.bulk_create([
        Enrolment(school=school, pupil=p, grade=n % 12, enrolled_on=dt.date(2025, 9, 1)) for n, p in enumerate(pupils)
    ])


class ActPageTests:
    def test_a_school_builds_its_act_from_the_page(self, client, contract, school_a, school_user):
        make_enrolment(school=school_a, grade=3)
        client.force_login(school_user)
        page = client.get("/en/acts/")
        assert page.status_code == 200 and b"build-form" in page.content
        response = client.post("/en/acts/build/", {"contract": contract.pk, "month": "2025-10"})
        act = Act.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/en/acts/{act.pk}/"
        page = client.get(response["Location"])
        assert b'data-testid="act-submit"' in page.content and act.number.encode() in page.content

    def test_a_bad_month_is_told_not_crashed(self, client, contract, school_user):
        client.force_login(school_user)
        response = client.post("/en/acts/build/", {"contract": contract.pk, "month": "2025-99"}, follow=True)
        assert response.status_code == 200 and b"YYYY-MM" in response.content
        assert not Act.objects.exists()

    def test_the_department_decides_lines_and_partly_accepts_on_the_page(self, client, contract, school_a, school_user,
                                                                         department_user):
        act = submitted_act(contract, school_a, school_user)
        blocked = act.lines.order_by("id").first()
        make_finding(school=school_a, code="P03", enrolment=blocked.enrolment)
        client.force_login(department_user)
        page = client.get(f"/en/acts/{act.pk}/")
        assert b'data-testid="decide-form"' in page.content and b"not payable" in page.content
        client.post(f"/en/acts/{act.pk}/decide/", {"decision": "accepted", "selection": "pending_payable"})
        refused = client.post(f"/en/acts/{act.pk}/decide/", {"decision": "accepted", "lines": [blocked.pk]},
                              follow=True)
        assert b"cannot be accepted" in refused.content
        client.post(f"/en/acts/{act.pk}/decide/", {"decision": "rejected", "lines": [blocked.pk],
                                                            "reason": "check_error"})
        not_inspected = client.post(f"/en/acts/{act.pk}/partly-accept/", follow=True)
        assert b"Draw the inspection sample" in not_inspected.content
        client.post(f"/en/acts/{act.pk}/inspection/draw/")
        for line in InspectionItem.objects.filter(sample__act=act).values_list("line_id", flat=True):
            client.post(f"/en/acts/{act.pk}/inspection/record/", {"line": line, "result": "present"})
        client.post(f"/en/acts/{act.pk}/partly-accept/")
        act.refresh_from_db()
        assert act.status == ActStatus.PARTLY_ACCEPTED
        assert act.accepted_amount == act.total_amount - blocked.amount

    def test_a_monitor_reads_but_cannot_change_an_act(self, client, contract, school_a, school_user, monitor_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(monitor_user)
        page = client.get(f"/en/acts/{act.pk}/")
        assert page.status_code == 200 and b"act-actions" not in page.content
        assert client.post(f"/en/acts/{act.pk}/return/", {"reason": "x"}).status_code == 403

    def test_another_school_gets_a_404(self, client, contract, school_a, school_user, other_school_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(other_school_user)
        assert client.get(f"/en/acts/{act.pk}/").status_code == 404
        assert client.get(f"/en/acts/{act.pk}/pdf/").status_code == 404

    def test_the_printable_act_is_a_pdf(self, client, contract, school_a, school_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(school_user)
        response = client.get(f"/kk/acts/{act.pk}/pdf/")
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")

    def test_the_act_page_makes_the_same_number_of_queries_for_10_and_1000_lines(self, client, region_astana,
                                                                                  department_user):
        from tests.factories import make_school, make_user

        counts = {}
        for size in (10, 1000):
            school = make_school(region=region_astana, name=f"Size {size}")
            user = make_user(f"school_{size}", role="school", school=school)
            contract = make_contract(school=school)
            bulk_enrolments(school, size) if size == 1000 else [make_enrolment(school=school, grade=g) for g in range(10)]
            act = act_submit(act=act_build(contract=contract, month=OCTOBER, actor=user, today=TODAY), actor=user, today=TODAY)
            some = ActLine.objects.filter(act=act).order_by("id")[:3]
            for line in some:
                make_finding(school=school, code="P06", enrolment=line.enrolment)
            make_finding(school=school, code="S04")
            client.force_login(department_user)
            client.get(f"/en/acts/{act.pk}/")  # warm caches (content types, sessions)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/en/acts/{act.pk}/")
            assert response.status_code == 200 and response.content.count(b"data-line=") == min(size, LINES_PAGE)
            counts[size] = len(queries)
        assert counts[10] == counts[1000], counts

    def test_the_act_page_of_another_instrument_reads_its_programme_once_not_once_a_line(self, client, region_astana,
                                                                                         department_user):
        """A programme's own norm category (a grant's specialty group, not a school level) is labelled from the
        act's programme, loaded with the act, whatever the number of lines (planted: a dormitory act whose lines
        carry a category of the programme's own)."""
        from programmes.models import ProgrammeNorm
        from tests.factories import make_school, make_user
        from tests.programmes.factories import make_beneficiary, make_programme_contract, programme_of

        programme = programme_of("dormitory_place")
        ProgrammeNorm.objects.create(programme=programme, key="X1", label_kk="Х1", label_ru="Х1", label_en="Own X1",
                                     amount=1000)
        counts = {}
        for size in (2, 40):
            dormitory = make_school(region=region_astana, name=f"Жатақхана {size}", kind="dormitory", oked="55.90")
            user = make_user(f"dormitory_{size}", role="school", school=dormitory)
            contract = make_programme_contract(programme=programme, school=dormitory, places={"place": size})
            for _n in range(size):
                make_beneficiary(school=dormitory, kind="resident")
            act = act_build(contract=contract, month=OCTOBER, actor=user, today=TODAY)
            ActLine.objects.filter(act=act).update(level="X1")
            client.force_login(user)
            client.get(f"/en/acts/{act.pk}/")
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/en/acts/{act.pk}/")
            assert response.status_code == 200 and response.content.count(b"data-line=") == size
            assert "X1 — Own X1".encode() in response.content  # the category's label, from the programme
            counts[size] = len(queries)
        assert counts[2] == counts[40], counts

    def test_a_big_acts_lines_come_a_page_at_a_time_each_once_numbered_on(self, client, region_astana, department_user):
        """An act of 1 000 lines shows ``LINES_PAGE``; "Show more lines" loads the next ones (HTMX) until the last."""
        import re

        from tests.factories import make_school, make_user

        school = make_school(region=region_astana, name="Big")
        user = make_user("school_big", role="school", school=school)
        bulk_enrolments(school, 1000)
        act = act_submit(act=act_build(contract=make_contract(school=school), month=OCTOBER, actor=user, today=TODAY),
                         actor=user, today=TODAY)
        client.force_login(department_user)
        html = client.get(f"/en/acts/{act.pk}/").content.decode()
        seen, numbers, pages = [], [], 0
        while True:
            pages += 1
            seen += [int(pk) for pk in re.findall(r'data-line="(\d+)"', html)]
            numbers += [int(n) for n in re.findall(r'data-line="\d+"[^>]*>\s*(?:<td>.*?</td>)?\s*<td>(\d+)</td>', html)]
            more = re.search(r'data-testid="more-lines".*?hx-get="([^"]+)"', html, re.DOTALL)
            if not more:
                break
            html = client.get(more.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true").content.decode()
        expected = list(act.lines.filter(version=act.version).order_by("level", "grade", "pupil_name", "id")
                        .values_list("pk", flat=True))
        assert pages == -(-1000 // LINES_PAGE) and seen == expected and numbers == list(range(1, 1001))


class InspectionPageTests:
    def test_the_department_draws_and_inspects_the_sample_in_the_panel(self, client, contract, school_a, school_user,
                                                                      department_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(department_user)
        assert b'data-testid="inspection-draw"' in client.get(f"/en/acts/{act.pk}/").content
        panel = client.post(f"/en/acts/{act.pk}/inspection/draw/", HTTP_HX_REQUEST="true").content.decode()
        assert '<section id="inspection"' in panel and "<html" not in panel  # the panel alone, swapped in place
        assert panel.count("data-sampled-line=") == 3
        line = InspectionItem.objects.filter(sample__act=act).first().line
        refused = client.post(f"/en/acts/{act.pk}/inspection/record/", {"line": line.pk, "result": "absent"},
                              HTTP_HX_REQUEST="true").content.decode()
        assert 'data-testid="inspection-error"' in refused and "Say in the note" in refused
        client.post(f"/en/acts/{act.pk}/inspection/record/", {"line": line.pk, "result": "absent", "note": "Not in class"},
                    HTTP_HX_REQUEST="true")
        page = client.get(f"/en/acts/{act.pk}/").content.decode()
        assert "1 of 3 sampled lines inspected." in page and "Not in class" in page and _named_in_english(department_user) in page

    def test_the_school_does_not_see_the_sample_while_its_act_is_under_review(self, client, contract, school_a,
                                                                             school_user, department_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(department_user)
        client.post(f"/en/acts/{act.pk}/inspection/draw/")
        client.force_login(school_user)
        page = client.get(f"/en/acts/{act.pk}/").content.decode()
        assert "data-sampled-line=" not in page and "inspects a sample of the lines" in page
        refused = client.post(f"/en/acts/{act.pk}/inspection/draw/", follow=True).content.decode()
        assert "Your role may not do this." in refused


class MovedPageTests:
    def test_the_old_addresses_under_payments_lead_to_the_act_pages(self, client, contract, school_a, school_user):
        make_enrolment(school=school_a)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        client.force_login(school_user)
        for old, new in [("/kk/payments/", "/kk/acts/"), ("/en/payments/overdue/", "/en/acts/overdue/"),
                         (f"/ru/payments/acts/{act.pk}/", f"/ru/acts/{act.pk}/"),
                         (f"/en/payments/acts/{act.pk}/?version=1", f"/en/acts/{act.pk}/?version=1"),
                         (f"/en/payments/acts/{act.pk}/pdf/", f"/en/acts/{act.pk}/pdf/")]:
            response = client.get(old)
            assert (response.status_code, response["Location"]) == (301, new)
            assert client.get(new).status_code == 200


class ConfirmationDialogTests:
    """Submitting an act with unpayable lines and accepting one partly first open a dialog with counts and amounts."""

    def test_an_act_with_an_unpayable_line_is_submitted_only_through_a_dialog_that_says_so(self, client, contract,
                                                                                           school_a, school_user):
        enrolments = [make_enrolment(school=school_a, grade=grade) for grade in (1, 2, 3)]
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        make_finding(school=school_a, code="P03", enrolment=enrolments[0])
        client.force_login(school_user)
        html = client.get(f"/en/acts/{act.pk}/").content.decode()
        dialog = html[html.index('id="act-submit-dialog"'):]
        dialog = dialog[:dialog.index('data-testid="act-submit-confirm"')]
        assert "Submit an act with unpayable lines" in dialog
        line = act.lines.get(enrolment=enrolments[0])
        amount = f"{line.amount:,.2f}"
        assert f"1 line has an open error finding: it is submitted, but not paid ({amount} KZT)" in dialog
        assert f'action="/en/acts/{act.pk}/submit/"' in dialog
        assert Act.objects.get(pk=act.pk).status == ActStatus.DRAFT

    def test_an_act_without_unpayable_lines_is_submitted_with_one_click(self, client, contract, school_a, school_user):
        make_enrolment(school=school_a, grade=1)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        client.force_login(school_user)
        html = client.get(f"/en/acts/{act.pk}/").content.decode()
        assert 'data-testid="act-submit"' in html and "act-submit-dialog" not in html

    def test_partial_acceptance_shows_what_is_paid_and_what_is_not(self, client, contract, school_a, school_user,
                                                                   department_user):
        from acts.choices import LineDecision, LineRejectReason
        from acts.services import act_lines_decide

        act = submitted_act(contract, school_a, school_user, count=3)
        lines = list(act.lines.order_by("pk"))
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.REJECTED, lines=[lines[0].pk],
                         reason=LineRejectReason.NOT_TAUGHT)
        client.force_login(department_user)
        html = client.get(f"/en/acts/{act.pk}/").content.decode()
        dialog = html[html.index('id="act-partly-accept-dialog"'):]
        dialog = dialog[:dialog.index('data-testid="act-partly-accept-confirm"')]
        assert "Accept the act partly" in dialog
        rejected = f"{lines[0].amount:,.2f}"
        assert f"Rejected amount (not paid)</dt><dd class=\"col-5 text-end text-nowrap\">{rejected}</dd>" in dialog
        assert "Lines not decided</dt><dd class=\"col-5 text-end text-nowrap\">2</dd>" in dialog


def _named_in_english(user) -> str:
    from django.utils import translation

    with translation.override("en"):
        return user.display_name


class ActListSortingTests:
    """The list's sortable month column on keyset pages: the sort, the filters and the cursor travel together."""

    def test_the_month_sorts_both_ways_and_the_next_page_keeps_the_sort_and_the_filters(
            self, client, contract, department_user, monkeypatch):
        import re

        from tests.portal.factories import make_act

        monkeypatch.setattr("acts.views.PAGE_SIZE", 2)
        months = [dt.date(2025, month, 1) for month in (9, 10, 11)]
        for month in months:
            make_act(contract=contract, month=month, status="submitted")
        make_act(contract=contract, month=dt.date(2025, 12, 1), status="draft")  # filtered out by status
        client.force_login(department_user)

        def shown(query: str) -> tuple[list[str], str]:
            body = client.get(f"/en/acts/?{query}").content.decode()
            return re.findall(r"<td>(\d\d\.2025)</td>", body), body

        newest, body = shown("status=submitted")
        assert newest == ["11.2025", "10.2025"] and 'aria-sort="descending"' in body  # the list's own order
        oldest, body = shown("status=submitted&sort=month")
        assert oldest == ["09.2025", "10.2025"] and 'aria-sort="ascending"' in body
        assert 'href="?status=submitted&amp;sort=-month"' in body
        assert '<input type="hidden" name="sort" value="month">' in body
        following = re.search(r'rel="next" href="\?([^"]+)"', body).group(1).replace("&amp;", "&")
        assert following.startswith("status=submitted&sort=month&cursor=")
        rest, _body = shown(following)
        assert rest == ["11.2025"]
        back, _body = shown("status=submitted&sort=-month")
        assert back == newest
        stale, _body = shown(following.replace("sort=month", "sort=-month"))  # a cursor of the other order
        assert stale == newest  # gives the first page, never a wrong one

    def test_the_total_and_the_status_sort_both_ways_and_an_unknown_sort_is_ignored(self, client, contract, operator_user):
        from decimal import Decimal

        from tests.portal.factories import make_act
        from tests.sorting import assert_sorts

        acts = [make_act(contract=contract, month=dt.date(2025, month, 1), status=status)
                for month, status in ((9, "accepted"), (10, "submitted"), (11, "returned"))]
        for act, total in zip(acts, ("3000000.00", "1000000.00", "2000000.00"), strict=True):
            Act.objects.filter(pk=act.pk).update(total_amount=Decimal(total))
        client.force_login(operator_user)
        assert_sorts(client, "/en/acts/", "total", [acts[1].pk, acts[2].pk, acts[0].pk])
        assert_sorts(client, "/en/acts/", "status", [acts[0].pk, acts[2].pk, acts[1].pk])  # accepted, returned, submitted
