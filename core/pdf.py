"""Printable PDF documents (contracts, acts, final reports) in Kazakh, Russian and English.

Reportlab with the Source Sans Pro font from the ``font-source-sans-pro`` package (its glyphs
cover Kazakh Cyrillic: ә ғ қ ң ө ұ ү һ і). Build a document from simple blocks:

    pdf_document(title="…", blocks=[Heading("…"), Paragraph("…"), KeyValues([(k, v), …]),
                                    Table(headers, rows, numeric={2, 3}), SignHere("…", [(position, name)])],
                 landscape=True)

Every page carries the document's title and "page x of y" at its foot. Values that must never be
split across lines (IINs, BINs, amounts, serial numbers) go in a table's ``nowrap`` columns; amounts
formatted by Django keep their no-break spaces, which reportlab never breaks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

FONT = "EQSans"
FONT_BOLD = "EQSans-Bold"
_registered = False


def _register_fonts() -> None:
    global _registered
    if _registered:
        return
    import font_source_sans_pro
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    files = Path(font_source_sans_pro.__file__).parent / "files"
    pdfmetrics.registerFont(TTFont(FONT, str(files / "SourceSansPro-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(files / "SourceSansPro-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _registered = True


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    small: bool = False


@dataclass
class KeyValues:
    rows: list[tuple[str, str]]


@dataclass
class Table:
    headers: list[str]
    rows: list[list]
    numeric: set[int] = field(default_factory=set)  # column indexes aligned right
    total: list | None = None  # an optional bold last row
    nowrap: set[int] = field(default_factory=set)  # columns never wrapped (IINs, BINs, amounts, serial numbers)
    widths: list[float] | None = None  # shares of the page width per column (default: reportlab's even split)


@dataclass
class Signatures:
    rows: list[tuple[str, str]]  # (party, who/when/hash)


@dataclass
class SignHere:
    """Blank lines where the named people sign and date the paper copy: (position, name) per row."""

    title: str
    rows: list[tuple[str, str]]
    note: str = ""  # e.g. "Seal" or what the signature confirms


def _styles():
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=FONT_BOLD, fontSize=12, leading=15, spaceAfter=6),
        "p": ParagraphStyle("p", parent=base["BodyText"], fontName=FONT, fontSize=10, leading=13),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=FONT, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName=FONT, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=base["BodyText"], fontName=FONT_BOLD, fontSize=8.5, leading=10.5),
    }


def _escape(value) -> str:
    from xml.sax.saxutils import escape

    return escape("" if value is None else str(value))


def _numbered_canvas(footer: str):
    """A canvas that writes ``footer`` and "page x of y" on every page once the page count is known."""
    from django.utils.translation import gettext as _
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                width = self._pagesize[0]
                self.drawString(18 * mm, 9 * mm, footer)
                self.drawRightString(width - 18 * mm, 9 * mm,
                                     _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": count})
                super().showPage()
            super().save()

    return NumberedCanvas


def pdf_document(*, title: str, blocks: list, author: str = "E-Qazyna", landscape: bool = False, footer: str = "") -> bytes:
    """Render ``blocks`` into an A4 PDF (``landscape`` for wide tables) and return its bytes.

    Each page's foot: ``footer`` (default: the title) and "page x of y".
    """
    _register_fonts()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    styles = _styles()
    pagesize = turned(A4) if landscape else A4
    width = pagesize[0] - 36 * mm
    story = []
    for block in blocks:
        if isinstance(block, Heading):
            story.append(RLParagraph(_escape(block.text), styles["h1" if block.level == 1 else "h2"]))
        elif isinstance(block, Paragraph):
            story.append(RLParagraph(_escape(block.text), styles["small" if block.small else "p"]))
            story.append(Spacer(1, 3 * mm))
        elif isinstance(block, (KeyValues, Signatures)):
            data = [[RLParagraph(_escape(k), styles["cell_bold"]), RLParagraph(_escape(v), styles["cell"])] for k, v in block.rows]
            table = RLTable(data, colWidths=[60 * mm, width - 60 * mm])
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]))
            story.extend([table, Spacer(1, 4 * mm)])
        elif isinstance(block, SignHere):
            from django.utils.translation import gettext as _
            from reportlab.platypus import KeepTogether

            data = [[RLParagraph(_escape(position), styles["cell_bold"]), RLParagraph(_escape(name), styles["cell"]),
                     RLParagraph("_" * 28 + "<br/>" + _escape(_("signature")), styles["small"]),
                     RLParagraph("_" * 18 + "<br/>" + _escape(_("date")), styles["small"])]
                    for position, name in block.rows]
            table = RLTable(data, colWidths=[0.36 * width, 0.26 * width, 0.24 * width, 0.14 * width])
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 10)]))
            kept = [RLParagraph(_escape(block.title), styles["h2"]), table]
            if block.note:
                kept.append(RLParagraph(_escape(block.note), styles["small"]))
            story.extend([KeepTogether(kept), Spacer(1, 5 * mm)])
        elif isinstance(block, Table):
            def cell(value, column, bold=False, numeric=frozenset(block.numeric), nowrap=frozenset(block.nowrap)):
                if column in nowrap:
                    # A plain string is drawn on one line and widens its column; a Paragraph would wrap.
                    return "" if value is None else str(value)
                style = styles["cell_bold" if bold else "cell"]
                if column in numeric:
                    from reportlab.lib.enums import TA_RIGHT
                    from reportlab.lib.styles import ParagraphStyle

                    style = ParagraphStyle(f"{style.name}-r", parent=style, alignment=TA_RIGHT)
                return RLParagraph(_escape(value), style)

            data = [[cell(h, i, bold=True, nowrap=frozenset()) for i, h in enumerate(block.headers)]]
            data += [[cell(v, i) for i, v in enumerate(row)] for row in block.rows]
            if block.total is not None:
                data.append([cell(v, i, bold=True) for i, v in enumerate(block.total)])
            col_widths = [share * width / sum(block.widths) for share in block.widths] if block.widths else None
            table = RLTable(data, repeatRows=1, colWidths=col_widths)
            commands = [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
            for column in sorted(block.nowrap):
                commands += [("FONTNAME", (column, 1), (column, -1), FONT), ("FONTSIZE", (column, 1), (column, -1), 8.5)]
                if column in block.numeric:
                    commands.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
                if block.total is not None:
                    commands.append(("FONTNAME", (column, -1), (column, -1), FONT_BOLD))
            table.setStyle(TableStyle(commands))
            story.extend([table, Spacer(1, 4 * mm)])
        else:
            raise TypeError(f"unknown PDF block {block!r}")

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, title=title, author=author,
        leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
    )
    document.build(story, canvasmaker=_numbered_canvas(footer or title))
    return buffer.getvalue()
