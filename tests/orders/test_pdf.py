import re

import pytest

from core.pdf import KeyValues, Signatures, Table
from orders.pdf import contract_pdf, contract_pdf_blocks
from tests.orders.factories import make_active_contract, make_order

pytestmark = pytest.mark.django_db


def pdf_title(content: bytes) -> str:
    """The /Title of the PDF's info dictionary (a literal string in UTF-16BE with octal escapes)."""
    raw = re.search(rb"/Title \(((?:\\.|[^\\)])*)\)", content, re.S).group(1)
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i:i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out += raw[i + 1:i + 2]
            i += 2
            continue
        out += raw[i:i + 1]
        i += 1
    return bytes(out).decode("utf-16") if out[:2] == b"\xfe\xff" else bytes(out).decode("latin-1")


@pytest.fixture
def contract(department_user, school_user):
    return make_active_contract(order=make_order(actor=department_user, levels={"primary": (100, "61234.57")}),
                                school_actor=school_user, department_actor=department_user, places={"primary": 12})


class ContractPdfTests:
    @pytest.mark.parametrize("language, title", ids=["kk", "ru", "en"], argvalues=[
        ("kk", "мемлекеттік білім беру тапсырысын орналастыру туралы № {} шарт"),
        ("ru", "Договор № {} о размещении государственного образовательного заказа"),
        ("en", "Contract No. {} on placing the state educational order"),
    ])
    def test_the_contract_prints_in_its_language_with_the_embedded_kazakh_capable_font(self, contract, language, title):
        content = contract_pdf(contract, language=language)
        assert content.startswith(b"%PDF-")
        assert b"SourceSansPro" in content
        assert pdf_title(content).lower() == title.format(contract.number).lower()

    def test_the_kazakh_pdf_carries_the_contracts_data_and_both_signatures(self, contract, school_user, department_user):
        _title, blocks = contract_pdf_blocks(contract, language="kk")
        facts = dict(next(b for b in blocks if isinstance(b, KeyValues)).rows)
        assert facts["Жалпы сомасы, теңге"] == "6\xa0613\xa0333,56"  # 12 × 61 234,57 × 9
        assert facts["Кезең"] == f"01.09.2026 – 31.05.2027 ({contract.months})"
        table = next(b for b in blocks if isinstance(b, Table))
        assert table.rows == [["Бастауыш (0–4 сыныптар)", 12, "61\xa0234,57", 9, "6\xa0613\xa0333,56"]]
        signatures = next(b for b in blocks if isinstance(b, Signatures)).rows
        sha = contract.document.sha256
        assert [party for party, _ in signatures] == ["Мектеп", "Білім басқармасы"]
        assert all(sha in text for _, text in signatures)
        assert signatures[0][1].startswith(school_user.username) and signatures[1][1].startswith(department_user.username)

    def test_an_unknown_language_is_refused(self, contract):
        with pytest.raises(ValueError):
            contract_pdf(contract, language="de")


class ContractPdfTextTests:
    """The printed contract read back with pdfplumber: its terms, both parties, signature blocks, amounts whole."""

    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_every_amount_is_printed_whole_with_the_terms_and_both_parties(self, contract, language):
        from django.utils import translation

        from orders.pdf import _money
        from tests.pdf_text import pdf_lines, pdf_pages

        content = contract_pdf(contract, language=language)
        lines = pdf_lines(content)
        text = " ".join(lines)
        with translation.override(language):
            for amount in (contract.total_amount, contract.levels.get().monthly_norm):
                assert any(_money(amount).replace("\xa0", " ") in line for line in lines), _money(amount)
            for heading in ("1. Subject", "2. Period", "3. Payment", "4. Obligations of the School",
                            "5. Suspension and termination", "6. The parties", "7. Signing", "Head of the education department",
                            "Director"):
                assert str(translation.gettext(heading)) in text, heading
        assert contract.school.bin in text and contract.school.name in text
        pages = pdf_pages(content)
        with translation.override(language):
            page_words = translation.gettext("Page %(page)s of %(pages)s")
        for number, page in enumerate(pages, start=1):
            assert page_words % {"page": number, "pages": len(pages)} in page

    def test_the_kazakh_terms_are_the_stored_signed_text(self, contract):
        from tests.pdf_text import pdf_lines

        stored = bytes(contract.document.content).decode()
        text = " ".join(pdf_lines(contract_pdf(contract, language="kk")))
        assert "Мемлекеттік білім беру тапсырысын орналастыру туралы" in stored
        assert "білім беру тапсырысы" in text.lower()

    def test_the_contract_prints_as_pages_to_look_at(self, contract):
        """Keeps the pages as PNG test artifacts (test-artifacts/pdf/)."""
        from pathlib import Path

        import pypdfium2
        from django.conf import settings

        folder = Path(settings.BASE_DIR) / "test-artifacts" / "pdf"
        folder.mkdir(parents=True, exist_ok=True)
        document = pypdfium2.PdfDocument(contract_pdf(contract, language="kk"))
        for index in range(len(document)):
            document[index].render(scale=1.2).to_pil().save(folder / f"contract-kk-page-{index + 1}.png")
        assert len(document) >= 2

    def test_each_qualified_signer_is_printed_with_the_certificate_serial(self, cms_mode, pki, department_signer,
                                                                          school_signer, school_certificate):
        import base64

        from orders.services import application_approve, contract_sign
        from signatures.models import Signature
        from signatures.services import signing_payload_issue
        from tests.orders.factories import make_application
        from tests.pdf_text import pdf_lines
        from tests.signatures.fixtures import sign

        order = make_order(actor=department_signer, levels={"primary": (100, "61234.57")})
        contract = application_approve(application=make_application(order=order, actor=school_signer, places={"primary": 12}),
                                       actor=department_signer).contract
        issued = signing_payload_issue(obj=contract, action="sign", actor=school_signer)
        contract = contract_sign(contract=contract, actor=school_signer,
                                 cms=sign(school_certificate, base64.b64encode(bytes(issued.payload)).decode(), pki=pki))
        signature = Signature.objects.get()
        text = " ".join(pdf_lines(contract_pdf(contract, language="en")))
        assert "Qualified electronic signature" in text and signature.cert_serial in text
        assert "ЖАНЫБЕКОВА АСЕЛЬ" in text and school_signer.iin in text
