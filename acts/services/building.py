"""Building and submitting acts (the provider's side).

An act covers one period of the contract's programme: a calendar month, or an academic term
(``programmes.periods``). Lines are built set-based: one ``INSERT … SELECT`` joins the contract, its
categories and norms, the programme (beneficiary kind, norm category, proration, coefficient: the
SQL forms of ``programmes.instruments``) and the beneficiaries, and computes each line's amount with
the SQL twin of the money rule (``acts_line_amount``). The same statement builds one act or all acts
of a month. For ``school_per_capita`` the lines and amounts are exactly those of the CONTRACT rule.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acts.choices import ActEvent, ActStatus, LineDecision, SubmissionOutcome
from acts.deadlines import act_due_on, review_due_on
from acts.models import Act, ActLine, ActSubmission
from acts.money import SQL_LINE_AMOUNT
from acts.signing import act_lines_digest
from contingent.rules import active_during_sql
from core.audit_places import record_places
from core.calendar import month_end, month_start
from core.errors import ConflictError, DomainError
from core.models import AuditEvent
from core.scoping import require
from core.services import audit_record
from core.workflow import transition_apply, transition_check
from orders.choices import ContractStatus
from orders.models import Contract
from programmes.choices import Period
from programmes.instruments import INSTRUMENTS, billable_days_sql, category_join_sql, coefficient_sql
from programmes.periods import period_starting
from signatures.services import signature_required, signed


# One line per enrolment of the provider that overlaps the act's period and the contract period, of the
# programme's beneficiary kind, in a norm category the contract funds. Days enrolled are counted
# inclusively (left_on is the last day, as in CONTRACT); the days paid are those, or every day of the
# period (``programmes.instruments.billable_days``). A beneficiary-period is billed once: an
# enrolment already billed (not rejected) on another act of the same period start is left out.
def _lines_of(instrument: str) -> str:
    """The lines of the acts whose programme is of ``instrument`` (one branch of ``INSERT_LINES_SQL``)."""
    return f"""
SELECT a.id AS act_id, a.version, a.school_id, e.id AS enrolment_id, p.iin,
       concat_ws(' ', p.last_name, p.first_name, nullif(p.middle_name, '')) AS pupil_name,
       e.grade, cl.level, e.category, span.first_day, span.last_day,
       paid.days, m.period_days, cl.monthly_norm AS norm, coef.value AS coefficient,
       {SQL_LINE_AMOUNT}(cl.monthly_norm, coef.value, paid.days, m.period_days) AS amount
  FROM acts_act a
  JOIN orders_contract c ON c.id = a.contract_id
  JOIN orders_stateorder o ON o.id = c.order_id
  JOIN programmes_programme pr ON pr.id = o.programme_id AND pr.instrument = '{instrument}'
 CROSS JOIN LATERAL (
       SELECT greatest(a.month, c.period_start) AS lo,
              least(a.period_end, c.period_end) AS hi,
              (a.period_end - a.month + 1) AS period_days) m
  JOIN contingent_enrolment e
    ON e.school_id = a.school_id AND e.kind = '{INSTRUMENTS[instrument].beneficiary_kind}'
   AND {active_during_sql('e', 'm.lo', 'm.hi')}
  {category_join_sql(instrument, 'e', 'c')}
  JOIN contingent_pupil p ON p.id = e.pupil_id
 CROSS JOIN LATERAL (
       SELECT greatest(e.enrolled_on, m.lo) AS first_day, least(coalesce(e.left_on, m.hi), m.hi) AS last_day) span
 CROSS JOIN LATERAL (
       SELECT {billable_days_sql('pr.proration', 'span.last_day - span.first_day + 1', 'm.period_days')} AS days) paid
 CROSS JOIN LATERAL (SELECT {coefficient_sql(f"'{instrument}'", 'e', 'o.sen_coefficient')} AS value) coef
 WHERE a.id = ANY(%(acts)s)
   AND NOT EXISTS (
       SELECT 1 FROM acts_actline x JOIN acts_act xa ON xa.id = x.act_id
        WHERE x.enrolment_id = e.id AND xa.month = a.month AND xa.id <> a.id AND x.version = xa.version
          AND x.decision <> '{LineDecision.REJECTED}')"""


# One line per enrolment of the provider that overlaps the act's period and the contract period, of the
# programme's beneficiary kind, in a norm category the contract funds; one branch per instrument (each
# joins its categories its own way, so that the planner estimates every join). Days enrolled are
# counted inclusively (left_on is the last day, as in CONTRACT); the days paid are those, or every day of
# the period (``programmes.instruments.billable_days``). A beneficiary-period is billed once: an
# enrolment already billed (not rejected) on another act of the same period start is left out.
INSERT_LINES_SQL = f"""
WITH inserted AS (
INSERT INTO acts_actline (act_id, version, school_id, enrolment_id, iin, pupil_name, grade, level, category,
                              first_day, last_day, days, days_in_month, norm, coefficient, amount,
                              decision, reject_reason, decision_note)
SELECT act_id, version, school_id, enrolment_id, iin, pupil_name, grade, level, category, first_day, last_day,
       days, period_days, norm, coefficient, amount, '{LineDecision.PENDING}', '', ''
  FROM ({" UNION ALL ".join(_lines_of(code) for code in INSTRUMENTS)}) lines
 ORDER BY act_id, enrolment_id  -- line ids follow the enrolments: the same contingent always gives the same order
RETURNING act_id, amount)
UPDATE acts_act a
   SET line_count = s.line_count, total_amount = s.total_amount, updated_at = now()
  FROM (SELECT act_id, count(*) AS line_count, sum(amount) AS total_amount FROM inserted GROUP BY act_id) s
 WHERE a.id = s.act_id
