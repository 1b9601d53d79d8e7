"""The department's review of a submitted act: acceptance after inspection, line by line.

Every line is decided (accepted, or rejected with a reason code), and every line of the version's
inspection sample is inspected (``acts.services.inspection``), before the act can be accepted or
partly accepted. A line with a blocking finding (``acts.rules``) cannot be accepted; once
its finding is resolved or waived it can. Returning the act sends it back to the school, which
corrects it as a new version.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from acts.choices import ActEvent, LineDecision, LineRejectReason, SubmissionOutcome
from acts.models import Act, ActLine, ActSubmission
from acts.money import ZERO
from acts.selectors import blocked_annotation, iins_text
from acts.services.inspection import sample_require_inspected
from acts.services.locking import lock_for_review
from core.errors import DomainError
from core.services import audit_record
from core.workflow import transition_apply
from signatures.services import signature_required, signed

# Ready-made selections of lines for one decision (the page's "all undecided lines without errors" …).
SELECTION_PENDING_PAYABLE = "pending_payable"
SELECTION_PENDING_BLOCKED = "pending_blocked"
SELECTIONS = (SELECTION_PENDING_PAYABLE, SELECTION_PENDING_BLOCKED)


def current_lines(act: Act):
    return ActLine.objects.filter(act_id=act.pk, version=act.version)


@transaction.atomic
def act_lines_decide(*, act: Act, actor, decision: str, lines: list[int] | None = None, selection: str | None = None,
                     reason: str = "", note: str = "") -> int:
    """Accept or reject lines of a submitted act (named by id, or a ready-made ``selection``). Returns how many."""
    locked = lock_for_review(act, actor, "decide")
    note = (note or "").strip()
    if decision not in (LineDecision.ACCEPTED, LineDecision.REJECTED):
        raise DomainError(_("Choose whether to accept or reject the lines."), code="bad_decision", field="decision")
    queryset = current_lines(locked)
    if lines is not None:
        wanted = {int(pk) for pk in lines}
        chosen = queryset.filter(pk__in=wanted)
        if chosen.count() != len(wanted):
            raise DomainError(_("Some of the lines named are not lines of this act."), code="unknown_lines", field="lines")
    elif selection in SELECTIONS:
        chosen = queryset.filter(decision=LineDecision.PENDING).alias(blocked=blocked_annotation()).filter(
            blocked=(selection == SELECTION_PENDING_BLOCKED))
    else:
        raise DomainError(_("Select the lines to decide."), code="no_lines", field="lines")
    ids = list(chosen.values_list("pk", flat=True))
    if not ids:
        raise DomainError(_("No line matches the selection."), code="no_lines", field="lines")
    selected = ActLine.objects.filter(pk__in=ids)
    if decision == LineDecision.ACCEPTED:
        blocked = selected.alias(blocked=blocked_annotation()).filter(blocked=True)
        if blocked.exists():
            raise DomainError(
                _("A line with an open error finding cannot be accepted; reject it, or have the finding resolved "
                  "or waived first (IIN %(iins)s).") % {"iins": iins_text(blocked)},
                code="line_blocked", field="lines",
            )
        reason, note_required = "", False
    else:
        if reason not in LineRejectReason.values:
            raise DomainError(_("Choose the reason for rejecting the lines."), code="reason_required", field="reason")
        note_required = reason == LineRejectReason.OTHER
    if note_required and not note:
        raise DomainError(_("Explain the reason in the note."), code="note_required", field="note")
    count = selected.update(decision=decision, reject_reason=reason, decision_note=note, decided_by=actor,
                            decided_at=timezone.now())
    audit_record(actor=actor, action=ActEvent.LINES_DECIDED, subject=locked, reason=note,
                 data={"version": locked.version, "decision": decision, "reject_reason": reason, "count": count,
                       "lines": sorted(ids)})
    return count


def _decision_counts(act: Act) -> dict:
    return current_lines(act).aggregate(
        pending=Count("pk", filter=Q(decision=LineDecision.PENDING)),
        rejected=Count("pk", filter=Q(decision=LineDecision.REJECTED)),
        accepted=Count("pk", filter=Q(decision=LineDecision.ACCEPTED)),
        accepted_amount=Sum("amount", filter=Q(decision=LineDecision.ACCEPTED), default=ZERO),
        rejected_amount=Sum("amount", filter=Q(decision=LineDecision.REJECTED), default=ZERO),
    )


def _require_inspected(act: Act, counts: dict) -> None:
    if counts["pending"]:
        raise DomainError(
            _("%(count)s line(s) are not decided yet: an act is accepted only after every line was inspected.")
            % {"count": counts["pending"]}, code="lines_pending",
        )
    blocked = current_lines(act).filter(decision=LineDecision.ACCEPTED).alias(blocked=blocked_annotation()).filter(blocked=True)
    if blocked.exists():
        raise DomainError(
            _("Accepted lines now have an open error finding; reject them or have the finding resolved "
              "(IIN %(iins)s).") % {"iins": iins_text(blocked)},
            code="line_blocked",
        )


def _close_submission(act: Act, *, outcome: str, actor, accepted_amount=None, reason: str = "") -> None:
    ActSubmission.objects.filter(act=act, version=act.version).update(
        outcome=outcome, accepted_amount=accepted_amount, decided_at=timezone.now(), decided_by=actor, reason=reason,
    )


@transaction.atomic
def act_accept(*, act: Act, actor, cms: str = "") -> Act:
    """Accept the whole act: every line was inspected and accepted.

    In ``SIGNATURE_MODE=cms`` the department signs the acceptance (``acts.signing``, action "accept").
    """
    locked = lock_for_review(act, actor, "accept")
    counts = _decision_counts(locked)
    _require_inspected(locked, counts)
    sample_require_inspected(locked)
    if counts["rejected"]:
        raise DomainError(_("Some lines are rejected: accept the act partly."), code="lines_rejected")
    signature = signature_required(obj=locked, action="accept", actor=actor, cms=cms)
    amount = counts["accepted_amount"]
    _close_submission(locked, outcome=SubmissionOutcome.ACCEPTED, actor=actor, accepted_amount=amount)
    return transition_apply(
        obj=locked, transitions=Act.TRANSITIONS, action="accept", actor=actor,
        data={"version": locked.version, "accepted_lines": counts["accepted"], "accepted_amount": amount,
              **signed(signature)},
        extra_fields={"accepted_amount": amount, "reviewed_at": timezone.now(), "reviewed_by": actor},
    )


@transaction.atomic
def act_partly_accept(*, act: Act, actor, rejections: list[dict] | None = None, cms: str = "") -> Act:
    """Accept the act without the rejected lines. ``rejections``: ``{"line", "reason", "note"}`` items to reject first.

    In ``SIGNATURE_MODE=cms`` the department signs the partial acceptance (``acts.signing``, action
    "partly-accept"); the payload binds the lines with their decisions, so the lines are rejected
    before the payload is fetched (decide-lines), not in the same call.
    """
    for item in rejections or []:
        act_lines_decide(act=act, actor=actor, decision=LineDecision.REJECTED, lines=[item["line"]],
                         reason=item.get("reason", ""), note=item.get("note", ""))
    locked = lock_for_review(act, actor, "partly_accept")
    counts = _decision_counts(locked)
    _require_inspected(locked, counts)
    sample_require_inspected(locked)
    if not counts["rejected"]:
        raise DomainError(_("No line is rejected: accept the whole act."), code="nothing_rejected")
    if not counts["accepted"]:
        raise DomainError(_("No line is accepted: return the act to the school instead."), code="nothing_accepted")
    signature = signature_required(obj=locked, action="partly-accept", actor=actor, cms=cms)
    amount = counts["accepted_amount"]
    _close_submission(locked, outcome=SubmissionOutcome.PARTLY_ACCEPTED, actor=actor, accepted_amount=amount)
    return transition_apply(
        obj=locked, transitions=Act.TRANSITIONS, action="partly_accept", actor=actor,
        data={"version": locked.version, "accepted_lines": counts["accepted"], "accepted_amount": amount,
              "rejected_lines": counts["rejected"], "rejected_amount": counts["rejected_amount"], **signed(signature)},
        extra_fields={"accepted_amount": amount, "reviewed_at": timezone.now(), "reviewed_by": actor},
    )


@transaction.atomic
def act_return(*, act: Act, actor, reason: str) -> Act:
    """Return the act to the school for correction, with the reason."""
    reason = (reason or "").strip()
    locked = lock_for_review(act, actor, "return", reason)
    _close_submission(locked, outcome=SubmissionOutcome.RETURNED, actor=actor, reason=reason)
    return transition_apply(
        obj=locked, transitions=Act.TRANSITIONS, action="return", actor=actor, reason=reason,
        data={"version": locked.version},
        extra_fields={"return_reason": reason, "reviewed_at": timezone.now(), "reviewed_by": actor},
    )

