"""Acceptance after inspection: the department draws the inspection sample of a submitted act version,
records what it found on each sampled line, and accepts only once every sampled line is inspected.

* ``act_sample_draw`` draws the sample (``acts.inspection``: every line with an open finding and a
  risk-weighted random part, from a fresh seed stored with the sample). Asked again, it never
  re-draws: it adds the lines that got an open finding since (so that the random part cannot be
  shopped for), or refuses when there is none.
* ``act_line_inspect`` records the result of one sampled line (present / absent / other, with a
  note for absent and other), who and when; it may be recorded again until the act is reviewed
  (each recording is audited with the previous result).
* ``sample_require_inspected`` is the rule ``act_accept`` and ``act_partly_accept`` apply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from acts.choices import INSPECTION_NOTE_REQUIRED, InspectionEvent, InspectionResult
from acts.inspection import WEIGHTS, candidates, draw, new_seed
from acts.models import Act, ActLine, InspectionItem, InspectionSample
from acts.selectors import iins_text, open_finding_annotation
from acts.services.locking import lock_for_review
from core.errors import ConflictError, DomainError
from core.services import audit_record

NOTE_LIMIT = 2000


def _items(drawn, sample: InspectionSample, now) -> list[InspectionItem]:
    return [InspectionItem(sample=sample, line_id=d.line_id, open_finding=d.open_finding, weight=d.weight, rank=d.rank,
                           added_at=now) for d in drawn]


@transaction.atomic
def act_sample_draw(*, act: Act, actor) -> InspectionSample:
    """Draw the inspection sample of the act's current version (department of its region, act under
    review); when it is drawn already, add the lines that got an open finding since."""
    locked = lock_for_review(act, actor, "inspect")
    lines = candidates(locked)
    now = timezone.now()
    sample = InspectionSample.objects.select_for_update().filter(act=locked, version=locked.version).first()
    if sample is None:
        seed, size = new_seed(), settings.ACT_INSPECTION_SAMPLE_SIZE
        drawn = draw(lines, seed=seed, size=size, weights=WEIGHTS)
        sample = InspectionSample.objects.create(act=locked, version=locked.version, seed=seed, size=size,
                                                 weights=WEIGHTS, drawn_at=now, drawn_by=actor)
        InspectionItem.objects.bulk_create(_items(drawn, sample, now))
        audit_record(actor=actor, action=InspectionEvent.SAMPLE_DRAWN, subject=locked, data={
            "version": locked.version, "seed": seed, "size": size, "weights": WEIGHTS, "line_count": len(lines),
            "open_finding_lines": sorted(d.line_id for d in drawn if d.open_finding),
            "random_lines": [d.line_id for d in drawn if not d.open_finding],
        })
        return sample
    present = set(sample.items.values_list("line_id", flat=True))
    added = [d for d in draw(lines, seed=sample.seed, size=0, weights=sample.weights) if d.line_id not in present]
    if not added:
        raise ConflictError(_("The inspection sample is drawn already, and every line with an open finding is in it."),
                            code="sample_complete")
    InspectionItem.objects.bulk_create(_items(added, sample, now))
    audit_record(actor=actor, action=InspectionEvent.SAMPLE_EXTENDED, subject=locked, data={
        "version": locked.version, "open_finding_lines": sorted(d.line_id for d in added)})
    return sample


@transaction.atomic
def act_line_inspect(*, act: Act, actor, line: int, result: str, note: str = "") -> InspectionItem:
    """Record what the inspection of one sampled line of the act's current version found."""
    locked = lock_for_review(act, actor, "inspect")
    if result not in InspectionResult.values or result == InspectionResult.PENDING:
        raise DomainError(_("Choose the inspection result: present, absent or other."), field="result",
                          code="bad_result")
    note = (note or "").strip()
    if result in INSPECTION_NOTE_REQUIRED and not note:
        raise DomainError(_("Say in the note what the inspection found."), field="note", code="note_required")
    if len(note) > NOTE_LIMIT:
        raise DomainError(_("The note is longer than %(limit)s characters.") % {"limit": NOTE_LIMIT}, field="note",
                          code="too_long")
    item = (InspectionItem.objects.select_for_update(of=("self",)).select_related("line")
            .filter(sample__act=locked, sample__version=locked.version, line_id=line).first())
    if item is None:
        raise DomainError(_("This line is not in the inspection sample of the act."), field="line", code="not_sampled")
    previous = item.result
    item.result, item.note, item.inspected_by, item.inspected_at = result, note, actor, timezone.now()
    item.save(update_fields=["result", "note", "inspected_by", "inspected_at"])
    audit_record(actor=actor, action=InspectionEvent.LINE_INSPECTED, subject=locked, reason=note, data={
        "version": locked.version, "line": item.line_id, "iin": item.line.iin, "result": result,
        "previous": previous if previous != InspectionResult.PENDING else None})
    return item


def sample_require_inspected(act: Act) -> None:
    """Refuse acceptance until the act's current version has its sample, every line with an open finding is
    in it, and every sampled line is inspected."""
    sample = InspectionSample.objects.filter(act=act, version=act.version).first()
    if sample is None:
        raise DomainError(_("Draw the inspection sample and inspect its lines first: an act is accepted only after "
                            "inspection."), code="sample_missing")
    flagged = (ActLine.objects.filter(act_id=act.pk, version=act.version).alias(open_finding=open_finding_annotation())
               .filter(open_finding=True).exclude(Exists(InspectionItem.objects.filter(sample=sample, line=OuterRef("pk")))))
    if flagged.exists():
        raise DomainError(_("Lines got an open finding after the sample was drawn (IIN %(iins)s): draw again to add "
                            "them to the sample, and inspect them.") % {"iins": iins_text(flagged)},
                          code="sample_incomplete")
    pending = ActLine.objects.filter(inspections__sample=sample, inspections__result=InspectionResult.PENDING)
    if pending.exists():
        raise DomainError(_("%(count)s sampled line(s) are not inspected yet (IIN %(iins)s): an act is accepted only "
                            "after inspection.") % {"count": pending.count(), "iins": iins_text(pending)},
                          code="sample_pending")
