"""A school keeps its contingent by hand: add a pupil, edit an enrolment, mark a pupil as left.

The same rules as the importers (``contingent.validation.row_problems``) decide what is
valid; the database backs them (no overlapping enrolments of a pupil at one school).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contingent.choices import EnrolmentEvent, PupilCategory
from contingent.models import Enrolment, Pupil
from contingent.rules import active_during_q
from contingent.validation import CONTINGENT_COLUMNS, row_problems
from core.errors import ConflictError, DomainError
from core.scoping import require
from core.services import audit_record

EDITABLE = ("last_name", "first_name", "middle_name", "grade", "category", "enrolled_on", "left_on")


class ContingentInvalid(DomainError):
    """One or more values are wrong; ``details["fields"]`` maps each field to its messages."""

    default_code = "invalid_contingent"

    def __init__(self, problems: list[tuple[str | None, str]]):
        fields: dict[str, list[str]] = {}
        for column, message in problems:
            fields.setdefault(column or "non_field_errors", []).append(message)
        first_field, first_message = problems[0]
        super().__init__(first_message, field=first_field, details={"fields": fields})

    def field_errors(self) -> dict[str | None, list[str]]:
        return {(None if field == "non_field_errors" else field): messages for field, messages in self.details["fields"].items()}


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _validate(values: dict) -> None:
    problems = row_problems({name: _as_text(values.get(name)) for name in CONTINGENT_COLUMNS}, columns=CONTINGENT_COLUMNS)
    if problems:
        raise ContingentInvalid(problems)


def _check_overlap(*, school_id: int, pupil_id: int, enrolled_on: dt.date, left_on: dt.date | None, exclude: int | None) -> None:
    # Another enrolment overlaps this one when it is active during this one's period.
    overlapping = Enrolment.objects.filter(school_id=school_id, pupil_id=pupil_id).filter(active_during_q(enrolled_on, left_on))
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    other = overlapping.order_by("enrolled_on").first()
    if other is not None:
        raise ConflictError(
            _("The pupil is already enrolled at this school from %(start)s to %(end)s; the periods may not overlap.")
            % {"start": other.enrolled_on.isoformat(), "end": other.left_on.isoformat() if other.left_on else _("now")},
            field="enrolled_on", code="overlap",
        )


def _save(enrolment: Enrolment, fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            enrolment.save(update_fields=fields)
    except IntegrityError:
        raise ConflictError(_("The pupil is already enrolled at this school for these dates."), code="overlap") from None


@transaction.atomic
def enrolment_add(*, school, actor, iin: str, last_name: str, first_name: str, birth_date: dt.date, grade: int,
                  enrolled_on: dt.date, middle_name: str = "", category: str = PupilCategory.REGULAR,
                  left_on: dt.date | None = None) -> Enrolment:
    """Enrol a pupil (found by IIN, or added) at ``school``; the pupil's names follow what the school writes."""
    require(actor, "add", Enrolment(school=school))  # only the school itself writes its contingent
    values = {"iin": (iin or "").strip(), "last_name": (last_name or "").strip(), "first_name": (first_name or "").strip(),
              "middle_name": (middle_name or "").strip(), "birth_date": birth_date, "grade": grade,
              "enrolled_on": enrolled_on, "left_on": left_on, "category": category or PupilCategory.REGULAR}
    _validate(values)
    pupil = Pupil.objects.select_for_update().filter(iin=values["iin"]).first()
    if pupil is None:
        pupil = Pupil.objects.create(iin=values["iin"], last_name=values["last_name"], first_name=values["first_name"],
                                     middle_name=values["middle_name"], birth_date=birth_date)
    else:
        changed = {name: values[name] for name in ("last_name", "first_name", "middle_name", "birth_date")
                   if getattr(pupil, name) != values[name]}
        for name, value in changed.items():
            setattr(pupil, name, value)
        if changed:
            pupil.save()
    _check_overlap(school_id=school.pk, pupil_id=pupil.pk, enrolled_on=enrolled_on, left_on=left_on, exclude=None)
    enrolment = Enrolment(school=school, pupil=pupil, grade=int(grade), category=values["category"],
                          enrolled_on=enrolled_on, left_on=left_on)
    _save(enrolment)
    audit_record(actor=actor, action=EnrolmentEvent.ADDED, subject=enrolment, data={
        "iin": pupil.iin, "grade": enrolment.grade, "category": enrolment.category,
        "enrolled_on": enrolled_on, "left_on": left_on,
    })
    return enrolment


@transaction.atomic
def enrolment_update(*, enrolment: Enrolment, actor, **changes) -> Enrolment:
    """Change the names, grade, category or dates of an enrolment (the IIN and birth date identify the pupil)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    enrolment = Enrolment.objects.select_for_update().select_related("pupil").get(pk=enrolment.pk)
    require(actor, "change", enrolment)
    pupil = enrolment.pupil
    before = {"last_name": pupil.last_name, "first_name": pupil.first_name, "middle_name": pupil.middle_name,
              "grade": enrolment.grade, "category": enrolment.category, "enrolled_on": enrolment.enrolled_on,
              "left_on": enrolment.left_on}
    after = {**before, **{name: (value.strip() if isinstance(value, str) else value) for name, value in changes.items()}}
    _validate({**after, "iin": pupil.iin, "birth_date": pupil.birth_date})
    _check_overlap(school_id=enrolment.school_id, pupil_id=pupil.pk, enrolled_on=after["enrolled_on"],
                   left_on=after["left_on"], exclude=enrolment.pk)
    for name in ("last_name", "first_name", "middle_name"):
        setattr(pupil, name, after[name])
    pupil.save()
    enrolment.grade = int(after["grade"])
    enrolment.category = after["category"]
    enrolment.enrolled_on = after["enrolled_on"]
    enrolment.left_on = after["left_on"]
    _save(enrolment)
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    audit_record(actor=actor, action=EnrolmentEvent.UPDATED, subject=enrolment, data={"changes": changed})
    return enrolment


@transaction.atomic
def enrolment_leave(*, enrolment: Enrolment, actor, left_on: dt.date, reason: str = "") -> Enrolment:
    """Mark the pupil as having left on ``left_on`` (the last day at the school)."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    require(actor, "leave", enrolment)
    if enrolment.left_on is not None:
        raise ConflictError(_("The pupil already left on %(date)s.") % {"date": enrolment.left_on.isoformat()}, code="already_left")
    if left_on is None:
        raise DomainError(_("Give the date the pupil left."), field="left_on")
    if left_on < enrolment.enrolled_on:
        raise DomainError(_("the leaving date is before the enrolment date"), field="left_on")
    enrolment.left_on = left_on
    _save(enrolment, ["left_on", "updated_at"])
    audit_record(actor=actor, action=EnrolmentEvent.LEFT, subject=enrolment, reason=reason, data={"left_on": left_on})
    return enrolment
