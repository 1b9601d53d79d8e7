"""E-mails about each step of a monitoring case, in Kazakh and Russian.

Each service of ``oversight.services`` calls ``case_notify`` in its transaction; the e-mails leave
after the commit, from a Celery task (``oversight.tasks.notify_case_step``), so that a mail server
down never undoes a step. ``RECIPIENTS`` is the one rule of who hears of which step: the school and
the education department of its region hear of what concerns them (never of the monitors' internal
notes, which are not a step), the monitors of the case hear of the answers and of the elimination
report.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.outbox import enqueue
from core.roles import Role
from oversight.choices import FLAG_KINDS, Addressee, CaseStep, SubjectKind
from oversight.models import CaseQuestion, MonitoringCase

logger = logging.getLogger(__name__)

EMAIL_LANGUAGES = ("kk", "ru")


PARTIES, ADDRESSEE, ASKER, MONITORS = "parties", "addressee", "asker", "monitors"

#: Who hears of each step: the school and its department, the addressee of the question, the monitor
#: who asked it, or the monitors who worked on the case.
RECIPIENTS: dict[str, str] = {
    CaseStep.OPENED: PARTIES,
    CaseStep.QUESTION_ASKED: ADDRESSEE,
    CaseStep.QUESTION_ANSWERED: ASKER,
    CaseStep.CONCLUDED: PARTIES,
    CaseStep.REPORT_SUBMITTED: MONITORS,
    CaseStep.REPORT_REJECTED: PARTIES,
    CaseStep.CLOSED: PARTIES,
    CaseStep.CANCELLED: PARTIES,
}


def case_notify(*, case: MonitoringCase, step: str, question: CaseQuestion | None = None) -> None:
    """Queue the e-mails of ``step`` once the transaction commits (nothing is sent if it rolls back)."""
    from oversight.tasks import notify_case_step

    step = CaseStep(step).value
    question_id = question.pk if question is not None else None
    enqueue(notify_case_step, case.pk, step, question_id)


def _emails(users) -> set[str]:
    return {email for email in users.filter(is_active=True).exclude(email="").values_list("email", flat=True)}


def _school_emails(case: MonitoringCase) -> set[str]:
    from accounts.models import User

    if case.school_id is None:  # a procurement red flag that concerns no one school
        return set()
    found = _emails(User.objects.filter(role=Role.SCHOOL, school_id=case.school_id))
    return found | ({case.school.email} if case.school.email else set())


def _department_emails(case: MonitoringCase) -> set[str]:
    from accounts.models import User

    return _emails(User.objects.filter(role=Role.DEPARTMENT, region_id=case.region_id))


def _monitor_emails(case: MonitoringCase) -> set[str]:
    from accounts.models import User

    ids = {case.opened_by_id, case.concluded_by_id, *case.questions.values_list("asked_by_id", flat=True)}
    return _emails(User.objects.filter(role=Role.MONITOR, pk__in=ids - {None}))


def recipients(case: MonitoringCase, step: str, question: CaseQuestion | None = None) -> list[str]:
    """The addresses ``step`` goes to (sorted, without duplicates)."""
    from accounts.models import User

    rule = RECIPIENTS[step]
    if rule == PARTIES:
        found = _school_emails(case) | _department_emails(case)
    elif rule == ADDRESSEE:
        found = _school_emails(case) if question.addressee == Addressee.SCHOOL else _department_emails(case)
    elif rule == ASKER:
        found = _emails(User.objects.filter(pk=question.asked_by_id))
    else:
        found = _monitor_emails(case)
    return sorted(found)


def _case_link(case: MonitoringCase) -> str:
    with translation.override("kk"):
        return settings.SITE_URL.rstrip("/") + reverse("oversight:case-detail", args=[case.pk])


def _subject_kind_named(case: MonitoringCase):
    """The kind of the case's subject as the e-mail names it: a flag (a lead for the monitors, never shown to
    the school as an accusation; ``selectors.subject_labels``) is named by the school, or the region, it concerns."""
    if case.subject_kind in FLAG_KINDS:
        return SubjectKind.SCHOOL.label if case.school_id else gettext_lazy("Region")
    return SubjectKind(case.subject_kind).label


def _render(context: dict) -> tuple[str, str]:
    """Subject and body in Kazakh and Russian, one after the other."""
    subjects, bodies = [], []
    for language in EMAIL_LANGUAGES:
        with translation.override(language):
            text = render_to_string("oversight/email_case.txt", context).strip()
            subject, _sep, body = text.partition("\n")
            subjects.append(subject.strip())
            bodies.append(body.strip())
    return " / ".join(subjects), "\n\n— — —\n\n".join(bodies)


def send_case_step(*, case_id: int, step: str, question_id: int | None = None) -> int:
    """Send the e-mail of one step of a case; returns how many messages left (0 or 1)."""
    case = MonitoringCase.objects.select_related("school").get(pk=case_id)
    question = CaseQuestion.objects.get(pk=question_id, case=case) if question_id else None
    to = recipients(case, step, question)
    if not to:
        logger.info("monitoring case %s, %s: nobody to notify", case.pk, step)
        return 0
    subject, body = _render({"case": case, "step": CaseStep(step), "question": question, "link": _case_link(case),
                             "subject_kind": _subject_kind_named(case)})
    EmailMessage(subject, body, to=to).send()
    logger.info("monitoring case %s, %s: e-mail sent to %s address(es)", case.pk, step, len(to))
    return 1