"""

# The same pupil enrolled twice at the school on overlapping dates inside the month would be billed
# twice: such acts are refused until the contingent is corrected.
OVERLAPS_SQL = f"""
SELECT a.id, p.iin
  FROM acts_act a
  JOIN orders_contract c ON c.id = a.contract_id
 CROSS JOIN LATERAL (SELECT greatest(a.month, c.period_start) AS lo,
                            least(a.period_end, c.period_end) AS hi) m
  JOIN contingent_enrolment e1
    ON e1.school_id = a.school_id AND {active_during_sql('e1', 'm.lo', 'm.hi')}
  JOIN contingent_enrolment e2
    ON e2.school_id = a.school_id AND e2.pupil_id = e1.pupil_id AND e2.kind = e1.kind AND e2.id > e1.id
   AND {active_during_sql('e2', 'm.lo', 'm.hi')}
   AND e2.enrolled_on <= coalesce(e1.left_on, 'infinity'::date) AND e1.enrolled_on <= coalesce(e2.left_on, 'infinity'::date)
  JOIN contingent_pupil p ON p.id = e1.pupil_id
 WHERE a.id = ANY(%(acts)s)
 ORDER BY a.id, p.iin
"""

RESET_TOTALS_SQL = """
UPDATE acts_act SET line_count = 0, total_amount = 0, accepted_amount = 0, updated_at = now() WHERE id = ANY(%(acts)s)
"""



def _overlaps(act_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL, {"acts": act_ids})
        for act_id, iin in cursor.fetchall():
            found.setdefault(act_id, []).append(iin)
    return found


def _fill_lines(act_ids: list[int]) -> int:
    """Insert the lines of the current version of these acts and set their totals. Returns the line count."""
    if not act_ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(RESET_TOTALS_SQL, {"acts": act_ids})
        cursor.execute(INSERT_LINES_SQL, {"acts": act_ids})
        cursor.execute("SELECT coalesce(sum(line_count), 0) FROM acts_act WHERE id = ANY(%(acts)s)", {"acts": act_ids})
        return cursor.fetchone()[0]


def _refuse_overlaps(act: Act) -> None:
    overlaps = _overlaps([act.pk]).get(act.pk)
    if overlaps:
        raise DomainError(
            _("The contingent enrols the same pupil twice on overlapping dates in this month (IIN %(iins)s); "
              "correct the enrolments, then build the act.") % {"iins": ", ".join(sorted(set(overlaps)))},
            code="overlapping_enrolments", details={"iins": sorted(set(overlaps))},
        )


def _contract_period(contract: Contract, month: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The programme period of the act that starts in ``month`` (a month, or a term), checked against the contract."""
    if contract.status != ContractStatus.ACTIVE:
        raise ConflictError(_("Acts are built only under an active contract."), code="contract_not_active")
    if not (month_start(contract.period_start) <= month <= contract.period_end):
        raise DomainError(_("The month lies outside the contract period (%(start)s – %(end)s).")
                          % {"start": contract.period_start, "end": contract.period_end}, code="outside_period",
                          field="month")
    period = period_starting(contract.order.programme, month)
    if period is None:
        raise DomainError(_("No academic term of the programme starts in this month."), code="no_term", field="month")
    if period[1] > contract.period_end:
        raise DomainError(_("The term runs past the end of the contract period."), code="outside_period", field="month")
    if month > month_start(today):
        raise DomainError(_("An act can be built only for a month that has begun."), code="future_month", field="month")
    return period


