from core.pdf import Heading, KeyValues, Paragraph, Table, pdf_document


class PdfTests:
    def test_a_document_with_kazakh_and_russian_text_renders_and_embeds_the_font(self):
        content = pdf_document(
            title="Шарт № 1",
            blocks=[
                Heading("Мемлекеттік білім беру тапсырысы туралы шарт"),
                Paragraph("Әкімдіктің білім басқармасы және «Болашақ» жекеменшік мектебі; ғ қ ң ө ұ ү һ і"),
                KeyValues([("Договор", "Государственный образовательный заказ")]),
                Table(["Деңгей", "Орын", "Сома"], [["Бастауыш", 10, "1 000,00"]], numeric={1, 2}, total=["", 10, "1 000,00"]),
            ],
        )
        assert content.startswith(b"%PDF-")
        assert b"SourceSansPro" in content
        assert len(content) > 5000
