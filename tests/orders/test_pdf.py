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
        assert signatures[0][1].startswith(school_user.record_name) and signatures[1][1].startswith(department_user.record_name)

    def test_an_unknown_language_is_refused(self, contract):
        with pytest.raises(ValueError):
            contract_pdf(contract, language="de")