def _act_summary(act: Act) -> dict:
    return {"version": act.version, "lines": act.line_count, "total": act.total_amount, "month": act.month,
            "period_end": act.period_end}


@transaction.atomic
def act_build(*, contract: Contract, month: dt.date, actor, today: dt.date | None = None) -> Act:
    """The school builds its act for ``month`` from the contingent (a draft; at most one per contract and month)."""
    today = today or timezone.localdate()
    month = month_start(month)
    contract = Contract.objects.select_for_update().select_related("order", "order__programme").get(pk=contract.pk)
    require(actor, "build", Act(contract=contract, school_id=contract.school_id))
    period_end = _contract_period(contract, month, today)[1]
    if Act.objects.filter(contract=contract, month=month).exists():
        raise ConflictError(_("The act for this contract and month already exists."), code="act_exists")
    try:
        with transaction.atomic():
            act = Act.objects.create(
                contract=contract, school_id=contract.school_id, month=month, period_end=period_end,
                status=ActStatus.DRAFT, due_on=act_due_on(period_end), built_at=timezone.now(), built_by=actor,
            )
    except IntegrityError:
        raise ConflictError(_("The act for this contract and month already exists."), code="act_exists") from None
    _refuse_overlaps(act)
    _fill_lines([act.pk])
    act.refresh_from_db()
    audit_record(actor=actor, action=ActEvent.BUILT, subject=act, to_status=act.status, data=_act_summary(act))
    return act


@transaction.atomic
def act_rebuild(*, act: Act, actor) -> Act:
    """Rebuild a draft from the current contingent (its lines are replaced; nothing was submitted yet)."""
    locked = Act.objects.select_for_update().get(pk=act.pk)
    transition_check(obj=locked, transitions=Act.TRANSITIONS, action="rebuild", actor=actor)
    before = _act_summary(locked)
    ActLine.objects.filter(act=locked, version=locked.version).delete()
    _refuse_overlaps(locked)
    _fill_lines([locked.pk])
    locked.refresh_from_db()
    return transition_apply(obj=locked, transitions=Act.TRANSITIONS, action="rebuild", actor=actor,
                            data={"before": before, "after": _act_summary(locked)},
                            extra_fields={"built_at": timezone.now(), "built_by": actor})


@transaction.atomic
def act_correct(*, act: Act, actor) -> Act:
    """A returned act is corrected: the next version is built from the current contingent (the old one stays)."""
    locked = Act.objects.select_for_update().select_related("contract").get(pk=act.pk)
    transition_check(obj=locked, transitions=Act.TRANSITIONS, action="correct", actor=actor)
    before = _act_summary(locked)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    _refuse_overlaps(locked)
    _fill_lines([locked.pk])
    locked.refresh_from_db()
    return transition_apply(obj=locked, transitions=Act.TRANSITIONS, action="correct", actor=actor,
                            data={"before": before, "after": _act_summary(locked)},
                            extra_fields={"built_at": timezone.now(), "built_by": actor})


