"""Monitoring cases: every change is one service, audited in its transaction.

Monitors open, ask, note, conclude, send back, close and cancel; the school of the case, or the
education department of its region, answers the questions addressed to it and submits the
elimination report. Operators and administrators read. Who may is declared once, in the scopes of
``MonitoringCase`` and ``CaseQuestion``, and asked here with ``core.scoping.require`` (transitions ask
it in ``core.workflow.transition_apply``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acts.deadlines import working_day_after
from core.errors import ConflictError, DomainError
from core.scoping import require
from core.services import audit_record
from core.workflow import lock, transition_apply
from oversight.choices import FINAL_STATUSES, Addressee, CaseEvent, CaseGround, CaseStatus, CaseStep, Conclusion, SubjectKind
from oversight.models import CaseAttachment, CaseNote, CaseQuestion, MonitoringCase
from oversight.notifications import case_notify
from oversight.selectors import subject_model

TEXT_LIMIT = 4000


def _text(value: str, field: str, message: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field, code="required")
    if len(value) > limit:
        raise DomainError(_("The text is longer than %(limit)s characters.") % {"limit": limit}, field=field, code="too_long")
    return value


def _ensure_open(case: MonitoringCase) -> None:
    if case.status in FINAL_STATUSES:
        raise ConflictError(_("The case is %(status)s: nothing more can be added.") % {"status": case.get_status_display()},
                            code="case_final")


@transaction.atomic
def case_open(*, actor, subject_kind: str, subject_id: int, ground: str, ground_details: str, finding=None) -> MonitoringCase:
    """Open a case on a school, a contract or an act (from a finding, or by hand)."""
    require(actor, "open", MonitoringCase)
    if subject_kind not in SubjectKind.values:
        raise DomainError(_("Choose what the case is about: a school, a contract or an act."), field="subject_kind")
    if ground not in CaseGround.values:
        raise DomainError(_("Choose the ground of the case."), field="ground")
    details = _text(ground_details, "ground_details", _("Say what prompted the case."))
    model = subject_model(subject_kind)
    subject = model.objects.filter(pk=subject_id).first() if 0 < int(subject_id or 0) < 2**63 else None
    if subject is None:
        raise DomainError(_("There is no %(kind)s with number %(id)s.") % {"kind": SubjectKind(subject_kind).label, "id": subject_id},
                          field="subject_id", code="no_subject")
    school_id = subject.pk if subject_kind == SubjectKind.SCHOOL else subject.school_id
    if finding is not None and finding.school_id != school_id:
        raise DomainError(_("The finding concerns another school than the subject of the case."), field="subject_id")
    case = MonitoringCase.objects.create(
        subject_kind=subject_kind, subject_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        subject_id=subject.pk, school_id=school_id, finding=finding, ground=ground, ground_details=details, opened_by=actor,
    )
    audit_record(actor=actor, action=CaseEvent.OPENED, subject=case, to_status=case.status, data={
        "subject": subject_kind, "subject_id": subject.pk, "school": school_id, "ground": ground,
        "finding": finding.pk if finding is not None else None,
    })
    case_notify(case=case, step=CaseStep.OPENED)
    return case


@transaction.atomic
def case_ask(*, case: MonitoringCase, actor, addressee: str, text: str, working_days: int | None = None) -> CaseQuestion:
    """Put a question to the school or the department; the answer is due in ``working_days`` working days."""
    case = lock(case)
    require(actor, "ask", case)
    if case.status not in (CaseStatus.OPEN, CaseStatus.DIALOGUE):
        raise ConflictError(_("Questions are asked before the conclusion; the case is “%(status)s”.")
                            % {"status": case.get_status_display()}, code="invalid_transition")
    if addressee not in Addressee.values:
        raise DomainError(_("Choose whom the question is for."), field="addressee")
    days = settings.OVERSIGHT_ANSWER_WORKING_DAYS if working_days is None else int(working_days)
    if not 1 <= days <= 60:
        raise DomainError(_("The answer period is 1 to 60 working days."), field="working_days")
    body = _text(text, "text", _("Write the question."))
    if case.status == CaseStatus.OPEN:
        case = transition_apply(obj=case, transitions=MonitoringCase.TRANSITIONS, action="start_dialogue", actor=actor)
    question = CaseQuestion.objects.create(case=case, addressee=addressee, text=body, asked_by=actor,
                                           due_on=working_day_after(timezone.localdate(), days))
    audit_record(actor=actor, action=CaseEvent.QUESTION_ASKED, subject=case, data={
        "question": question.pk, "to": addressee, "due_on": question.due_on, "working_days": days})
    case_notify(case=case, step=CaseStep.QUESTION_ASKED, question=question)
    return question


@transaction.atomic
def case_answer(*, question: CaseQuestion, actor, text: str) -> CaseQuestion:
    """The addressee answers (once)."""
    question = CaseQuestion.objects.select_for_update().select_related("case__school").get(pk=question.pk)
    require(actor, "answer", question)
    _ensure_open(question.case)
    if question.answered:
        raise ConflictError(_("The question is already answered."), code="already_answered")
    question.answer = _text(text, "text", _("Write the answer."))
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action=CaseEvent.QUESTION_ANSWERED, subject=question.case, data={
        "question": question.pk, "late": timezone.localdate() > question.due_on})
    case_notify(case=question.case, step=CaseStep.QUESTION_ANSWERED, question=question)
    return question


@transaction.atomic
def case_note_add(*, case: MonitoringCase, actor, text: str) -> CaseNote:
    """A monitors' internal note (audited on the note itself, which only monitors and operators see)."""
    require(actor, "note", case)
    _ensure_open(case)
    note = CaseNote.objects.create(case=case, author=actor, text=_text(text, "text", _("Write the note."), 8000))
    audit_record(actor=actor, action=CaseEvent.NOTE_ADDED, subject=note, data={"case": case.pk})
    return note


