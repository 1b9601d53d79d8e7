from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contingent.choices import ContingentImportEvent, ImportStatus, NobdSnapshotEvent, PupilCategory, SnapshotStatus
from contingent.rules import is_active_on
from core.roles import Role
from core.scoping import Allow, Scope, ScopedQuerySet
from core.workflow import Transition
from programmes.choices import BeneficiaryKind
from programmes.instruments import KIND_CATEGORIES
from schools.rules import level_of_grade


def _per_kind(rule) -> Q:
    """A CHECK that holds ``rule(kind)`` for the row's kind (one condition per beneficiary kind)."""
    return reduce(operator.or_, (Q(kind=kind) & rule(kind) for kind in BeneficiaryKind.values))


class Pupil(models.Model):
    """A person taught under the state order, identified by IIN.

    The IIN is *not* validated by a database constraint on purpose: data that arrived
    before validation (or from outside) must still be representable so that check P01
    can report it. Importers and forms validate it.
    """

    iin = models.CharField(_("IIN"), max_length=12, unique=True)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # A pupil is visible to the schools and regions where the pupil is (or was) enrolled.
    scope = Scope(region="enrolments__school__region", school="enrolments__school")

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [  # the pupils list's orders (core.pagination; tests/test_explain.py)
            models.Index(fields=["last_name", "first_name", "id"], name="pupil_list_order"),
            models.Index(fields=["birth_date", "id"], name="pupil_by_birth_date"),
        ]
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")

    def __str__(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


class Enrolment(models.Model):
    """A beneficiary in a provider's list: a pupil in a school's contingent (grade, category), a dormitory
    resident, a scholarship holder (category) or a grant holder (specialty group); enrolled on, left on.

    ``kind`` says which; the CHECKs below hold each kind to its own columns.
    """

    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="enrolments")
    pupil = models.ForeignKey(Pupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="enrolments")
    kind = models.CharField(_("beneficiary kind"), max_length=20, choices=BeneficiaryKind.choices,
                            default=BeneficiaryKind.PUPIL, db_default=BeneficiaryKind.PUPIL)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=PupilCategory.choices, default=PupilCategory.REGULAR)
    specialty_group = models.CharField(_("specialty group"), max_length=20, blank=True, default="", db_default="")
    enrolled_on = models.DateField(_("enrolled on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # only the school itself writes its contingent
    scope = Scope(region="school__region", school="school", actions={
        "add": Allow(Role.SCHOOL, creates=True),
        "change": Allow(Role.SCHOOL),
        "leave": Allow(Role.SCHOOL),
    })

    class Meta:
        ordering = ["school_id", "grade", "pupil__last_name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["school", "pupil", "kind", "enrolled_on"],
                                    name="enrolment_unique_school_pupil_kind_start"),
            # A pupil has a grade 0–11; other beneficiaries have none.
            models.CheckConstraint(
                condition=_per_kind(lambda kind: Q(grade__gte=0, grade__lte=11) if kind == BeneficiaryKind.PUPIL
                                    else Q(grade__isnull=True)),
                name="enrolment_grade_per_kind"),
            models.CheckConstraint(condition=_per_kind(lambda kind: Q(category__in=KIND_CATEGORIES[kind])),
                                   name="enrolment_category_per_kind"),
            models.CheckConstraint(
                condition=_per_kind(lambda kind: ~Q(specialty_group="") if kind == BeneficiaryKind.GRANT_HOLDER
                                    else Q(specialty_group="")),
                name="enrolment_specialty_group_per_kind"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("enrolled_on")),
                name="enrolment_left_after_enrolled",
            ),
        ]
        # Also enforced in the database (migration 0003, statement-level triggers): enrolments of
        # one pupil at one school never overlap, so a pupil is enrolled at most once at a time.
        indexes = [
            models.Index(fields=["school", "enrolled_on", "left_on"]),
            # the list's order and the API's orderings (core.pagination: a page is an index range)
            models.Index(fields=["school", "grade", "id"], name="enrolment_list_order"),
            models.Index(fields=["grade", "id"], name="enrolment_by_grade"),
            models.Index(fields=["enrolled_on", "id"], name="enrolment_by_enrolled_on"),
            models.Index(fields=["left_on", "id"], name="enrolment_by_left_on"),
            models.Index(fields=["category", "school", "grade", "id"], name="enrolment_by_category"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} — {self.grade} ({self.school_id})"

    @property
    def level(self) -> str | None:
        return level_of_grade(self.grade) if self.grade is not None else None

    def get_level_display(self) -> str:
        return level_of_grade(self.grade).label if self.grade is not None else ""

    def is_active_on(self, day: dt.date) -> bool:
        """``contingent.rules.is_active_on``."""
        return is_active_on(enrolled_on=self.enrolled_on, left_on=self.left_on, day=day)


class NobdSnapshot(models.Model):
    """One load of the National Education Database, taken on a date.

    Its rows live in the NOBD history, stored by change (``contingent.history``).
    """

    taken_on = models.DateField(_("taken on"))
    source = models.CharField(_("source"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=SnapshotStatus.choices, default=SnapshotStatus.IMPORTING)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pruned_at = models.DateTimeField(_("rows pruned at"), null=True, blank=True)
    # What the import changed in the history (``contingent.history``): rows new since the import before
    # it, and rows of that import that this one no longer has.
    rows_added = models.PositiveIntegerField(_("rows added"), default=0)
    rows_removed = models.PositiveIntegerField(_("rows removed"), default=0)
    # The fingerprint of the row checks that accepted the rows (``contingent.services.nobd``): an
    # import checks again only the rows that are new, when the checks have not changed since.
    checked_with = models.CharField(_("row checks"), max_length=64, blank=True)

    # A snapshot is created importing, becomes ready when its rows are loaded and checked (a failure
    # rolls the whole load back), and is pruned (rows dropped, metadata kept) by the retention rule.
    TRANSITIONS = {
        "finish": Transition(sources=(SnapshotStatus.IMPORTING,), target=SnapshotStatus.READY,
                             event=NobdSnapshotEvent.IMPORTED),
        "prune": Transition(sources=(SnapshotStatus.READY,), target=SnapshotStatus.PRUNED, event=NobdSnapshotEvent.PRUNED),
    }

    objects = ScopedQuerySet.as_manager()
    # Snapshot metadata (date, size, checksum) is visible to every signed-in role; rows are not.
    scope = Scope(region=lambda user: Q(), school=lambda user: Q(), actions={
        # an operator or an administrator loads one (the nightly job and the command as the system)
        "import": Allow(Role.OPERATOR, Role.ADMIN, creates=True),
        "finish": Allow(Role.OPERATOR, Role.ADMIN),
        "prune": Allow(Role.OPERATOR, Role.ADMIN),
    })

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("NOBD snapshot")
        verbose_name_plural = _("NOBD snapshots")

    def __str__(self) -> str:
        return f"NOBD {self.taken_on} #{self.pk}"

    @property
    def staging_table(self) -> str:
        """The unlogged table the import streams the file into (dropped when the import ends)."""
        return f"contingent_nobdstage_{int(self.pk)}"

    @property
    def has_rows(self) -> bool:
        return self.status == SnapshotStatus.READY


class ContingentImport(models.Model):
    """One contingent file: uploaded for preview, then applied or discarded; or loaded by the command.

    An uploaded file stays on the server between the preview and the confirmation, and is
    validated again when it is applied (``sha256`` proves it is the same file).
    """

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="contingent_imports", help_text=_("Empty for an operator's bulk file with a school_bin column."),
    )
    file = models.FileField(_("file"), upload_to="contingent-imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    kind = models.CharField(_("beneficiary kind"), max_length=20, choices=BeneficiaryKind.choices,
                            default=BeneficiaryKind.PUPIL)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("applied or discarded at"), null=True, blank=True)

    # An uploaded file waits for the school's confirmation; a file with errors is recorded rejected; the
    # command's load is recorded applied at once.
    TRANSITIONS = {
        "apply": Transition(sources=(ImportStatus.PENDING,), target=ImportStatus.APPLIED,
                            event=ContingentImportEvent.IMPORTED),
        "discard": Transition(sources=(ImportStatus.PENDING,), target=ImportStatus.DISCARDED,
                              event=ContingentImportEvent.DISCARDED),
    }

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="school__region", school="school", actions={
        # the school uploads, confirms or discards its own file
        "upload": Allow(Role.SCHOOL, creates=True),
        "apply": Allow(Role.SCHOOL),
        "discard": Allow(Role.SCHOOL),
        # the command loads a school's file, or (operators, administrators) a bulk file for many schools
        "import": Allow(Role.SCHOOL, Role.OPERATOR, Role.ADMIN, creates=True),
    })

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contingent import")
        verbose_name_plural = _("contingent imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
