from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.audit_actions import action_label
from core.choices import RegionKind
from core.pagination import CountedQuerySet


class Region(models.Model):
    """A region of Kazakhstan (oblast or city of republican significance), by KATO."""

    code = models.CharField(_("KATO region code"), max_length=2, primary_key=True)
    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{2}$"), name="region_code_two_digits"),
            models.CheckConstraint(condition=models.Q(kato__regex=r"^[0-9]{9}$"), name="region_kato_nine_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


def localized(obj, field: str) -> str:
    """The kk/ru/en variant of ``field`` for the active language, falling back to Russian then Kazakh."""
    language = (get_language() or "kk")[:2]
    for code in (language, "ru", "kk"):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value
    return ""


GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """An append-only record of a state change: who, when, what, from, to, why.

    Written by services in the same transaction as the change. The database refuses
    UPDATE, DELETE and TRUNCATE on this table (triggers in migrations 0003 and 0005), and the
    portal's own role has no such privilege (migration 0006).

    Events form one hash chain (``core.audit_chain``): on INSERT a trigger takes a transaction-level
    advisory lock (held until the writer's transaction ends), gives the event the next ``seq``, the
    last event's hash as ``prev_hash`` and ``hash`` = SHA-256 of its canonical content. A rolled-back
    writer leaves no gap; concurrent writers wait for each other, so the chain never forks.

    ``action`` is an event type of ``core.audit_actions`` (a choice of the app that wrote it, or a legacy
    string of older rows).
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Set by the database (trigger core_auditevent_chain) and returned by the INSERT.
    seq = models.BigIntegerField(_("number in the chain"), unique=True, db_default=0, editable=False)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64, db_default="", editable=False)
    hash = models.CharField(_("hash"), max_length=64, db_default="", editable=False)

    # A department's trail is counted through its region's rows (``oversight.selectors.audit_event_list``).
    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"]),
            models.Index(fields=["action", "created_at"]),
            # ``action=`` read in the chain's order (``?ordering=seq``, the department's count): a rare action far back
            # in the trail is a range of this index, not a walk back through every event (core migration 0009).
            models.Index(fields=["action", "seq"], name="audit_event_action_seq"),
            models.Index(fields=["actor", "created_at"]),
            # ``object_id=`` without ``object_type`` (the API allows it): a range of this index, newest first, where
            # the index above that starts with the type cannot be used and the whole trail was read (migration 0011).
            models.Index(fields=["object_id", "seq"], name="audit_event_object_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.content_type.model}#{self.object_id}"

    def _status_label(self, value: str) -> str:
        """The translated label of a status value of the subject's model (the raw value if it has none)."""
        if not value:
            return ""
        model = self.content_type.model_class()
        try:
            choices = dict(model._meta.get_field("status").flatchoices) if model is not None else {}
        except Exception:  # noqa: BLE001 - a subject without a status field keeps the raw value
            choices = {}
        return str(choices.get(value, value))

    @property
    def from_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._status_label(self.to_status)

    @property
    def action_label(self) -> str:
        """The action in words (``core.audit_actions``)."""
        return action_label(self.action)


class AuditEventRegion(models.Model):
    """The region an audit event's subject belonged to when the event was written: one row per region (a
    pupil enrolled in two regions has two), none for a subject of no region (a user, a programme, a
    national object).

    Written in the same transaction as the event by every writer (``core.audit_places``: ``audit_record``,
    the bulk writers, the backfill of migration 0008), from the lookup the subject's model declares in its
    scope (``core.scoping.scoped_lookups``). A department's trail is then one range of the primary key
    ``(region, seq)`` read backwards, instead of a test of ~30 "subject is one of my region's rows" per event.
    Append-only like the events (triggers and privileges of migration 0008); not part of the hash chain,
    which it does not change: it is derived from the events and the subjects, and can be rebuilt.
    """

    pk = models.CompositePrimaryKey("region", "event")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    event = models.ForeignKey(AuditEvent, to_field="seq", db_column="seq", on_delete=models.PROTECT,
                              related_name="regions", db_index=False)

    class Meta:
        verbose_name = _("region of an audit event")
        verbose_name_plural = _("regions of audit events")

    def __str__(self) -> str:
        return f"{self.region_id} #{self.event_id}"


class AuditEventSchool(models.Model):
    """The school an audit event's subject belonged to when the event was written: one row per school (a pupil
    enrolled in two schools has two), none for a subject of no school (a user, an order, a region's object).

    The sibling of ``AuditEventRegion`` for the trail narrowed to one school (``?school=``, the school box):
    one range of the primary key ``(school, seq)`` read backwards, instead of ~25 "subject is one of this
    school's rows" tests per event. Written by the same writers (``core.audit_places``), append-only in the
    same way (migration 0010). The school is not a constraint of the database (``db_constraint=False``): the
    row is history, kept whatever becomes of the school, like the event it belongs to.
    """

    pk = models.CompositePrimaryKey("school", "event")
    school = models.ForeignKey("schools.School", on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                               db_constraint=False)
    event = models.ForeignKey(AuditEvent, to_field="seq", db_column="seq", on_delete=models.PROTECT,
                              related_name="schools", db_index=False)

    class Meta:
        verbose_name = _("school of an audit event")
        verbose_name_plural = _("schools of audit events")

    def __str__(self) -> str:
        return f"{self.school_id} #{self.event_id}"


class AuditChainHead(models.Model):
    """The last link of the audit chain: one row (id 1), moved after each INSERT of events by a trigger.

    ``verify_audit`` compares it with the last event: deleting the newest events shows.
    """

    id = models.SmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row")]

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"


class PublishedHead(models.Model):
    """A published head of the audit chain: the event ``seq`` and its ``hash`` as they stood on ``day``.

    Published every night for the day that ended (Celery beat) and on demand; shown on a public
    page and API, and sealed with an RFC 3161 timestamp when ``AUDIT_TSA_URL`` is set, so that a
    chain rebuilt or truncated later no longer matches what was published. Append-only: only the
    timestamp columns may be filled in once (trigger in migration 0005).
    """

    day = models.DateField(_("day"), db_index=True)
    seq = models.BigIntegerField(_("events"), unique=True)
    hash = models.CharField(_("head hash"), max_length=64)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    tsa_url = models.CharField(_("timestamp authority"), max_length=500, blank=True)
    tsa_token = models.BinaryField(_("RFC 3161 timestamp token"), null=True, blank=True, editable=False)
    tsa_time = models.DateTimeField(_("timestamp time"), null=True, blank=True)
    tsa_serial = models.CharField(_("timestamp serial number"), max_length=100, blank=True)
    tsa_error = models.TextField(_("timestamp error"), blank=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("published chain head")
        verbose_name_plural = _("published chain heads")

    def __str__(self) -> str:
        return f"{self.day} #{self.seq} {self.hash}"

    @property
    def sealed(self) -> bool:
        return self.tsa_token is not None

    def statement(self) -> bytes:
        """The bytes the timestamp seals: day, number of events and head hash."""
        return f"e-qazyna audit chain head\nday {self.day.isoformat()}\nseq {self.seq}\nhash {self.hash}\n".encode()


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task (beat sends one every minute)."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class OutboxTask(models.Model):
    """A Celery task to send, written in the transaction of the change that asks for it (``core/outbox.py``).

    Sent at commit when the broker answers; otherwise kept, and sent by ``core.tasks.outbox_relay``
    once the broker is back. ``task_id`` is the Celery task id, so a worker knows a task it already
    carried out (``done_at``) and does not do it twice.
    """

    task_id = models.UUIDField(unique=True)
    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        indexes = [models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="core_outbox_unsent")]

    def __str__(self) -> str:
        return f"{self.name} {self.task_id}"