@transaction.atomic
def act_submit(*, act: Act, actor, today: dt.date | None = None, cms: str = "") -> Act:
    """The school submits the act to the department; the submitted version is frozen and recorded.

    In ``SIGNATURE_MODE=cms`` the school signs the submission (``acts.signing``): ``cms`` is its
    signature of the payload for "submit", which binds the total and the SHA-256 of the lines.
    """
    today = today or timezone.localdate()
    locked = Act.objects.select_for_update().get(pk=act.pk)
    transition_check(obj=locked, transitions=Act.TRANSITIONS, action="submit", actor=actor)
    if today < locked.period_end:
        raise DomainError(_("The act can be submitted from the last day of its period."), code="month_not_over")
    line_count, total, sha256 = act_lines_digest(locked)
    if line_count == 0:
        raise DomainError(_("The act has no lines: there is nothing to submit."), code="empty_act")
    signature = signature_required(obj=locked, action="submit", actor=actor, cms=cms)
    now = timezone.now()
    review_due = review_due_on(today)
    ActSubmission.objects.create(
        act=locked, version=locked.version, submitted_at=now, submitted_by=actor, line_count=line_count,
        total_amount=total, lines_sha256=sha256, review_due_on=review_due, outcome=SubmissionOutcome.PENDING,
    )
    return transition_apply(
        obj=locked, transitions=Act.TRANSITIONS, action="submit", actor=actor,
        data={"version": locked.version, "lines": line_count, "total": total, "lines_sha256": sha256,
              "review_due_on": review_due, "late": today > locked.due_on, **signed(signature)},
        extra_fields={"submitted_at": now, "submitted_by": actor, "review_due_on": review_due},
    )


@transaction.atomic
def acts_build_month(*, month: dt.date, actor, today: dt.date | None = None) -> dict:
    """Build the draft acts of every active contract of a monthly programme for ``month`` at once (operator; the benchmark).

    Contracts that already have an act for the month are left alone; a school whose contingent
    enrols a pupil twice on overlapping dates is skipped and reported.
    """
    require(actor, "build_month", Act)
    today = today or timezone.localdate()
    month = month_start(month)
    if month > month_start(today):
        raise DomainError(_("An act can be built only for a month that has begun."), code="future_month", field="month")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO acts_act (contract_id, school_id, month, period_end, status, version, line_count, total_amount,
                                      accepted_amount, due_on, built_at, built_by_id, return_reason, created_at, updated_at)
            SELECT c.id, c.school_id, %(month)s, %(month_end)s, %(draft)s, 1, 0, 0, 0, %(due)s, %(now)s, %(actor)s, '',
                   %(now)s, %(now)s
              FROM orders_contract c
              JOIN orders_stateorder o ON o.id = c.order_id
              JOIN programmes_programme pr ON pr.id = o.programme_id AND pr.period = %(monthly)s
             WHERE c.status = %(active)s AND date_trunc('month', c.period_start) <= %(month)s AND c.period_end >= %(month)s
             ORDER BY c.id
            ON CONFLICT (contract_id, month) DO NOTHING
            RETURNING id, school_id
            """,
            {"month": month, "month_end": month_end(month), "draft": ActStatus.DRAFT, "due": act_due_on(month),
             "now": now, "actor": actor.pk, "active": ContractStatus.ACTIVE, "monthly": Period.MONTH},
        )
        created = cursor.fetchall()
    act_ids = [act_id for act_id, _school in created]
    skipped = _overlaps(act_ids)
    if skipped:
        Act.objects.filter(pk__in=list(skipped)).delete()
    # Two contracts of one school are built one after the other, so a pupil-month is billed once.
    rounds: list[list[int]] = []
    seen: dict[int, int] = {}
    for act_id, school_id in created:
        if act_id in skipped:
            continue
        index = seen.get(school_id, -1) + 1
        seen[school_id] = index
        if len(rounds) <= index:
            rounds.append([])
        rounds[index].append(act_id)
    lines = sum(_fill_lines(batch) for batch in rounds)
    content_type = ContentType.objects.get_for_model(Act)
    built = [act_id for batch in rounds for act_id in batch]
    record_places(AuditEvent.objects.bulk_create(
        [AuditEvent(actor=actor, action=ActEvent.BUILT, content_type=content_type, object_id=str(act_id),
                    to_status=ActStatus.DRAFT, data={"month": str(month), "bulk": True}) for act_id in built],
        batch_size=1000,
    ))
    return {"acts": len(built), "lines": lines, "skipped": {str(k): v for k, v in skipped.items()}}
