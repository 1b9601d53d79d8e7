"""The row rules of the contingent and NOBD files, in Python.

The importers check rows set-based in PostgreSQL (``contingent.sql``); the rows SQL refuses
come back here to be explained, one message per wrong value, in the active language. Forms
use the same functions. Values are parsed with ``core.parsing`` (dates, whole numbers) and
``core.identifiers`` (IIN, BIN) — the parsers and messages every importer shares.
``tests/contingent/test_validation.py`` proves that Python and SQL accept exactly the same values.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.identifiers import parse_bin, parse_iin
from core.parsing import parse_date, parse_int
from integrations.nobd import NOBD_COLUMNS  # noqa: F401 - the NOBD file's columns belong to its client
from programmes.choices import BeneficiaryKind
from programmes.instruments import KIND_CATEGORIES, beneficiary_columns

CONTINGENT_COLUMNS = ["iin", "last_name", "first_name", "middle_name", "birth_date", "grade", "enrolled_on", "left_on", "category"]
BULK_COLUMNS = [*CONTINGENT_COLUMNS, "school_bin"]
# The staging table of every beneficiary file: the pupils' columns plus the grant holders' specialty group.
STAGING_COLUMNS = [*CONTINGENT_COLUMNS, "specialty_group", "school_bin"]
SPECIALTY_GROUP = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,19}")
SPECIALTY_GROUP_SQL = "^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$"  # the same pattern for PostgreSQL (tests compare them)


def file_columns(kind: str = BeneficiaryKind.PUPIL) -> list[str]:
    """The columns of a beneficiary file of ``kind`` (pupils: the CONTRACT contingent file)."""
    return beneficiary_columns(kind)

GRADE_MIN, GRADE_MAX = 0, 11  # 0 = the pre-school class
NAME_MAX_LENGTH = 100  # Pupil.last_name / first_name / middle_name


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def row_problems(values: dict[str, str | None], *, columns: list[str], name_limit: bool = True,
                 kind: str = BeneficiaryKind.PUPIL) -> list[tuple[str, str]]:
    """Every problem of one row as ``(column, message)``; an empty list for a valid row.

    ``values`` are the cells as read (``None`` or ``""`` for an empty cell); ``kind`` the beneficiaries'.
    """
    problems: list[tuple[str, str]] = []
    get = {name: (values.get(name) or "") for name in columns}

    iin_info = None
    if get["iin"] != get["iin"].strip():
        problems.append(("iin", _("spaces around the number")))
    else:
        try:
            iin_info = parse_iin(get["iin"])
        except ValidationError as error:
            problems.append(("iin", _messages(error)))

    for name in ("last_name", "first_name"):
        if not get[name]:
            problems.append((name, _("a value is required")))
    if name_limit:
        for name in ("last_name", "first_name", "middle_name"):
            if len(get[name]) > NAME_MAX_LENGTH:
                problems.append((name, _("longer than %(limit)s characters") % {"limit": NAME_MAX_LENGTH}))

    birth_date = None
    try:
        birth_date = parse_date(get["birth_date"])
    except ValueError as error:
        problems.append(("birth_date", str(error)))
    if iin_info is not None and birth_date is not None and iin_info.birth_date != birth_date:
        problems.append(("birth_date", _("IIN %(value)s encodes birth date %(encoded)s, not %(given)s.") % {
            "value": iin_info.iin, "encoded": iin_info.birth_date.isoformat(), "given": birth_date.isoformat(),
        }))

    if "grade" in columns:
        try:
            parse_int(get["grade"], minimum=GRADE_MIN, maximum=GRADE_MAX)
        except ValueError as error:
            problems.append(("grade", str(error)))

    enrolled_on = None
    try:
        enrolled_on = parse_date(get["enrolled_on"])
    except ValueError as error:
        problems.append(("enrolled_on", str(error)))
    if get["left_on"]:
        try:
            left_on = parse_date(get["left_on"])
        except ValueError as error:
            problems.append(("left_on", str(error)))
        else:
            if enrolled_on is not None and left_on < enrolled_on:
                problems.append(("left_on", _("the leaving date is before the enrolment date")))

    allowed = KIND_CATEGORIES[kind]
    if "category" in columns and get["category"] not in ("", *allowed):
        if kind == BeneficiaryKind.PUPIL:
            problems.append(("category", _("“%(value)s” is not a category: write regular or sen") % {"value": get["category"]}))
        else:
            problems.append(("category", _("“%(value)s” is not a category: write one of %(allowed)s") % {
                "value": get["category"], "allowed": ", ".join(allowed)}))

    if "specialty_group" in columns and not SPECIALTY_GROUP.fullmatch(get["specialty_group"]):
        problems.append(("specialty_group", _("write the specialty group code (letters, digits, dots, dashes; up to 20)")))

    if "school_bin" in columns:
        if get["school_bin"] != get["school_bin"].strip():
            problems.append(("school_bin", _("spaces around the number")))
        else:
            try:
                parse_bin(get["school_bin"])
            except ValidationError as error:
                problems.append(("school_bin", _messages(error)))
    return problems
