from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.identifiers import validate_bin, validate_kz_iban
from core.models import localized
from core.roles import Role
from core.scoping import Allow, Scope, ScopedQuerySet
from schools.choices import ChangeKind, ChangeSource, Level, LicenceStatus, ProviderKind, RegisterKind, SchoolStatus
from schools.rules import licence_covers, register_entry_in_force

validate_oked = RegexValidator(
    r"^[0-9]{2}(\.[0-9]{1,2}(\.[0-9])?)?$|^[0-9]{5}$",
    _("An activity code (OKED) looks like 85.31 or 85310."),
)


class School(models.Model):
    """A private school (a legal entity identified by its BIN)."""

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="schools")
    kato = models.CharField(
        _("KATO code"), max_length=9, blank=True,
        validators=[RegexValidator(r"^[0-9]{9}$", _("A KATO code is 9 digits."))],
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    oked = models.CharField(_("activity code (OKED)"), max_length=10, blank=True, validators=[validate_oked])
    capacity = models.PositiveIntegerField(_("licensed capacity (pupils)"), null=True, blank=True)
    iban = models.CharField(_("bank account (IBAN)"), max_length=20, blank=True, validators=[validate_kz_iban])
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    director = models.CharField(_("director"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SchoolStatus.choices, default=SchoolStatus.ACTIVE)
    # The same table holds every funded provider: schools, colleges, dormitory operators, universities.
    kind = models.CharField(_("kind of organisation"), max_length=20, choices=ProviderKind.choices,
                            default=ProviderKind.SCHOOL, db_default=ProviderKind.SCHOOL, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # the school keeps its own contacts and bank account; its registry data come from the registers
    scope = Scope(region="region", school="pk", actions={"edit_profile": Allow(Role.SCHOOL)})

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.CheckConstraint(condition=models.Q(bin__regex=r"^[0-9]{12}$"), name="school_bin_12_digits"),
            # The first two digits of a KATO code name the region.
            models.CheckConstraint(
                condition=models.Q(kato="") | models.Q(kato__startswith=models.F("region_id")),
                name="school_kato_in_its_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})"

    @property
    def name(self) -> str:
        # Schools have official names in Kazakh and Russian; English pages show the Russian one.
        return localized(self, "name")


# Registers are national and keyed by BIN: a row may name a BIN that is no school of the portal.
# A department sees the rows of the schools of its region, a school its own.
def _by_bin_in_region(user) -> Q:
    return Q(bin__in=School.objects.filter(region_id=user.region_id).values("bin"))


def _by_bin_of_school(user) -> Q:
    return Q(bin__in=School.objects.filter(pk=user.school_id).values("bin"))


def _everyone(user) -> Q:
    return Q()


class Licence(models.Model):
    """An entry of the licence register: an education licence of a legal entity (by BIN)."""

    bin = models.CharField(_("BIN"), max_length=12, validators=[validate_bin])
    number = models.CharField(_("licence number"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    levels = ArrayField(models.CharField(max_length=10, choices=Level.choices), verbose_name=_("levels"))
    status = models.CharField(_("status"), max_length=20, choices=LicenceStatus.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region=_by_bin_in_region, school=_by_bin_of_school)

    class Meta:
        ordering = ["bin", "issued_on", "number"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(fields=["bin", "number"], name="licence_unique_bin_number"),
            models.CheckConstraint(condition=Q(bin__regex=r"^[0-9]{12}$"), name="licence_bin_12_digits"),
            models.CheckConstraint(condition=Q(levels__len__gt=0), name="licence_has_levels"),
            models.CheckConstraint(condition=Q(levels__contained_by=Level.values), name="licence_levels_known"),
            models.CheckConstraint(condition=Q(status__in=LicenceStatus.values), name="licence_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.bin})"

    def covers(self, level: str, day) -> bool:
        """Whether this licence lets the school teach ``level`` on ``day`` (``schools.rules.licence_covers``)."""
        return licence_covers(status=self.status, issued_on=self.issued_on, levels=self.levels, level=level, day=day)

    def get_levels_display(self) -> list[str]:
        labels = dict(Level.choices)
        return [str(labels.get(level, level)) for level in self.levels]


class UnreliableSupplierEntry(models.Model):
    """An entry of the register of unreliable suppliers (public information), by BIN.

    A supplier may be included more than once (separate decisions): the key is BIN and date of
    inclusion. ``excluded_on`` (an optional column of the file) ends the entry.
    """

    bin = models.CharField(_("BIN"), max_length=12, validators=[validate_bin])
    included_on = models.DateField(_("included on"))
    reason = models.TextField(_("reason"), blank=True)
    excluded_on = models.DateField(_("excluded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # The register is public information: every signed-in role sees all of it.
    scope = Scope(region=_everyone, school=_everyone)

    class Meta:
        ordering = ["-included_on", "bin"]
        verbose_name = _("unreliable supplier register entry")
        verbose_name_plural = _("unreliable supplier register entries")
        constraints = [
            models.UniqueConstraint(fields=["bin", "included_on"], name="rnu_unique_bin_included_on"),
            models.CheckConstraint(condition=Q(bin__regex=r"^[0-9]{12}$"), name="rnu_bin_12_digits"),
            models.CheckConstraint(
                condition=Q(excluded_on__isnull=True) | Q(excluded_on__gte=models.F("included_on")),
                name="rnu_excluded_after_included",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bin} {self.included_on}"

    def is_in_force_on(self, day) -> bool:
        """On the register on ``day`` (``schools.rules.register_entry_in_force``)."""
        return register_entry_in_force(included_on=self.included_on, excluded_on=self.excluded_on, day=day)


class RegisterLoad(models.Model):
    """One load of a register file (schools, licences, unreliable suppliers): what, from where, by whom.

    Check runs record the latest loads they read, so that a finding stays traceable to its data.
    """

    kind = models.CharField(_("register"), max_length=20, choices=RegisterKind.choices)
    source = models.CharField(_("source"), max_length=500)
    source_kind = models.CharField(_("loaded by"), max_length=20, choices=ChangeSource.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Load metadata (when, how many rows, checksum) is visible to every signed-in role; operators and
    # administrators load the registers (the command as the system).
    scope = Scope(region=_everyone, school=_everyone, actions={"load": Allow(Role.OPERATOR, Role.ADMIN, creates=True)})

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("register load")
        verbose_name_plural = _("register loads")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.row_count})"


class SchoolChange(models.Model):
    """History of a school's registry data, bank account, contacts and licences: who, when, old → new.

    Keyed by BIN (licences may arrive before the school does). Append-only: the database
    refuses UPDATE and DELETE (migration 0003).
    """

    bin = models.CharField(_("BIN"), max_length=12, db_index=True)
    kind = models.CharField(_("what"), max_length=20, choices=ChangeKind.choices)
    # The licence number, or the date of inclusion in the register, that the change concerns.
    subject = models.CharField(_("concerns"), max_length=100, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ChangeSource.choices)
    load = models.ForeignKey(
        RegisterLoad, verbose_name=_("register load"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region=_by_bin_in_region, school=_by_bin_of_school)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("school change")
        verbose_name_plural = _("school changes")
        indexes = [models.Index(fields=["bin", "kind", "changed_at"], name="schoolchange_bin_kind_idx")]

    def __str__(self) -> str:
        return f"{self.bin} {self.kind} {self.changed_at:%Y-%m-%d %H:%M}"

    def rows(self) -> list[tuple[str, object, object]]:
        """(field in words, old, new) for each changed field, in the active language.

        The field's name is its model field's verbose name and a coded value (a status, a level) its
        label; a field the models no longer have keeps its stored name."""
        model = {ChangeKind.LICENCE: Licence, ChangeKind.RNU: UnreliableSupplierEntry}.get(self.kind, School)
        names = sorted(set(self.before) | set(self.after))
        return [(_field_words(model, name), _value_words(model, name, self.before.get(name)),
                 _value_words(model, name, self.after.get(name))) for name in names]


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field recorded by an older version of the model
        return None


def _field_words(model, name: str) -> str:
    field = _model_field(model, name)
    return str(field.verbose_name) if field is not None else name


def _value_words(model, name: str, value):
    """A stored value in words: choices by their label (a list of levels, ";"-joined, each by its own)."""
    field = _model_field(model, name)
    if field is None or value in (None, ""):
        return value
    choices = dict(getattr(field, "base_field", field).flatchoices)
    if not choices:
        return value
    parts = value if isinstance(value, list) else str(value).split(";") if isinstance(field, ArrayField) else [value]
    return "; ".join(str(choices.get(part, part)) for part in parts)
