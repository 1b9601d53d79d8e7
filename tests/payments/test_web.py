import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments.choices import ActStatus, PaymentStatus
from payments.models import Act, ActLine, Payment
from payments.services import act_build, act_submit, confirmation_upload, payment_approve, payment_prepare, registry_create
from tests.payments.conftest import OCTOBER, TODAY
from tests.payments.factories import make_contract, make_enrolment, make_finding
from tests.payments.helpers import Upload, accepted_act, confirmation_csv

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
        page = client.get("/en/payments/")
        assert page.status_code == 200 and b"build-form" in page.content
        response = client.post("/en/payments/acts/build/", {"contract": contract.pk, "month": "2025-10"})
        act = Act.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/en/payments/acts/{act.pk}/"
        page = client.get(response["Location"])
        assert b'data-testid="act-submit"' in page.content and act.number.encode() in page.content

    def test_a_bad_month_is_told_not_crashed(self, client, contract, school_user):
        client.force_login(school_user)
        response = client.post("/en/payments/acts/build/", {"contract": contract.pk, "month": "2025-99"}, follow=True)
        assert response.status_code == 200 and b"YYYY-MM" in response.content
        assert not Act.objects.exists()

    def test_the_department_decides_lines_and_partly_accepts_on_the_page(self, client, contract, school_a, school_user,
                                                                         department_user):
        act = submitted_act(contract, school_a, school_user)
        blocked = act.lines.order_by("id").first()
        make_finding(school=school_a, code="P03", enrolment=blocked.enrolment)
        client.force_login(department_user)
        page = client.get(f"/en/payments/acts/{act.pk}/")
        assert b'data-testid="decide-form"' in page.content and b"not payable" in page.content
        client.post(f"/en/payments/acts/{act.pk}/decide/", {"decision": "accepted", "selection": "pending_payable"})
        refused = client.post(f"/en/payments/acts/{act.pk}/decide/", {"decision": "accepted", "lines": [blocked.pk]},
                              follow=True)
        assert b"cannot be accepted" in refused.content
        client.post(f"/en/payments/acts/{act.pk}/decide/", {"decision": "rejected", "lines": [blocked.pk],
                                                            "reason": "check_error"})
        client.post(f"/en/payments/acts/{act.pk}/partly-accept/")
        act.refresh_from_db()
        assert act.status == ActStatus.PARTLY_ACCEPTED
        assert act.accepted_amount == act.total_amount - blocked.amount

    def test_a_monitor_reads_but_cannot_change_an_act(self, client, contract, school_a, school_user, monitor_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(monitor_user)
        page = client.get(f"/en/payments/acts/{act.pk}/")
        assert page.status_code == 200 and b"act-actions" not in page.content
        assert client.post(f"/en/payments/acts/{act.pk}/return/", {"reason": "x"}).status_code == 403

    def test_another_school_gets_a_404(self, client, contract, school_a, school_user, other_school_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(other_school_user)
        assert client.get(f"/en/payments/acts/{act.pk}/").status_code == 404
        assert client.get(f"/en/payments/acts/{act.pk}/pdf/").status_code == 404

    def test_the_printable_act_is_a_pdf(self, client, contract, school_a, school_user):
        act = submitted_act(contract, school_a, school_user)
        client.force_login(school_user)
        response = client.get(f"/kk/payments/acts/{act.pk}/pdf/")
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
            client.get(f"/en/payments/acts/{act.pk}/")  # warm caches (content types, sessions)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/en/payments/acts/{act.pk}/")
            assert response.status_code == 200 and response.content.count(b"data-line=") == size
            counts[size] = len(queries)
        assert counts[10] == counts[1000], counts


class PaymentPageTests:
    def test_two_operators_pay_through_the_pages_and_the_bank_file_closes_it(self, client, contract, school_a, school_user,
                                                                             department_user, operator_user,
                                                                             second_operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        client.force_login(operator_user)
        assert f"prepare-{act.pk}".encode() in client.get("/en/payments/payments/").content
        response = client.post(f"/en/payments/payments/prepare/{act.pk}/")
        payment = Payment.objects.get()
        assert response["Location"] == f"/en/payments/payments/{payment.pk}/"
        page = client.get(response["Location"])
        assert b"payment-approve" not in page.content and b"another operator must approve" in page.content
        client.force_login(second_operator_user)
        client.post(f"/en/payments/payments/{payment.pk}/approve/")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.APPROVED
        client.post("/en/payments/registries/create/")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.SENT
        content = confirmation_csv([(payment, "paid", "BANK-1", dt.date(2025, 11, 21), "")])
        response = client.post("/en/payments/bank/confirmations/upload/", {"file": Upload(content)})
        preview = client.get(response["Location"])
        assert b"confirmation-apply" in preview.content and payment.reference.encode() in preview.content
        client.post(response["Location"] + "apply/")
        payment.refresh_from_db()
        act.refresh_from_db()
        assert (payment.status, act.status) == (PaymentStatus.PAID, ActStatus.PAID)

    def test_a_bad_bank_file_shows_every_line_and_changes_nothing(self, client, operator_user):
        client.force_login(operator_user)
        bad = b"payment_reference,status,amount,bank_reference,date\nEQP000000001,paid,1,,2025-01-01\nnope,x,y,,z\n"
        response = client.post("/en/payments/bank/confirmations/upload/", {"file": Upload(bad)})
        assert response.status_code == 400
        text = response.content.decode()
        assert "line 2" in text and "line 3" in text

    def test_the_payment_page_shows_the_calculation(self, client, contract, school_a, school_user, department_user,
                                                    operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = payment_prepare(act=act, actor=operator_user)
        client.force_login(school_user)
        page = client.get(f"/ru/payments/payments/{payment.pk}/").content.decode()
        assert 'data-testid="calculation"' in page and "95\xa0000,00" in page

    def test_every_list_page_renders_for_every_role(self, client, contract, school_a, school_user, department_user,
                                                    operator_user, second_operator_user, monitor_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        registry_create(actor=operator_user)
        payment.refresh_from_db()
        confirmation_upload(file=Upload(confirmation_csv([(payment, "failed", "", dt.date(2025, 11, 21), "шот жоқ")])),
                            actor=operator_user)
        pages = ["/kk/payments/", "/kk/payments/overdue/", "/kk/payments/payments/", "/kk/payments/recoveries/",
                 "/kk/payments/reports/", "/ru/payments/", "/en/payments/payments/"]
        for user in (school_user, department_user, operator_user, monitor_user):
            client.force_login(user)
            for url in pages:
                assert client.get(url).status_code == 200, (user.role, url)
            bank = client.get("/kk/payments/bank/").status_code
            assert bank == (200 if user.role in ("operator", "monitor") else 404)
        client.force_login(monitor_user)
        assert client.get("/kk/payments/registries/1/export/csv/").status_code in (200, 404)


class ReportPageTests:
    def test_the_final_report_adds_up_and_is_approved_by_the_department(self, client, contract, school_a, school_user,
                                                                        department_user, operator_user,
                                                                        second_operator_user):
        from tests.payments.helpers import pay

        make_enrolment(school=school_a, grade=2)
        e2 = make_enrolment(school=school_a, grade=8)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user,
                           reject_enrolments=[e2])
        payment = pay(act=act, preparer=operator_user, approver=second_operator_user)
        client.force_login(school_user)
        response = client.post("/en/payments/reports/prepare/", {"contract": contract.pk})
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="balanced"' in page and "report-approve" not in page
        client.force_login(department_user)
        client.post(response["Location"] + "approve/")
        report = contract.final_reports.get()
        assert report.status == "approved"
        figures = report.figures
        assert Decimal(figures["total"]["accepted"]) == act.accepted_amount == payment.amount
        assert Decimal(figures["total"]["paid"]) == Decimal(figures["settlement"]["transferred"]) == payment.amount
        assert Decimal(figures["total"]["submitted"]) == act.total_amount
        assert figures["balanced"] is True
        pdf = client.get(f"/kk/payments/reports/{report.pk}/download/pdf/")
        assert pdf.content.startswith(b"%PDF-")
        xlsx = client.get(f"/kk/payments/reports/{report.pk}/download/xlsx/")
        assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
