"""The printed act: landscape, page "x of y", the act number and the SHA-256 of its lines, totals,
signature blocks, and every IIN and amount printed whole (the text read back with pdfplumber)."""

from __future__ import annotations

import pytest
from django.utils import translation

from acts.pdf import act_pdf, money
from acts.selectors import act_lines, act_submissions
from acts.signing import act_lines_digest
from signatures.models import Signature
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act
from tests.pdf_text import pdf_lines, pdf_page_sizes, pdf_pages, whole

pytestmark = pytest.mark.django_db


@pytest.fixture
def act(contract, school_a, school_user, department_user):
    school_a.director = "Әбдіқадырова Гүлназ Серікқызы"
    school_a.save(update_fields=["director"])
    enrolments = [make_enrolment(school=school_a, grade=grade) for grade in (1, 2, 3, 5, 7, 9, 10) for _ in range(9)]
    return accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user,
                        reject_enrolments=enrolments[:2])


def printed(act, language: str) -> bytes:
    with translation.override(language):
        return act_pdf(act=act, lines=act_lines(act=act), submissions=list(act_submissions(act=act)))


class ActPdfTests:
    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_every_iin_and_amount_is_printed_whole(self, act, language):
        content = printed(act, language)
        lines = pdf_lines(content)
        printed_lines = list(act.lines.filter(version=act.version))
        assert len(printed_lines) == 63
        with translation.override(language):
            for line in printed_lines:
                assert whole(line.iin, lines), line.iin
                assert whole(money(line.amount), lines), money(line.amount)
                assert whole(money(line.norm), lines), money(line.norm)
            for amount in (act.total_amount, act.accepted_amount):
                assert whole(money(amount), lines), money(amount)

    def test_it_is_landscape_and_numbers_its_pages(self, act):
        content = printed(act, "en")
        sizes = pdf_page_sizes(content)
        assert len(sizes) > 1 and all(width > height for width, height in sizes)
        pages = pdf_pages(content)
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text

    def test_it_names_the_act_the_hash_of_its_lines_and_who_signs(self, act, school_user):
        content = printed(act, "en")
        text = "\n".join(pdf_pages(content))
        _count, _total, sha256 = act_lines_digest(act)
        assert act.number in text and sha256 in text
        for block in ("Director", "Chief accountant", "Head of the education department",
                      "Accepted by the education department", "Әбдіқадырова Гүлназ Серікқызы"):
            assert block in text, block
        with translation.override("en"):
            accepted = money(act.accepted_amount)
        assert f"The act is accepted for {accepted} KZT (61 lines accepted, 2 rejected)." in " ".join(pdf_lines(content))

    def test_the_act_prints_as_pages_to_look_at(self, act):
        """Keeps the first and last pages as PNG test artifacts (test-artifacts/pdf/)."""
        from pathlib import Path

        import pypdfium2
        from django.conf import settings

        folder = Path(settings.BASE_DIR) / "test-artifacts" / "pdf"
        folder.mkdir(parents=True, exist_ok=True)
        document = pypdfium2.PdfDocument(printed(act, "kk"))
        for index in (0, len(document) - 1):
            document[index].render(scale=1.5).to_pil().save(folder / f"act-kk-page-{index + 1}.png")
        assert len(document) > 1


class SignedActPdfTests:
    def test_each_qualified_signer_is_printed_with_the_certificate_serial_and_time(self, cms_mode, pki, contract, school_a,
                                                                                  school_signer, school_certificate):
        import base64

        from django.utils import timezone

        from acts.services import act_build, act_submit
        from signatures.services import signing_payload_issue
        from tests.acts.conftest import TODAY
        from tests.signatures.fixtures import sign

        for grade in (1, 2):
            make_enrolment(school=school_a, grade=grade)
        act = act_build(contract=contract, month=OCTOBER, actor=school_signer, today=TODAY)
        issued = signing_payload_issue(obj=act, action="submit", actor=school_signer)
        cms = sign(school_certificate, base64.b64encode(bytes(issued.payload)).decode(), pki=pki)
        act = act_submit(act=act, actor=school_signer, today=TODAY, cms=cms)
        signature = Signature.objects.get()
        text = " ".join(pdf_lines(printed(act, "en")))
        assert "Qualified electronic signature: ЖАНЫБЕКОВА АСЕЛЬ" in text
        assert signature.cert_serial in text and school_signer.iin in text
        assert timezone.localtime(signature.signing_time).strftime("%d.%m.%Y %H:%M:%S") in text
        assert "ЖАНЫБЕКОВА АСЕЛЬ" in text
