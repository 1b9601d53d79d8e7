"""The text of a printed PDF, as a reader (or a screen reader, or a copy-paste) gets it: pdfplumber."""

from __future__ import annotations

import io

import pdfplumber


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, no-break spaces read as spaces."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [(page.extract_text() or "").replace("\xa0", " ") for page in pdf.pages]


def pdf_lines(content: bytes) -> list[str]:
    """Every printed line of the PDF, in reading order."""
    return [line for page in pdf_pages(content) for line in page.splitlines()]


def pdf_page_sizes(content: bytes) -> list[tuple[float, float]]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [(float(page.width), float(page.height)) for page in pdf.pages]


def whole(value: str, content_lines: list[str]) -> bool:
    """Whether ``value`` (an IIN, an amount) is printed whole on one line."""
    value = value.replace("\xa0", " ")
    return any(value in line for line in content_lines)
