"""The printed final report read back with pdfplumber: amounts whole, page "x of y", dates in the language's own
formats, and the approval block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from acts.pdf import money
from payments.pdf import long_date, report_pdf
from payments.reports import report_figures
from payments.services import final_report_approve, final_report_prepare
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act
from tests.payments.helpers import pay
from tests.pdf_text import pdf_lines, pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(contract, school_a, school_user, department_user, operator_user, second_operator_user):
    for grade in (1, 2, 5, 7):
        make_enrolment(school=school_a, grade=grade)
    act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
    pay(act=act, preparer=operator_user, approver=second_operator_user)
    report = final_report_prepare(contract=contract, actor=school_user)
    return final_report_approve(report=report, actor=department_user)


def printed(report, language: str) -> bytes:
    with translation.override(language):
        return report_pdf(report=report, figures=report.figures or report_figures(report.contract))


class FinalReportPdfTests:
    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_every_amount_is_printed_whole_and_every_page_numbered(self, report, language):
        content = printed(report, language)
        lines = pdf_lines(content)
        figures = report.figures
        with translation.override(language):
            amounts = [money(figures["total"][column]) for column in ("contracted", "accepted", "paid")]
            amounts += [money(payment["amount"]) for payment in figures["payments"]]
            page_words = translation.gettext("Page %(page)s of %(pages)s")
        for amount in amounts:
            assert any(amount.replace("\xa0", " ") in line for line in lines), amount
        pages = pdf_pages(content)
        for number, text in enumerate(pages, start=1):
            assert page_words % {"page": number, "pages": len(pages)} in text

    def test_the_kazakh_report_writes_dates_the_kazakh_way_and_carries_the_approval(self, report, department_user):
        text = " ".join(pdf_lines(printed(report, "kk")))
        approved_on = timezone.localtime(report.approved_at).date()
        assert f"{approved_on.year} жылғы {approved_on.day} " in text
        start = dt.date.fromisoformat(report.figures["contract"]["period_start"])
        assert start.strftime("%d.%m.%Y") in text and "10.2025" in text
        assert report.figures_sha256 in text
        with translation.override("kk"):
            assert str(translation.gettext("Head of the education department")) in text

    def test_long_dates_in_each_language(self):
        day = dt.date(2026, 11, 30)
        expected = {"kk": "2026 жылғы 30 қараша", "ru": "30 ноября 2026 г.", "en": "30 November 2026"}
        for language, words in expected.items():
            with translation.override(language):
                assert long_date(day) == words
