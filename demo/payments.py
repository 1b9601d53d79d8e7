"""Demo acts, payments, recoveries and a final report, in every state (called by ``seed_demo``).

Two Astana schools of the schools demo («Болашақ», login ``school``; «Зерде», login ``school_zerde``) get
an active contract for the school year whose first five months are over (the orders demo's
contract when it has one, otherwise one made here), a contingent when they have none, a few
findings, and five monthly acts walked through the real services:

* «Болашақ»: September and October paid (October partly accepted), a finding on a paid pupil
  recovered (one recovery cancelled by the department, one offset), November partly accepted with
  its payment prepared after a cancelled first attempt, December submitted with a line not
  payable, January a draft; a draft final report.
* «Зерде»: September sent to the bank, October failed at the bank and re-issued, November
  returned, December returned, corrected and resubmitted (two versions), January approved just after the school
  gave a new bank account (the October account was closed): the risk flag R04.

Idempotent: a contract that already has acts is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from core.calendar import school_year_start

NORMS = {"primary": Decimal("95000.00"), "basic": Decimal("110000.00"), "general": Decimal("125500.00")}
FIRST_NAMES = ["Аружан", "Нұрсұлтан", "Әлихан", "Айым", "Інжу", "Ерасыл", "Томирис", "Данияр", "Мирас", "Аяулым",
               "Ғалым", "Өмірзақ", "Жансая", "Ұлжан", "Батыр", "Дариға", "Қуаныш", "Сезім", "Тимур", "Анель"]
LAST_NAMES = ["Серікқызы", "Жақсылықов", "Омарова", "Нұрланов", "Әбдіров", "Қасымова", "Төлеуов", "Сәрсенбаева",
              "Мұхамеджанов", "Ахметова", "Бекова", "Ермеков"]


def make_kz_iban(serial: int, bank: str = "601") -> str:
    """A valid Kazakhstan IBAN (mod-97) for a made-up account number."""
    bban = f"{bank}{serial:013d}"
    digits = "".join(str(int(c, 36)) for c in bban + "KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


class _Upload(io.BytesIO):
    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name


def demo_year(today: dt.date) -> int:
    """The school year whose September–January are over."""
    return school_year_start(today - dt.timedelta(days=185)).year


def _month(year: int, index: int) -> dt.date:
    """Month ``index`` of the school year (0 = September)."""
    month = 9 + index
    return dt.date(year + (month > 12), (month - 1) % 12 + 1, 1)


def _users(ctx, schools):
    from accounts.models import User
    from accounts.services import user_upsert

    user_upsert(username="school_zerde", role="school", school_bin=schools[1].bin, password=ctx.get("password"))
    if not any(login[0] == "school_zerde" for login in ctx.get("logins", [])):
        ctx.setdefault("logins", []).append(("school_zerde", "school", ctx.get("password", "")))
    names = ["school", "school_zerde", "department", "operator", "operator2"]
    return {name: User.objects.get(username=name) for name in names}


def _contract(school, year: int, users: dict, school_username: str):
    """The school's active contract covering September–January, or one made here through the orders services."""
    from orders.models import Contract, StateOrder
    from orders.services import application_approve, application_submit, contract_sign, order_create, order_publish
    from orders.services.state_orders import LevelInput, OrderInput

    existing = Contract.objects.filter(
        school=school, status="active", period_start__lte=dt.date(year, 9, 1), period_end__gte=dt.date(year + 1, 1, 31),
    ).order_by("id").first()
    if existing is not None:
        return existing
    department = users["department"]
    order = StateOrder.objects.filter(region=school.region, school_year=year, programme_code="099-DEMO-ACTS").first()
    if order is None:
        now = timezone.now().replace(second=0, microsecond=0)
        order = order_create(actor=department, data=OrderInput(
            school_year=year, programme_code="099-DEMO-ACTS",
            title="Жекеменшік мектептердегі мемлекеттік білім беру тапсырысы (демо)",
            title_ru="Государственный образовательный заказ в частных школах (демо)",
            title_en="State educational order in private schools (demo)", budget=Decimal("2500000000.00"),
            sen_coefficient=Decimal("1.50"), applications_open_at=now - dt.timedelta(days=1),
            applications_close_at=now + dt.timedelta(days=30), service_start=dt.date(year, 9, 1),
            service_end=dt.date(year + 1, 5, 31),
            levels={level: LevelInput(places=400, monthly_norm=norm) for level, norm in NORMS.items()},
        ))
        order = order_publish(order=order, actor=department)
    application = application_submit(order=order, places={"primary": 40, "basic": 40, "general": 20},
                                     actor=users[school_username])
    contract = application_approve(application=application, actor=department).contract
    contract = contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=users[school_username])
    return contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=department)


