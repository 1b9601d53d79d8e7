"""Builders for the school registry and findings tests."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.utils import timezone

from tests.factories import next_iin

_serial = itertools.count(1)


def make_licence(school=None, *, bin: str | None = None, number: str | None = None, issued_on=dt.date(2018, 1, 10),
                 levels=("primary", "basic", "general"), status: str = "active"):
    from schools.models import Licence

    return Licence.objects.create(
        bin=bin or school.bin, number=number or f"LIC-{next(_serial):05d}", issued_on=issued_on, levels=list(levels),
        status=status,
    )


def make_rnu(*, bin: str, included_on=dt.date(2024, 1, 15), reason: str = "court decision", excluded_on=None):
    from schools.models import UnreliableSupplierEntry

    return UnreliableSupplierEntry.objects.create(bin=bin, included_on=included_on, reason=reason, excluded_on=excluded_on)


def make_enrolment(school, *, grade: int = 3, enrolled_on=dt.date(2025, 9, 1), left_on=None, birth_date=None):
    from contingent.models import Enrolment, Pupil

    birth_date = birth_date or dt.date(2025 - grade - 6, 5, 5)
    pupil = Pupil.objects.create(iin=next_iin(birth_date), last_name="Оқушы", first_name=f"№{next(_serial)}",
                                 birth_date=birth_date)
    return Enrolment.objects.create(school=school, pupil=pupil, grade=grade, enrolled_on=enrolled_on, left_on=left_on)


def make_run(*, check_date=dt.date(2025, 11, 1)):
    from checks.models import CheckRun

    return CheckRun.objects.create(check_date=check_date, trigger="command", status="succeeded", finished_at=timezone.now())


def make_finding(school, *, code: str = "S04", severity: str | None = None, status: str = "open", enrolment=None,
                 level: str = "", details: dict | None = None, run=None, legacy: bool = False):
    """A finding as a rule would leave it (for pages and API tests that need one of any code).

    ``details``, when given, must fit the rule's schema exactly (no invented keys), unless ``legacy``
    (details of an older version of the rule)."""
    from checks.models import Finding
    from checks.rules import rule_for, severity_of
    from checks.rules.details import parse_details

    if details and not legacy:
        parse_details(rule_for(code).details, details)
    run = run or make_run()
    if enrolment is not None:
        key = f"enrolment:{enrolment.pk}"
    else:
        key = f"school:{school.pk}" + (f":{level}" if level else "")
    return Finding.objects.create(
        code=code, severity=severity or severity_of(code), school=school, enrolment=enrolment, level=level,
        subject_key=key, details=details or {}, rule_version="t", status=status, first_run=run, last_run=run,
    )


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def csv_file(text: str, tmp_path, name: str = "file.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx_file(headers, rows, tmp_path, name: str = "file.xlsx"):
    from core.exports import xlsx_bytes

    path = tmp_path / name
    path.write_bytes(xlsx_bytes(headers, rows))
    return path


def as_upload(path):
    return io.BytesIO(path.read_bytes())


def s02_details(school, oked: str = "86.10") -> dict:
    return {"bin": school.bin, "oked": oked}


def s03_details(school, *, included_on: str = "2024-01-01", reason: str = "court", check_date: str = "2025-11-01") -> dict:
    return {"bin": school.bin, "check_date": check_date, "included_on": included_on, "reason": reason,
            "entries": [{"included_on": included_on, "reason": reason, "excluded_on": None}]}
