"""Templates of the beneficiary files a provider uploads: the columns of its kind and one example row.

Downloadable as CSV (UTF-8 with a BOM, commas: what Excel opens and saves back as "CSV UTF-8") and
XLSX (the IIN as text, so that Excel keeps its leading zeros). The example is valid: uploaded as it
is, it passes every row rule of ``contingent.validation``.
"""

from __future__ import annotations

import datetime as dt

from core.identifiers import make_iin
from programmes.choices import BeneficiaryKind
from programmes.instruments import beneficiary_columns

BIRTH_DATE = dt.date(2016, 3, 14)


def _example_iin() -> str:
    return next(iin for serial in range(1, 100) if (iin := make_iin(BIRTH_DATE, "female", serial)))


EXAMPLE = {
    "last_name": "Серікова",
    "first_name": "Әйгерім",
    "middle_name": "Нұрланқызы",
    "birth_date": BIRTH_DATE,
    "grade": 4,
    "enrolled_on": dt.date(2025, 9, 1),
    "left_on": None,
    "specialty_group": "B057",
}
CATEGORY = {BeneficiaryKind.PUPIL: "regular", BeneficiaryKind.SCHOLARSHIP_HOLDER: "regular"}


def template_rows(kind: str) -> tuple[list[str], list[list]]:
    """(columns, [example row]) of the file of ``kind``."""
    columns = beneficiary_columns(kind)
    values = {**EXAMPLE, "iin": _example_iin(), "category": CATEGORY.get(kind, "")}
    return columns, [[values.get(column, "") for column in columns]]