def _contingent(school, year: int, offset: int) -> list:
    """The school's enrolments active in the demo months; made here when the school has fewer than ten."""
    from contingent.models import Enrolment, Pupil
    from core.identifiers import make_iin

    start = dt.date(year, 9, 1)
    active = Enrolment.objects.filter(school=school, enrolled_on__lte=dt.date(year + 1, 1, 31)).exclude(left_on__lt=start)
    if active.count() >= 10:
        return list(active.order_by("id"))
    grades = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 3, 6]
    for n, grade in enumerate(grades):
        birth = dt.date(year - grade - 6, 1 + (n * 5) % 12, 1 + (n * 7) % 27)
        serial = 4000 + offset * 100 + n
        iin = None
        while iin is None:
            iin = make_iin(birth, "female" if n % 2 else "male", serial)
            serial += 1
        pupil, _ = Pupil.objects.get_or_create(iin=iin, defaults={
            "last_name": LAST_NAMES[(n + offset) % len(LAST_NAMES)], "first_name": FIRST_NAMES[(n + offset) % len(FIRST_NAMES)],
            "middle_name": "", "birth_date": birth})
        enrolled_on = start if n != 12 else dt.date(year, 10, 14)  # one pupil arrives in mid-October
        left_on = dt.date(year, 11, 20) if n == 13 else None  # one leaves in November
        Enrolment.objects.get_or_create(school=school, pupil=pupil, enrolled_on=enrolled_on, defaults={
            "grade": grade, "category": "sen" if n in (4, 9) else "regular", "left_on": left_on})
    return list(active.order_by("id"))


def _finding(*, school, code: str, enrolment=None, run):
    from checks.choices import LIVE_STATUSES
    from checks.models import Finding
    from checks.rules import severity_of

    subject = f"enrolment:{enrolment.pk}" if enrolment is not None else f"school:{school.pk}"
    finding = Finding.objects.filter(code=code, subject_key=subject, status__in=LIVE_STATUSES).first()
    return finding or Finding.objects.create(
        code=code, severity=severity_of(code), school=school, enrolment=enrolment, subject_key=subject,
        rule_version="demo", details={"demo": True}, first_run=run, last_run=run,
    )


def _run(check_date: dt.date):
    from checks.models import CheckRun

    return CheckRun.objects.create(check_date=check_date, trigger="command", status="succeeded",
                                   finished_at=timezone.now(), inputs={"demo": True})


def _line_enrolment(act, index: int):
    """The enrolment of the act's ``index``-th line (modulo the number of lines)."""
    lines = list(act.lines.filter(version=act.version).order_by("id").values_list("enrolment", flat=True))
    from contingent.models import Enrolment

    return Enrolment.objects.get(pk=lines[index % len(lines)])


