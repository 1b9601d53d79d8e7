"""The audit trail as one hash chain: its canonical form, its verification and its published heads.

Every ``AuditEvent`` carries ``seq`` (1, 2, 3 … with no gaps), ``prev_hash`` (the hash of the event
before it; 64 zeros for the first) and ``hash`` = SHA-256 of its canonical text. The database
assigns all three on INSERT (trigger ``core_audit_chain``, migration 0005), under
a transaction-level advisory lock, so that every writer — ``audit_record``, ``bulk_create``, raw SQL —
appends in one total order, and a rolled-back writer leaves no gap.

The canonical text is a version tag followed by each field as ``|<length in bytes>:<value>``:
id, prev_hash, created_at (UTC, microseconds), actor id, action, content type id, object id,
from, to, reason, and the details as PostgreSQL's canonical ``jsonb`` text. ``canonical`` below is
that rule in Python; the SQL twin is ``core_audit_canonical`` (a property test binds them).
``seq`` is not hashed: the links (``prev_hash``) fix the order, so a swap of positions is named a
reordering rather than an edit.

``verify`` re-computes the chain from the first event, in Python, reading the events in ``seq``
order with a server-side cursor, and names the first event that was edited, deleted, inserted or
reordered; it then checks the chain head row and every published head.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import GENESIS_HASH, AuditChainHead, AuditEvent, PublishedHead

VERSION = "eqazyna-audit-v1"
BATCH = 5000


def _field(value) -> str:
    text = "" if value is None else str(value)
    return f"|{len(text.encode('utf-8'))}:{text}"


def timestamp_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(*, event_id, prev_hash, created_at, actor_id, action, content_type_id, object_id, from_status,
              to_status, reason, data_text) -> str:
    """The canonical text of an event; ``data_text`` is its details as PostgreSQL renders the jsonb."""
    return VERSION + "".join(_field(value) for value in (
        event_id, prev_hash, timestamp_text(created_at), actor_id, action, content_type_id, object_id, from_status,
        to_status, reason, data_text,
    ))


def event_hash(**fields) -> str:
    return hashlib.sha256(canonical(**fields).encode("utf-8")).hexdigest()


# --- Verification ---------------------------------------------------------------------------------

EDITED, DELETED, INSERTED, REORDERED, TRUNCATED = "edited", "deleted", "inserted", "reordered", "truncated"


@dataclass(frozen=True)
class Problem:
    kind: str  # edited | deleted | inserted | reordered | truncated
    event_id: int | None
    seq: int | None
    message: str


@dataclass(frozen=True)
class VerifyResult:
    count: int
    head: str
    problem: Problem | None = None
    published_checked: int = 0

    @property
    def intact(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        """The one line the command prints (CONTRACT "Audit")."""
        if self.intact:
            return f"audit chain intact: {self.count} events, head {self.head}"
        return f"audit chain broken: {self.problem.message}"


SELECT_EVENTS = """
    SELECT id, seq, prev_hash, hash, created_at, actor_id, action, content_type_id, object_id, from_status,
           to_status, reason, data::text
      FROM core_auditevent ORDER BY seq, id
"""


def _rows():
    """Every event in chain order, streamed (a named cursor: memory stays flat for any chain length)."""
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(SELECT_EVENTS)
        while True:
            rows = cursor.fetchmany(BATCH)
            if not rows:
                return
            yield from rows


def _locate(hash_value: str) -> tuple[int, int] | None:
    """(id, seq) of the event whose stored hash is ``hash_value``, if any."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, seq FROM core_auditevent WHERE hash = %s ORDER BY seq LIMIT 1", [hash_value])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _broken_link(row, previous, before_previous) -> Problem:
    """Name what happened when event ``row`` does not link to the event before it."""
    event_id, seq, prev_hash = row[0], row[1], row[2]
    if previous is not None and before_previous is not None and prev_hash == before_previous[3]:
        return Problem(INSERTED, previous[0], previous[1], _(
            "event #%(id)s (seq %(seq)s) was inserted: the event after it, #%(next)s, links to the event before it"
        ) % {"id": previous[0], "seq": previous[1], "next": event_id})
    if previous is None and prev_hash != GENESIS_HASH:
        return Problem(DELETED, event_id, seq, _(
            "the events before event #%(id)s (seq %(seq)s) were deleted: it does not link to the start of the chain"
        ) % {"id": event_id, "seq": seq})
    found = _locate(prev_hash)
    if found is not None:
        return Problem(REORDERED, event_id, seq, _(
            "event #%(id)s (seq %(seq)s) was reordered: it links to event #%(other)s (seq %(other_seq)s), "
            "which stands elsewhere in the chain"
        ) % {"id": event_id, "seq": seq, "other": found[0], "other_seq": found[1]})
    return Problem(DELETED, event_id, seq, _(
        "an event before event #%(id)s (seq %(seq)s) was deleted (or the event before it was edited and re-hashed): "
        "it links to an event that is not in the chain"
    ) % {"id": event_id, "seq": seq})


