"""What the school and the department sign when they move an act (``signatures.registry``).

* ``submit`` (school): draft → submitted; binds the total and the SHA-256 of the version's lines,
  computed exactly as the submission records it (``ActSubmission.lines_sha256``);
* ``accept`` / ``partly-accept`` (department): submitted → accepted / partly accepted; binds the
  accepted amount, the SHA-256 of the lines with their decisions, and, as the document, the
  SHA-256 of the lines the school submitted. The next status is part of the payload, so a
  signature for "partly accept" cannot be replayed as "accept".

Each provider refuses (a ``DomainError``) when the actor may not take the step now, so no payload
is issued for a step that cannot happen.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from acts.models import Act, ActSubmission
from core.workflow import transition_check
from signatures.registry import SigningFacts, register_signable

# The lines of a version as submitted: count, total, SHA-256 (the one formula of ``act_submit``).
LINES_SHA256_SQL = """
SELECT count(*), coalesce(sum(amount), 0),
       encode(sha256(convert_to(coalesce(string_agg(
           concat_ws('|', enrolment_id, iin, level, category, first_day, last_day, days, days_in_month, norm, coefficient, amount),
           E'\\n' ORDER BY enrolment_id), ''), 'UTF8')), 'hex')
  FROM acts_actline WHERE act_id = %s AND version = %s
"""

# The lines of a version with the department's decisions: accepted amount and SHA-256.
DECISIONS_SHA256_SQL = """
SELECT coalesce(sum(amount) FILTER (WHERE decision = 'accepted'), 0),
       encode(sha256(convert_to(coalesce(string_agg(
           concat_ws('|', id, enrolment_id, iin, amount, decision, reject_reason),
           E'\\n' ORDER BY enrolment_id, id), ''), 'UTF8')), 'hex')
  FROM acts_actline WHERE act_id = %s AND version = %s
"""

# The signed action (the API endpoint's name) and the act's transition it takes.
SIGNED_ACTIONS = {"submit": "submit", "accept": "accept", "partly-accept": "partly_accept"}


def act_lines_digest(act: Act) -> tuple[int, Decimal, str]:
    """(line count, total, SHA-256) of the act's current version, as submitted."""
    with connection.cursor() as cursor:
        cursor.execute(LINES_SHA256_SQL, [act.pk, act.version])
        count, total, sha256 = cursor.fetchone()
    return count, Decimal(total), sha256


def act_decisions_digest(act: Act) -> tuple[Decimal, str]:
    """(accepted amount, SHA-256 of the lines with their decisions) of the act's current version."""
    with connection.cursor() as cursor:
        cursor.execute(DECISIONS_SHA256_SQL, [act.pk, act.version])
        amount, sha256 = cursor.fetchone()
    return Decimal(amount), sha256


def _region_id(act: Act) -> str:
    return act.contract.order.region_id


def _provider(signed_action: str):
    transition = SIGNED_ACTIONS[signed_action]

    def facts(act: Act, actor) -> SigningFacts:
        spec = transition_check(obj=act, transitions=Act.TRANSITIONS, action=transition, actor=actor)
        common = {"from_status": act.status, "to_status": spec.target, "reference": f"act {act.number} v{act.version}",
                  "school_id": act.school_id, "region_id": _region_id(act)}
        if signed_action == "submit":
            _count, total, sha256 = act_lines_digest(act)
            return SigningFacts(amount=total, lines_sha256=sha256, **common)
        submitted = (ActSubmission.objects.filter(act_id=act.pk, version=act.version)
                     .values_list("lines_sha256", flat=True).first())
        amount, sha256 = act_decisions_digest(act)
        return SigningFacts(amount=amount, lines_sha256=sha256, document_sha256=submitted, **common)

    return facts


def register() -> None:
    for signed_action in SIGNED_ACTIONS:
        register_signable(Act, signed_action, _provider(signed_action))