def _accept(act, users, reject=()):
    """The department decides every line (the named enrolments are rejected, blocked lines too, the rest accepted)
    and inspects the sampled lines, then accepts."""
    from acts.models import InspectionItem
    from acts.selectors import act_lines
    from acts.services import act_accept, act_line_inspect, act_lines_decide, act_partly_accept, act_sample_draw

    department = users["department"]
    for enrolment, reason, note in reject:
        line = act.lines.get(version=act.version, enrolment=enrolment)
        act_lines_decide(act=act, actor=department, decision="rejected", lines=[line.pk], reason=reason, note=note)
    pending = act_lines(act=act).filter(decision="pending")
    if pending.filter(blocked=True).exists():
        act_lines_decide(act=act, actor=department, decision="rejected", selection="pending_blocked", reason="check_error")
    if pending.filter(blocked=False).exists():
        act_lines_decide(act=act, actor=department, decision="accepted", selection="pending_payable")
    sample = act_sample_draw(act=act, actor=department)  # acceptance after inspection of the sampled lines
    for line in InspectionItem.objects.filter(sample=sample).values_list("line_id", flat=True):
        act_line_inspect(act=act, actor=department, line=line, result="present")
    if act.lines.filter(version=act.version, decision="rejected").exists():
        return act_partly_accept(act=act, actor=department)
    return act_accept(act=act, actor=department)


def _build_submit(contract, month, users, key="school"):
    from acts.services import act_build, act_submit

    act = act_build(contract=contract, month=month, actor=users[key])
    return act_submit(act=act, actor=users[key])


def _confirm(payments, users, name, results):
    """The bank answers for ``payments``: ``results`` maps a payment to (status, message)."""
    from payments.services import confirmation_apply, confirmation_upload

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["payment_reference", "status", "amount", "bank_reference", "date", "message"])
    for payment in payments:
        status, message = results[payment.pk]
        writer.writerow([payment.reference, status, payment.amount, f"HSBK{payment.pk:08d}" if status == "paid" else "",
                         timezone.localdate().isoformat(), message])
    confirmation, _rows = confirmation_upload(file=_Upload(buffer.getvalue().encode(), name), actor=users["operator"])
    confirmation_apply(confirmation=confirmation, actor=users["operator2"])


def _seed_bolashak(contract, users, year):
    from acts.services import act_build
    from payments.services import (
        final_report_prepare,
        payment_approve,
        payment_cancel,
        payment_prepare,
        recoveries_detect,
        recovery_cancel,
        registry_create,
    )

    operator, operator2 = users["operator"], users["operator2"]
    september = _accept(_build_submit(contract, _month(year, 0), users), users)
    payment = payment_approve(payment=payment_prepare(act=september, actor=operator), actor=operator2)
    registry_create(actor=operator, payment_ids=[payment.pk])
    payment.refresh_from_db()
    _confirm([payment], users, "halyk-confirmation-1.csv", {payment.pk: ("paid", "")})

    october = _build_submit(contract, _month(year, 1), users)
    october = _accept(october, users, reject=[
        (_line_enrolment(october, 5), "no_documents", "Қабылдау туралы бұйрық ұсынылмады")])
    payment = payment_approve(payment=payment_prepare(act=october, actor=operator), actor=operator2)
    registry_create(actor=operator, payment_ids=[payment.pk])
    payment.refresh_from_db()
    _confirm([payment], users, "halyk-confirmation-2.csv", {payment.pk: ("paid", "")})

    # November: the nightly checks find that a paid pupil studies at another school (P03).
    run = _run(_month(year, 2) + dt.timedelta(days=14))
    _finding(school=contract.school, code="P03", enrolment=_line_enrolment(september, 2), run=run)
    _finding(school=contract.school, code="P06", enrolment=_line_enrolment(september, 3), run=run)  # a warning: shown, not blocking
    recoveries_detect(run=run)
    october_recovery = contract.recoveries.filter(line__act=october).first()
    if october_recovery is not None:
        recovery_cancel(recovery=october_recovery, actor=users["department"],
                        reason="Сынып журналы бойынша оқушы қазан айында осы мектепте оқыды")
    november = _accept(_build_submit(contract, _month(year, 2), users), users)
    first = payment_prepare(act=november, actor=operator)
    payment_cancel(payment=first, actor=operator, reason="Төлем мақсаты нақтылануда")
    payment_prepare(act=november, actor=operator)

    _build_submit(contract, _month(year, 3), users)  # December: under review, one line not payable
    act_build(contract=contract, month=_month(year, 4), actor=users["school"])  # January: a draft

    # Later another paid pupil turns out not to be in NOBD: recoveries wait for the next payment.
    run = _run(_month(year, 4) + dt.timedelta(days=20))
    _finding(school=contract.school, code="P02", enrolment=_line_enrolment(september, 7), run=run)
    recoveries_detect(run=run)
    final_report_prepare(contract=contract, actor=users["school"])


