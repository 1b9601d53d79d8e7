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

    def test_nowrap_columns_are_drawn_on_one_line_whatever_the_width(self):
        from reportlab.platypus import Table as RLTable

        built = []
        original = RLTable.__init__

        def spy(table, data, *args, **kwargs):
            built.append(data)
            original(table, data, *args, **kwargs)

        import unittest.mock

        with unittest.mock.patch.object(RLTable, "__init__", spy):
            content = pdf_document(title="t", blocks=[Table(["ЖСН", "Сома", "Ескерту"], [["950314300123", "1 234 567,50", "ұзын мәтін " * 30]],
                                                            numeric={1}, nowrap={0, 1})])
        assert content.startswith(b"%PDF-")
        row = built[-1][1]
        assert row[0] == "950314300123" and row[1] == "1 234 567,50"  # plain strings: never wrapped
        assert not isinstance(row[2], str)  # a paragraph: wraps
