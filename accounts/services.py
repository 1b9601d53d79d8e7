from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.models import Region
from core.roles import Role
from core.services import audit_record


@transaction.atomic
def user_upsert(
    *,
    username: str,
    role: str,
    region_code: str | None = None,
    school_bin: str | None = None,
    password: str | None = None,
    actor=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> tuple[User, bool]:
    """Create or update a user with one role and its region or school. Returns (user, created)."""
    from schools.models import School

    if role not in Role.values:
        raise DomainError(_("Unknown role “%(role)s”; use one of: %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)})
    region = school = None
    if role == Role.DEPARTMENT:
        if not region_code:
            raise DomainError(_("A department user needs a region (--region, two-digit KATO code)."), field="region")
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise DomainError(_("No region with KATO code “%(code)s”.") % {"code": region_code}, field="region")
    elif region_code:
        raise DomainError(_("Only a department user has a region."), field="region")
    if role == Role.SCHOOL:
        if not school_bin:
            raise DomainError(_("A school user needs a school (--school, its BIN)."), field="school")
        school = School.objects.filter(bin=school_bin).first()
        if school is None:
            raise DomainError(_("No school with BIN “%(bin)s”.") % {"bin": school_bin}, field="school")
    elif school_bin:
        raise DomainError(_("Only a school user has a school."), field="school")

    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    before = {"role": user.role, "region": user.region_id, "school": user.school_id}
    user.role = role
    user.region = region
    user.school = school
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if value:
            setattr(user, name, value)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    after = {"role": user.role, "region": user.region_id, "school": user.school_id}
    audit_record(
        actor=actor,
        action="user_created" if created else "user_updated",
        subject=user,
        data={"before": None if created else before, "after": after, "password_changed": bool(password)},
    )
    return user, created
