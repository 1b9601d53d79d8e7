from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from core.identifiers import validate_bin, validate_iin
from core.roles import NATIONWIDE_ROLES, READ_ONLY_ROLES, Role
from core.scoping import Allow, Scope, ScopedQuerySet


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A portal user with exactly one role.

    A department officer belongs to one region; a school representative to one school.
    The database refuses any other combination.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    # The person's IIN; when recorded, the certificate of a qualified signature must carry it.
    iin = models.CharField(_("IIN"), max_length=12, blank=True, default="", validators=[validate_iin])

    objects = PortalUserManager()
    # Users are managed by administrators (``add_user``, the identities page); no page lists them by scope.
    scope = Scope(actions={"set_iin": Allow(Role.ADMIN)})

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_binding",
                condition=(
                    Q(role=Role.DEPARTMENT, region__isnull=False, school__isnull=True)
                    | Q(role=Role.SCHOOL, school__isnull=False, region__isnull=True)
                    | Q(role__in=[Role.OPERATOR, Role.MONITOR, Role.ADMIN], region__isnull=True, school__isnull=True)
                ),
            ),
            models.CheckConstraint(name="user_iin_twelve_digits", condition=Q(iin="") | Q(iin__regex=r"^[0-9]{12}$")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_nationwide(self) -> bool:
        return self.role in NATIONWIDE_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES

    @property
    def is_department(self) -> bool:
        return self.role == Role.DEPARTMENT

    @property
    def is_school(self) -> bool:
        return self.role == Role.SCHOOL

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_monitor(self) -> bool:
        return self.role == Role.MONITOR


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): one per sign-in, stored only as a hash, expiring, revocable.

    ``token_key`` (the first characters of the token, not enough to use it) names the token
    in the user's list; ``label`` says which client or device asked for it.
    """

    label = models.CharField(_("device or client"), max_length=200, blank=True)
    created_from = models.GenericIPAddressField(_("requested from"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expiry is not None and self.expiry <= timezone.now()
class Department(models.Model):
    """A region's education department as a legal entity: the BIN its officers' certificates carry.

    One per region, shared by every department user of that region (``add_user … --org-bin``).
    """

    region = models.OneToOneField("core.Region", verbose_name=_("region"), primary_key=True, on_delete=models.PROTECT,
                                  related_name="department")
    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope = Scope(region="region", actions={"set_bin": Allow(Role.ADMIN, creates=True)})
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("education department")
        verbose_name_plural = _("education departments")
        constraints = [models.CheckConstraint(name="department_bin_twelve_digits", condition=Q(bin__regex=r"^[0-9]{12}$"))]

    def __str__(self) -> str:
        return f"{self.region_id} {self.bin}"