def _check_head(count: int, last, head: AuditChainHead | None) -> Problem | None:
    if head is None:
        return None if count == 0 else Problem(DELETED, None, None, _("the chain head record is missing"))
    last_seq = last[1] if last else 0
    last_hash = last[3] if last else GENESIS_HASH
    if head.seq > last_seq:
        return Problem(DELETED, last[0] if last else None, last_seq, _(
            "the last %(missing)s event(s) were deleted: the chain ends at event #%(id)s (seq %(seq)s) but its head "
            "records seq %(head)s"
        ) % {"missing": head.seq - last_seq, "id": last[0] if last else "-", "seq": last_seq, "head": head.seq})
    if head.seq < last_seq:
        return Problem(INSERTED, last[0], last_seq, _(
            "events were inserted after the chain head: the chain ends at seq %(seq)s but its head records seq %(head)s"
        ) % {"seq": last_seq, "head": head.seq})
    if head.hash != last_hash:
        return Problem(EDITED, last[0] if last else None, last_seq, _(
            "the last event (seq %(seq)s) does not match the chain head's hash"
        ) % {"seq": last_seq})
    return None


def _check_published(hashes_at: dict[int, str], last_seq: int) -> tuple[Problem | None, int]:
    """Every published head must still be in the chain with the same hash (and its timestamp must seal it)."""
    from core import tsa

    checked = 0
    for published in PublishedHead.objects.order_by("seq"):
        checked += 1
        if published.seq > last_seq:
            return Problem(TRUNCATED, None, published.seq, _(
                "the chain was truncated: the head published for %(day)s is seq %(seq)s, but the chain ends at seq %(last)s"
            ) % {"day": published.day.isoformat(), "seq": published.seq, "last": last_seq}), checked
        if hashes_at.get(published.seq) != published.hash:
            return Problem(EDITED, None, published.seq, _(
                "the chain was rebuilt: event seq %(seq)s no longer has the hash published for %(day)s"
            ) % {"day": published.day.isoformat(), "seq": published.seq}), checked
        if published.tsa_token is not None:
            error = tsa.token_problem(bytes(published.tsa_token), published.statement())
            if error:
                return Problem(EDITED, None, published.seq, _(
                    "the head published for %(day)s does not match its RFC 3161 timestamp: %(error)s"
                ) % {"day": published.day.isoformat(), "error": error}), checked
    return None, checked


def verify(*, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Re-compute the whole chain; stop at the first problem."""
    published_seqs = set(PublishedHead.objects.values_list("seq", flat=True))
    hashes_at: dict[int, str] = {}
    running = GENESIS_HASH
    count = 0
    previous = before_previous = None
    expected_seq = 1
    problem = None
    for row in _rows():
        event_id, seq, prev_hash, stored, created_at, actor_id, action, ct, object_id, from_s, to_s, reason, data = row
        if seq < expected_seq:
            problem = Problem(INSERTED, event_id, seq, _(
                "event #%(id)s was inserted: seq %(seq)s appears twice") % {"id": event_id, "seq": seq})
            break
        if seq > expected_seq:
            problem = Problem(DELETED, event_id, seq, _(
                "event(s) seq %(first)s–%(last)s were deleted, before event #%(id)s"
            ) % {"first": expected_seq, "last": seq - 1, "id": event_id})
            break
        if prev_hash != running:
            problem = _broken_link(row, previous, before_previous)
            break
        computed = event_hash(event_id=event_id, prev_hash=prev_hash, created_at=created_at, actor_id=actor_id,
                              action=action, content_type_id=ct, object_id=object_id, from_status=from_s,
                              to_status=to_s, reason=reason, data_text=data)
        if computed != stored:
            problem = Problem(EDITED, event_id, seq, _(
                "event #%(id)s (seq %(seq)s) was edited: its content no longer matches its hash"
            ) % {"id": event_id, "seq": seq})
            break
        if seq in published_seqs:
            hashes_at[seq] = stored
        running = stored
        before_previous, previous = previous, row
        expected_seq += 1
        count += 1
        if progress is not None and count % BATCH == 0:
            progress(count)
    if problem is None:
        problem = _check_head(count, previous, AuditChainHead.objects.filter(pk=1).first())
    checked = 0
    if problem is None:
        problem, checked = _check_published(hashes_at, previous[1] if previous else 0)
    return VerifyResult(count=count, head=running, problem=problem, published_checked=checked)


# --- Published heads ------------------------------------------------------------------------------


def head_at(moment: dt.datetime) -> tuple[int, str] | None:
    """(seq, hash) of the last event written before ``moment``, or None when there is none."""
    event = AuditEvent.objects.filter(created_at__lt=moment).order_by("-seq").values_list("seq", "hash").first()
    return tuple(event) if event else None


def day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
