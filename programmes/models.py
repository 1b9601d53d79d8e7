"""The programme catalogue: funding programmes, their norms per category and their terms.

A ``Programme`` is one instrument (``programmes.instruments``) run nationally (``region`` empty)
or by one region's department: what it pays for (unit, period, proration), to whom (provider and
beneficiary kinds), at which default norms (``ProgrammeNorm``: per norm category and period), over
which terms (``ProgrammeTerm``, for term programmes) and with which finding codes. Orders (calls)
are made under a programme; everything downstream (applications, contracts, acts, payments) reads
its rules from there.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import localized
from core.roles import Role
from core.scoping import Allow, Condition, Scope, ScopedQuerySet, effective_role
from core.workflow import Transition
from programmes.choices import BeneficiaryKind, InstrumentCode, Period, ProgrammeEvent, ProgrammeStatus, Proration, Unit
from schools.choices import ProviderKind

MONEY = {"max_digits": 16, "decimal_places": 2}
NATIONAL_MANAGERS = frozenset({Role.OPERATOR, Role.ADMIN})


def _department_sees(user, prefix: str = "") -> Q:
    # Its own region's programmes (drafts included) and every national one that is not a draft.
    return Q(**{f"{prefix}region_id": user.region_id}) | (
        Q(**{f"{prefix}region__isnull": True}) & ~Q(**{f"{prefix}status": ProgrammeStatus.DRAFT}))


def _school_sees(user, prefix: str = "") -> Q:
    return ((Q(**{f"{prefix}region__isnull": True}) | Q(**{f"{prefix}region_id": user.school.region_id}))
            & ~Q(**{f"{prefix}status": ProgrammeStatus.DRAFT}))


def _managed_by(user) -> Q:
    # A regional programme is its department's; a national one an operator's or an administrator's.
    role = effective_role(user)
    if role == Role.DEPARTMENT:
        return Q(region_id=user.region_id)
    if role in NATIONAL_MANAGERS:
        return Q(region__isnull=True)
    return Q(pk__in=[])


MANAGER = Condition(
    rows=_managed_by, code="not_manager",
    message=_("Only the department of the programme's region manages a regional programme, "
              "and only an operator a national one."),
)
MANAGE = Allow(Role.DEPARTMENT, *NATIONAL_MANAGERS, only=[MANAGER])

# Norms and terms are seen with their programme.
PART_SCOPE = Scope(region=lambda user: _department_sees(user, "programme__"),
                   school=lambda user: _school_sees(user, "programme__"),
                   public=~Q(programme__status=ProgrammeStatus.DRAFT))


class Programme(models.Model):
    TRANSITIONS = {
        # a draft is edited in place (the status stays)
        "change": Transition(sources=(ProgrammeStatus.DRAFT,), target=None, event=ProgrammeEvent.UPDATED),
        "activate": Transition(sources=(ProgrammeStatus.DRAFT,), target=ProgrammeStatus.ACTIVE,
                               event=ProgrammeEvent.ACTIVATED),
        "close": Transition(sources=(ProgrammeStatus.ACTIVE,), target=ProgrammeStatus.CLOSED, event=ProgrammeEvent.CLOSED),
    }

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    instrument = models.CharField(_("instrument"), max_length=30, choices=InstrumentCode.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="programmes", help_text=_("Empty for a national programme."))
    status = models.CharField(_("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    proration = models.CharField(_("proration"), max_length=10, choices=Proration.choices)
    provider_kind = models.CharField(_("provider kind"), max_length=20, choices=ProviderKind.choices)
    beneficiary_kind = models.CharField(_("beneficiary kind"), max_length=20, choices=BeneficiaryKind.choices)
    finding_codes = ArrayField(models.CharField(max_length=3), verbose_name=_("finding codes"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # Who manages a programme: its region's department, or for a national one an operator or administrator.
    scope = Scope(region=_department_sees, school=_school_sees, public=~Q(status=ProgrammeStatus.DRAFT), actions={
        "add": Allow(Role.DEPARTMENT, *NATIONAL_MANAGERS, only=[MANAGER], creates=True),
        "change": MANAGE,
        "activate": MANAGE,
        "close": MANAGE,
    })

    class Meta:
        ordering = ["instrument", "code"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        constraints = [
            models.CheckConstraint(condition=Q(instrument__in=InstrumentCode.values), name="programme_instrument_known"),
            models.CheckConstraint(condition=Q(status__in=ProgrammeStatus.values), name="programme_status_known"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$"), name="programme_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def is_national(self) -> bool:
        return self.region_id is None

    def category_labels(self) -> dict[str, str]:
        """Norm category → its label in the reader's language (the norms prefetched or read once)."""
        cache = getattr(self, "_category_labels", None)
        if cache is None:
            cache = {norm.key: norm.label for norm in self.norms.all()}
            self._category_labels = cache
        return cache


class ProgrammeNorm(models.Model):
    """A norm category of a programme and its default norm per period (orders may set their own)."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="norms")
    key = models.CharField(_("category"), max_length=20)
    label_kk = models.CharField(_("label (Kazakh)"), max_length=200)
    label_ru = models.CharField(_("label (Russian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    amount = models.DecimalField(_("norm per period, KZT"), validators=[MinValueValidator(0)], **MONEY)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope = PART_SCOPE

    class Meta:
        ordering = ["programme_id", "position", "key"]
        verbose_name = _("programme norm")
        verbose_name_plural = _("programme norms")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="programme_norm_key_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="programme_norm_not_negative"),
            models.CheckConstraint(condition=Q(key__regex=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$"), name="programme_norm_key_format"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.key}: {self.amount}"

    @property
    def label(self) -> str:
        return localized(self, "label")


class ProgrammeTerm(models.Model):
    """An academic term of a term programme (grants): whole calendar months, the period of its acts."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))

    objects = ScopedQuerySet.as_manager()
    scope = PART_SCOPE

    class Meta:
        ordering = ["programme_id", "start"]
        verbose_name = _("academic term")
        verbose_name_plural = _("academic terms")
        constraints = [
            models.UniqueConstraint(fields=["programme", "start"], name="programme_term_start_unique"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="programme_term_ordered"),
            models.CheckConstraint(condition=Q(start__day=1), name="programme_term_starts_on_first"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start}–{self.end}"