def _seed_zerde(contract, users, year):
    from acts.services import act_correct, act_return, act_submit
    from payments.services import (
        payment_approve,
        payment_prepare,
        payment_reissue,
        registry_create,
    )
    from schools.services import school_profile_update

    operator, operator2, department = users["operator"], users["operator2"], users["department"]
    september = _accept(_build_submit(contract, _month(year, 0), users, "school_zerde"), users)
    october = _accept(_build_submit(contract, _month(year, 1), users, "school_zerde"), users)
    sent = [payment_approve(payment=payment_prepare(act=act, actor=operator), actor=operator2) for act in (september, october)]
    registry_create(actor=operator, payment_ids=[p.pk for p in sent])
    for payment in sent:
        payment.refresh_from_db()
    failed = sent[1]
    _confirm([failed], users, "kaspi-confirmation-1.csv", {failed.pk: ("failed", "Алушының шоты жабылған")})
    failed.refresh_from_db()
    payment_reissue(payment=failed, actor=operator)

    november = _build_submit(contract, _month(year, 2), users, "school_zerde")
    act_return(act=november, actor=department, reason="Актіде 10-сынып оқушыларының саны шарттағы орындардан асады")
    december = _build_submit(contract, _month(year, 3), users, "school_zerde")
    december = act_return(act=december, actor=department, reason="Желтоқсанда шыққан оқушы актіде толық ай көрсетілген")
    leaver = _line_enrolment(december, 10)
    leaver.left_on = _month(year, 3) + dt.timedelta(days=11)  # the school records the pupil's leaving
    leaver.save(update_fields=["left_on", "updated_at"])
    december = act_correct(act=december, actor=users["school_zerde"])
    act_submit(act=december, actor=users["school_zerde"])
    # The October transfer failed (account closed): the school gives a new bank account on its profile, and January's
    # payment is approved soon after — a bank account changed just before money goes out (risk flag R04).
    school = contract.school
    school_profile_update(school=school, actor=users["school_zerde"], email=school.email, phone=school.phone,
                          director=school.director, iban=make_kz_iban(7_200_001, bank="722"), bank_name=school.bank_name,
                          bic=school.bic)
    january = _accept(_build_submit(contract, _month(year, 4), users, "school_zerde"), users)
    payment_approve(payment=payment_prepare(act=january, actor=operator), actor=operator2)


def seed(ctx: dict) -> None:
    """Add acts, payments, recoveries and a final report in every state (see the module docstring)."""
    from acts.models import Act

    schools = ctx.get("schools") or []
    astana = [school for school in schools if school.region_id == "71"][:2]
    if len(astana) < 2:
        return
    year = demo_year(timezone.localdate())
    users = _users(ctx, astana)
    for n, school in enumerate(astana):
        if not school.iban:
            school.iban = make_kz_iban(7_100_000 + n)
            school.bank_name = "Halyk Bank" if n == 0 else "Kaspi Bank"
            school.save(update_fields=["iban", "bank_name", "updated_at"])
    seeders = [_seed_bolashak, _seed_zerde]
    for n, school in enumerate(astana):
        contract = _contract(school, year, users, ["school", "school_zerde"][n])
        if Act.objects.filter(contract=contract).exists():
            continue
        _contingent(school, year, n)
        seeders[n](contract, users, year)
    stdout = ctx.get("stdout")
    if stdout is not None:
        stdout.write(f"payments: demo acts and payments for the {year}–{year + 1} school year are ready")