@transaction.atomic
def case_attach(*, case: MonitoringCase, actor, upload, question: CaseQuestion | None = None, internal: bool = False) -> CaseAttachment:
    """Keep a file with the case: monitors (internal or shared), the school or the department (shared)."""
    require(actor, "attach_internal" if internal else "attach", case)
    _ensure_open(case)
    if question is not None and question.case_id != case.pk:
        raise DomainError(_("The question belongs to another case."), field="question")
    limit = settings.OVERSIGHT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise DomainError(_("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}, field="file",
                          code="too_large")
    if upload.size == 0:
        raise DomainError(_("The file is empty."), field="file", code="empty")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = Path(upload.name or "file").name[:200]
    attachment = CaseAttachment(case=case, question=question, internal=internal, name=name, size=upload.size,
                                sha256=digest.hexdigest(), uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(actor=actor, action=CaseEvent.ATTACHMENT_ADDED, subject=attachment, data={
        "case": case.pk, "name": name, "size": upload.size, "sha256": attachment.sha256, "internal": internal})
    return attachment


@transaction.atomic
def case_conclude(*, case: MonitoringCase, actor, conclusion: str, text: str) -> MonitoringCase:
    require(actor, "conclude", case)
    if conclusion not in Conclusion.values:
        raise DomainError(_("Choose the conclusion: violation found or not."), field="conclusion")
    body = _text(text, "text", _("Write the conclusion."))
    open_questions = CaseQuestion.objects.filter(case=case, answered_at__isnull=True, due_on__gte=timezone.localdate())
    if open_questions.exists():
        raise ConflictError(_("A question is still waiting for its answer, and its deadline has not passed."),
                            code="questions_pending")
    case = transition_apply(obj=case, transitions=MonitoringCase.TRANSITIONS, action="conclude", actor=actor,
                            data={"conclusion": conclusion},
                            extra_fields={"conclusion": conclusion, "conclusion_text": body, "concluded_at": timezone.now(),
                                          "concluded_by": actor})
    case_notify(case=case, step=CaseStep.CONCLUDED)
    return case


@transaction.atomic
def case_report_elimination(*, case: MonitoringCase, actor, text: str) -> MonitoringCase:
    """The school or the department reports how the violation was eliminated."""
    case = lock(case)
    require(actor, "report_elimination", case)
    if case.conclusion != Conclusion.VIOLATION_FOUND:
        raise ConflictError(_("An elimination report answers a conclusion that found a violation."), code="no_violation")
    body = _text(text, "text", _("Write what was done to eliminate the violation."))
    case = transition_apply(obj=case, transitions=MonitoringCase.TRANSITIONS, action="report_elimination", actor=actor,
                            extra_fields={"elimination_report": body, "reported_at": timezone.now(), "reported_by": actor})
    case_notify(case=case, step=CaseStep.REPORT_SUBMITTED)
    return case


@transaction.atomic
def case_reject_report(*, case: MonitoringCase, actor, reason: str) -> MonitoringCase:
    """The report does not show the violation eliminated: back to the party, with the reason."""
    case = transition_apply(obj=case, transitions=MonitoringCase.TRANSITIONS, action="reject_report", actor=actor,
                            reason=(reason or "").strip()[:TEXT_LIMIT], extra_fields={"status_reason": (reason or "").strip()[:TEXT_LIMIT]})
    case_notify(case=case, step=CaseStep.REPORT_REJECTED)
    return case


@transaction.atomic
def case_close(*, case: MonitoringCase, actor, note: str = "") -> MonitoringCase:
    """Close: no violation found, or the elimination report accepted."""
    locked = lock(case)
    require(actor, "close_case", locked)
    if locked.status == CaseStatus.CONCLUDED and locked.conclusion == Conclusion.VIOLATION_FOUND:
        raise ConflictError(_("A violation was found: the case closes once its elimination report is accepted."),
                            code="report_pending")
    case = transition_apply(obj=locked, transitions=MonitoringCase.TRANSITIONS, action="close_case", actor=actor,
                            reason=(note or "").strip()[:TEXT_LIMIT])
    case_notify(case=case, step=CaseStep.CLOSED)
    return case


@transaction.atomic
def case_cancel(*, case: MonitoringCase, actor, reason: str) -> MonitoringCase:
    reason = (reason or "").strip()[:TEXT_LIMIT]
    case = transition_apply(obj=case, transitions=MonitoringCase.TRANSITIONS, action="cancel_case", actor=actor,
                            reason=reason, extra_fields={"status_reason": reason})
    case_notify(case=case, step=CaseStep.CANCELLED)
    return case
