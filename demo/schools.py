"""Demo schools in several regions, their licences and the register of unreliable suppliers.

Loaded through the same importer as ``import_schools`` / ``import_registry`` (so the demo shows
register loads and history too), only when something differs: running it again changes nothing.
Some schools have problems on purpose, so that ``run_checks`` shows every school finding of this
app: S01 (a level taught without an active licence), S02 (activity code not education, or none),
S03 (on the register of unreliable suppliers).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from core.identifiers import make_bin, make_iin

# (bin serial, KATO, name kk, name ru, address, oked, capacity)
DEMO_SCHOOLS = [
    (101, "711110000", "«Болашақ» жекеменшік мектебі", "Частная школа «Болашак»", "Астана, Мәңгілік Ел даңғылы, 30", "85.31", 600),
    (102, "711110000", "«Зерде» мектеп-гимназиясы", "Школа-гимназия «Зерде»", "Астана, Тұран даңғылы, 12", "85.31", 400),
    (103, "751110000", "«Алатау» жеке мектебі", "Частная школа «Алатау»", "Алматы, Абай даңғылы, 150", "85.31", 800),
    (104, "791110000", "«Ақниет» мектебі", "Школа «Акниет»", "Шымкент, Тәуке хан даңғылы, 5", "85.20", 300),
    # S02: a training centre registered under health-care activities (86.90), not education.
    (105, "351010000", "«Нұр» оқу орталығы", "Учебный центр «Нур»", "Қарағанды, Бұқар жырау даңғылы, 47", "86.90", 150),
    # S03: on the register of unreliable suppliers since 14.03.2025.
    (106, "791110000", "«Сенім» мектебі", "Школа «Сеним»", "Шымкент, Байдібек би даңғылы, 88", "85.31", 350),
    # S01: licensed for primary and basic only (its general-secondary licence is suspended), yet teaches grade 10.
    (107, "551010000", "«Білім-Инновация» лицейі", "Лицей «Билим-Инновация»", "Павлодар, Естай көшесі, 20", "85.31", 250),
    # S02: no activity code at all; an old register entry that has ended (no S03).
    (108, "151010000", "«Ақ жол» мектебі", "Школа «Ак жол»", "Ақтөбе, Әбілқайыр хан даңғылы, 3", "", 200),
]
ALL_LEVELS = "primary;basic;general"
# (bin serial, licence number, issued on, levels, status)
DEMO_LICENCES = [
    (101, "KZ18LAA00011234", "2018-06-01", ALL_LEVELS, "active"),
    (102, "KZ17LAA00009876", "2017-08-15", ALL_LEVELS, "active"),
    (103, "KZ16LAA00004567", "2016-05-20", ALL_LEVELS, "active"),
    (104, "KZ19LAA00002345", "2019-07-01", ALL_LEVELS, "active"),
    (105, "KZ21LAA00007001", "2021-02-10", "primary", "active"),
    (106, "KZ20LAA00003210", "2020-03-03", ALL_LEVELS, "active"),
    (107, "KZ16LAA00005555", "2016-09-01", "primary;basic", "active"),
    (107, "KZ21LAA00006666", "2021-08-20", "general", "suspended"),
    (108, "KZ15LAA00001111", "2015-04-12", ALL_LEVELS, "active"),
]
OUTSIDE_BIN_SERIAL = 901  # a supplier that is no school of the portal
# (bin serial, included on, reason, excluded on)
DEMO_RNU = [
    (106, "2025-03-14", "Мемлекеттік сатып алу шартын орындамау (сот шешімі) / Неисполнение договора госзакупок (решение суда)", ""),
    (108, "2023-02-01", "Шарт бойынша міндеттемелерді орындамау / Неисполнение обязательств по договору", "2024-02-01"),
    (OUTSIDE_BIN_SERIAL, "2024-11-05", "Жалған құжаттар ұсыну / Представление недостоверных документов", ""),
]
# S01 needs a level taught: a few grade-10 pupils at school 107 (IIN serials reserved for the demo).
S01_PUPILS = [
    ("Омаров", "Ерлан", "Болатұлы", dt.date(2010, 3, 14), "male", 9101),
    ("Сейітова", "Аружан", "Маратқызы", dt.date(2010, 7, 2), "female", 9102),
    ("Ким", "Даниил", "Сергеевич", dt.date(2009, 11, 23), "male", 9103),
]
S01_ENROLLED_ON = dt.date(2025, 9, 1)


def demo_bin(serial: int) -> str:
    return make_bin(18, 3, serial)


def demo_iban(serial: int) -> str:
    from schwifty import IBAN

    return str(IBAN.generate("KZ", bank_code="601", account_code=f"{serial:013d}"))


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _load(kind: str, content: bytes, name: str) -> None:
    """Import through the register importer, only when the file would change something."""
    from integrations.registers import FileTransport
    from schools.choices import ChangeSource
    from schools.importers import plan_import
    from schools.services import register_import

    plan = plan_import(kind=kind, transport=FileTransport(content, label=name, kind=ChangeSource.IMPORT))
    if plan.errors:
        raise RuntimeError(f"demo {kind} data is invalid: {[str(error) for error in plan.errors]}")
    if plan.counts["new"] or plan.counts["changed"]:
        register_import(kind=kind, transport=FileTransport(content, label=name, kind=ChangeSource.IMPORT))


def _seed_s01_pupils(school) -> None:
    from contingent.models import Enrolment, Pupil

    for last, first, middle, birth, sex, serial in S01_PUPILS:
        pupil, _created = Pupil.objects.get_or_create(
            iin=make_iin(birth, sex, serial),
            defaults={"last_name": last, "first_name": first, "middle_name": middle, "birth_date": birth},
        )
        Enrolment.objects.get_or_create(school=school, pupil=pupil, enrolled_on=S01_ENROLLED_ON, defaults={"grade": 10})


def seed_schools() -> list:
    """Load the demo schools and registers; returns the schools (the first is the demo school user's)."""
    from schools.choices import RegisterKind
    from schools.models import School

    # A school gives its own bank account on its profile after it is registered (the payments demo changes one: R04);
    # loaded again, the register file keeps the account the school gave.
    accounts = dict(School.objects.filter(bin__in=[demo_bin(row[0]) for row in DEMO_SCHOOLS]).exclude(iban="")
                    .values_list("bin", "iban"))
    _load(RegisterKind.SCHOOLS, _csv(
        ["bin", "name_kk", "name_ru", "region_kato", "address", "oked", "capacity", "iban"],
        [[demo_bin(serial), kk, ru, kato, address, oked, capacity, accounts.get(demo_bin(serial)) or demo_iban(serial)]
         for serial, kato, kk, ru, address, oked, capacity in DEMO_SCHOOLS],
    ), "demo-schools.csv")
    _load(RegisterKind.LICENCES, _csv(
        ["bin", "licence_number", "issued_on", "levels", "status"],
        [[demo_bin(serial), number, issued, levels, status] for serial, number, issued, levels, status in DEMO_LICENCES],
    ), "demo-licences.csv")
    _load(RegisterKind.RNU, _csv(
        ["bin", "included_on", "reason", "excluded_on"],
        [[demo_bin(serial), included, reason, excluded] for serial, included, reason, excluded in DEMO_RNU],
    ), "demo-rnu.csv")
    by_bin = {school.bin: school for school in School.objects.filter(bin__in=[demo_bin(row[0]) for row in DEMO_SCHOOLS])}
    schools = [by_bin[demo_bin(row[0])] for row in DEMO_SCHOOLS]
    _seed_s01_pupils(by_bin[demo_bin(107)])
    return schools
