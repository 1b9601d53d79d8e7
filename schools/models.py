from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scope, ScopedQuerySet
from core.identifiers import validate_bin, validate_kz_iban
from core.models import localized
from schools.choices import SchoolStatus

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", school="pk")

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.CheckConstraint(condition=models.Q(bin__regex=r"^[0-9]{12}$"), name="school_bin_12_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})"

    @property
    def name(self) -> str:
        # Schools have official names in Kazakh and Russian; English pages show the Russian one.
        return localized(self, "name")
