"""Demo programmes: one of each funding instrument besides the state order, on the same rails.

Astana's department runs a dormitory-place programme (``DORM-71``) and a scholarship programme
(``SCH-71``); the operator a national grant programme (``GRANT-KZ``, two terms). Each has a call, an
application, a signed contract, beneficiaries loaded like a contingent (``import_contingent --kind``)
and an act of a past period; the dormitory's October act is paid (four eyes). Planted for the
nightly checks (the snapshot is written by the contingent demo): a resident not studying (D01), a
resident of both funded dormitories (D02), the first dormitory above its places (D03), a scholarship
holder studying elsewhere (C01) and a grant holder at two providers in one term (G01).
Idempotent: nothing is added when ``DORM-71`` exists.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from core.calendar import school_year_of
from core.identifiers import make_bin, make_iin

STATE_COLLEGE_BIN_SERIAL = 950  # a state college of NOBD, never in the portal
# (key, bin serial, kind, name kk, name ru, oked, login)
PROVIDERS = [
    ("dorm", 301, "dormitory", "«Жастар үйі» жатақханасы", "Общежитие «Жастар үйі»", "55.90", "dormitory"),
    ("dorm2", 302, "dormitory", "«Шаңырақ» студенттер үйі", "Студенческий дом «Шанырак»", "85.59", "dormitory2"),
    ("college", 303, "college", "Астана жоғары политехникалық колледжі", "Высший политехнический колледж Астаны",
     "85.41", "college"),
    ("university", 304, "university", "«Астана» технологиялық университеті", "Технологический университет «Астана»",
     "85.42", "university"),
]
NAMES = [("Сапарова", "Дильназ"), ("Ерланов", "Айбек"), ("Нұрланқызы", "Мадина"), ("Қайратов", "Санжар"),
         ("Жұмабаева", "Аяжан"), ("Тұрсынов", "Ерболат"), ("Мұратова", "Камила"), ("Бекенов", "Алмас"),
         ("Әлиева", "Диана"), ("Оспанов", "Нұрбек")]


def _people(offset: int, count: int, year: int) -> list[dict]:
    people = []
    for n in range(count):
        birth = dt.date(year - 18 - n % 3, 1 + (n * 5 + offset) % 12, 1 + (n * 7 + offset) % 27)
        serial, iin = 6000 + offset * 50 + n, None
        while iin is None:
            iin = make_iin(birth, "female" if n % 2 == 0 else "male", serial)
            serial += 1
        last, first = NAMES[(n + offset) % len(NAMES)]
        people.append({"iin": iin, "last_name": last, "first_name": first, "middle_name": "", "birth_date": birth.isoformat(),
                       "enrolled_on": dt.date(year, 9, 1).isoformat(), "left_on": ""})
    return people


def _csv(rows: list[dict], columns: list[str]) -> io.BytesIO:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode("utf-8"))
    upload.name = "demo-beneficiaries.csv"
    return upload


def _providers(ctx, year: int) -> dict:
    from accounts.services import user_upsert
    from demo.payments import make_kz_iban
    from schools.models import School

    providers = {}
    for n, (key, serial, kind, name_kk, name_ru, oked, login) in enumerate(PROVIDERS):
        school, _created = School.objects.get_or_create(bin=make_bin(2015, 3, serial), defaults={
            "name_kk": name_kk, "name_ru": name_ru, "region_id": "71", "kato": "711110000", "kind": kind, "oked": oked,
            "address": "Астана", "capacity": 500, "iban": make_kz_iban(7_300_000 + n), "bank_name": "Halyk Bank"})
        user_upsert(username=login, role="school", school_bin=school.bin, password=ctx["password"])
        ctx["logins"].append((login, "school", ctx["password"]))
        providers[key] = school
    return providers


def _programme(*, actor, code, instrument, names, norms, proration="", terms=(), provider_kind=""):
    from programmes.services import NormInput, ProgrammeInput, TermInput, programme_activate, programme_create

    programme = programme_create(actor=actor, data=ProgrammeInput(
        code=code, name_kk=names[0], name_ru=names[1], name_en=names[2], instrument=instrument, proration=proration,
        provider_kind=provider_kind,
        norms=[NormInput(key=key, amount=Decimal(amount), label_kk=kk, label_ru=ru, label_en=en)
               for key, amount, kk, ru, en in norms],
        terms=[TermInput(name=name, start=start, end=end) for name, start, end in terms]))
    return programme_activate(programme=programme, actor=actor)



# The calls' titles in Russian and English (orders have their title in the three languages).
TITLES = {
    "Жатақхана орындары": ("Места в общежитии", "Dormitory places"),
    "Жатақхана орындары (2)": ("Места в общежитии (2)", "Dormitory places (2)"),
    "Колледж шәкіртақылары": ("Стипендии колледжа", "College scholarships"),
    "Гранттар": ("Гранты", "Grants"),
}


def _translated(title: str, index: int) -> str:
    """``title`` in Russian (0) or English (1); a trailing year is kept as it is."""
    base, _space, year = title.rpartition(" ")
    if title in TITLES:
        return TITLES[title][index]
    return f"{TITLES[base][index]} {year}" if base in TITLES and year.isdigit() else ""


def _contract(*, programme, provider_user, department, year, places: dict, norms: dict, code: str, title: str,
              until: dt.date | None = None):
    from orders.services import (
        LevelInput,
        OrderInput,
        application_approve,
        application_submit,
        contract_sign,
        order_create,
        order_publish,
    )

    now = timezone.now().replace(second=0, microsecond=0)
    order = order_publish(order=order_create(actor=department, data=OrderInput(
        programme=programme, school_year=year, programme_code=code, title=title, title_ru=_translated(title, 0),
        title_en=_translated(title, 1), budget=Decimal("900000000.00"),
        applications_open_at=now - dt.timedelta(days=1), applications_close_at=now + dt.timedelta(days=30),
        service_start=dt.date(year, 9, 1), service_end=until or dt.date(year + 1, 5, 31),
        levels={key: LevelInput(places=count, monthly_norm=Decimal(norms[key])) for key, count in places.items()},
    )), actor=department)
    application = application_submit(order=order, places=places, actor=provider_user)
    contract = application_approve(application=application, actor=department).contract
    contract = contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=provider_user)
    return contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=department)


def seed(ctx: dict) -> None:
    from accounts.models import User
    from acts.models import InspectionItem
    from acts.services import act_accept, act_build, act_line_inspect, act_lines_decide, act_sample_draw, act_submit
    from contingent.services.imports import contingent_import
    from contingent.validation import file_columns
    from demo.payments import demo_year
    from payments.services import payment_approve, payment_prepare
    from programmes.models import Programme

    year = demo_year(timezone.localdate())  # the school year whose first months are over: acts of past periods
    current = school_year_of(timezone.localdate())  # the one the nightly checks look at
    providers = _providers(ctx, year)
    residents = _people(1, 8, year)  # 8 residents for 6 places: D03
    residents[5]["enrolled_on"] = dt.date(year, 10, 16).isoformat()  # arrives mid-October: prorated by days
    shared = dict(residents[2])  # D02: also a resident of the second dormitory
    residents2 = [shared, *_people(2, 1, year)]
    holders = _people(3, 6, year)
    for n, category in enumerate(["regular", "regular", "increased", "increased", "social", "regular"]):
        holders[n]["category"] = category
    holders[4]["enrolled_on"] = dt.date(year, 10, 28).isoformat()  # any day of October: the whole month
    grant_holders = _people(4, 5, year)
    for n, group in enumerate(["B001", "B001", "B057", "B057", "B057"]):
        grant_holders[n]["specialty_group"] = group
    twice = dict(grant_holders[0])  # G01: also a grant holder at the college in the autumn term

    # NOBD: every beneficiary studies at the college or a state college, except the planted ones.
    state_college = make_bin(2001, 6, STATE_COLLEGE_BIN_SERIAL)
    nobd = []
    for n, person in enumerate([*residents, *residents2[1:], *holders, *grant_holders]):
        if person is residents[0]:
            continue  # D01: studies nowhere
        where = providers["college"].bin if person in holders else state_college
        if person is holders[1]:
            where = state_college  # C01: studies at another college
        nobd.append({**person, "school_bin": where, "grade": 1 + n % 4, "left_on": ""})
    ctx.setdefault("nobd_rows", []).extend(nobd)

    if Programme.objects.filter(code="DORM-71").exists():
        return
    users = {name: User.objects.get(username=name) for name in
             ("department", "operator", "operator2", "dormitory", "dormitory2", "college", "university")}
    department = users["department"]

    dorm = _programme(actor=department, code="DORM-71", instrument="dormitory_place", names=(
        "Астана қаласындағы студенттерге жатақханадағы орын", "Места в общежитиях для студентов города Астаны",
        "Dormitory places for students in Astana"),
        norms=[("place", "45000.00", "Жатақханадағы орын", "Место в общежитии", "Dormitory place")])
    scholarship = _programme(actor=department, code="SCH-71", instrument="scholarship", names=(
        "Колледж студенттерінің мемлекеттік шәкіртақысы", "Государственная стипендия студентов колледжей",
        "State scholarship of college students"), norms=[
        ("regular", "28000.00", "Қарапайым", "Обычная", "Regular"),
        ("increased", "35000.00", "Жоғарылатылған (үздік оқу)", "Повышенная (отличная учёба)", "Increased"),
        ("social", "42000.00", "Әлеуметтік", "Социальная", "Social")])
    grant = _programme(actor=users["operator"], code="GRANT-KZ", instrument="grant", names=(
        "Жоғары білім берудің мемлекеттік гранты", "Государственный грант на высшее образование",
        "State grant for higher education"), provider_kind="university", norms=[
        ("B001", "450000.00", "Педагогика және психология", "Педагогика и психология", "Pedagogy and psychology"),
        ("B057", "600000.00", "Ақпараттық технологиялар", "Информационные технологии", "Information technology")],
        terms=[term for first in sorted({year, current}) for term in (
            (f"Күзгі семестр / Осенний семестр {first}", dt.date(first, 9, 1), dt.date(first, 12, 31)),
            (f"Көктемгі семестр / Весенний семестр {first + 1}", dt.date(first + 1, 1, 1), dt.date(first + 1, 5, 31)))])

    contracts = {
        "dorm": _contract(programme=dorm, provider_user=users["dormitory"], department=department, year=year,
                          places={"place": 6}, norms={"place": "45000.00"}, code="226-104", title="Жатақхана орындары",
                          until=dt.date(year + 1, 8, 31)),
        "dorm2": _contract(programme=dorm, provider_user=users["dormitory2"], department=department, year=year,
                           places={"place": 5}, norms={"place": "45000.00"}, code="226-104", title="Жатақхана орындары (2)",
                           until=dt.date(year + 1, 8, 31)),
        "college": _contract(programme=scholarship, provider_user=users["college"], department=department, year=year,
                             places={"regular": 4, "increased": 2, "social": 2},
                             norms={"regular": "28000.00", "increased": "35000.00", "social": "42000.00"},
                             code="226-105", title="Колледж шәкіртақылары"),
        "university": _contract(programme=grant, provider_user=users["university"], department=department, year=year,
                                places={"B001": 3, "B057": 3}, norms={"B001": "450000.00", "B057": "600000.00"},
                                code="226-106", title="Гранттар"),
    }

    if current != year:  # the dormitories' contracts of the school year the checks look at (D02, D03)
        for key, login, title in (("dorm", "dormitory", "Жатақхана орындары"), ("dorm2", "dormitory2", "Жатақхана орындары (2)")):
            _contract(programme=dorm, provider_user=users[login], department=department, year=current,
                      places={"place": 6 if key == "dorm" else 5}, norms={"place": "45000.00"}, code="226-104",
                      title=f"{title} {current}", until=dt.date(current + 1, 8, 31))

    for key, kind, rows in (("dorm", "resident", residents), ("dorm2", "resident", residents2),
                            ("college", "scholarship_holder", holders), ("university", "grant_holder", grant_holders),
                            ("college", "grant_holder", [twice])):
        contingent_import(source=_csv(rows, file_columns(kind)), school=providers[key], kind=kind,
                          original_name=f"demo-{kind}-{providers[key].bin}.csv")

    october, autumn = dt.date(year, 10, 1), dt.date(year, 9, 1)
    for key, actor in (("dorm", "dormitory"), ("college", "college"), ("university", "university")):
        act = act_build(contract=contracts[key], month=october if key != "university" else autumn, actor=users[actor])
        act = act_submit(act=act, actor=users[actor])
        if key != "college":  # the scholarship act waits for the department's review
            act_lines_decide(act=act, actor=department, decision="accepted", selection="pending_payable")
            sample = act_sample_draw(act=act, actor=department)  # acceptance after inspection of the sampled lines
            for line in InspectionItem.objects.filter(sample=sample).values_list("line_id", flat=True):
                act_line_inspect(act=act, actor=department, line=line, result="present")
            act = act_accept(act=act, actor=department)
        if key == "dorm":
            payment = payment_prepare(act=act, actor=users["operator"])
            payment_approve(payment=payment, actor=users["operator2"])
    out = ctx.get("stdout")
    if out is not None:
        out.write("programmes: DORM-71, SCH-71 and GRANT-KZ with providers, contracts, beneficiaries and acts")
