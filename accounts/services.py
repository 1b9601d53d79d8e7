from __future__ import annotations

import logging

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import ApiTokenEvent, DepartmentEvent, SignInEvent, UserEvent
from accounts.models import ApiToken, Department, User
from core.errors import DomainError, PermissionDeniedError
from core.identifiers import parse_bin, parse_iin
from core.models import Region
from core.roles import Role
from core.scoping import require
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
    iin: str | None = None,
    org_bin: str | None = None,
) -> tuple[User, bool]:
    """Create or update a user with one role and its region or school. Returns (user, created).

    ``iin`` records the person's IIN (None keeps it); ``org_bin`` sets the BIN of the department of a
    department user's region (shared by every user of that department).
    """
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
    if org_bin is not None and role != Role.DEPARTMENT:
        raise DomainError(_("Only a department user has an organisation BIN (--org-bin)."), field="org_bin")
    iin = _clean_iin(iin) if iin is not None else None

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
    if iin is not None:
        before["iin"] = user.iin
        user.iin = iin
    if password:
        try:
            validate_password(password, user=user)  # AUTH_PASSWORD_VALIDATORS: length, common, numeric, like the name
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), code="weak_password", field="password") from None
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    after = {"role": user.role, "region": user.region_id, "school": user.school_id}
    if iin is not None:
        after["iin"] = user.iin
    if org_bin is not None:
        department_set_bin(region=region, bin=org_bin, actor=actor)
    audit_record(
        actor=actor,
        action=UserEvent.CREATED if created else UserEvent.UPDATED,
        subject=user,
        data={"before": None if created else before, "after": after, "password_changed": bool(password)},
    )
    return user, created


logger = logging.getLogger("accounts.sign_in")
LABEL_LENGTH = 200


def _address(request) -> str | None:
    from core.web import client_ip

    return (client_ip(request) or None) if request is not None else None


def _channel(request) -> str:
    return "api" if request is not None and request.path.startswith("/api/") else "web"


@transaction.atomic
def sign_in_record(*, user, request) -> None:
    """A user signed in (a page session or an API token): the audit trail says who, how and from where."""
    audit_record(actor=user, action=SignInEvent.SIGNED_IN, subject=user, data={
        "channel": _channel(request), "address": _address(request),
        "user_agent": (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:LABEL_LENGTH],
    })


@transaction.atomic
def sign_out_record(*, user, request) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    audit_record(actor=user, action=SignInEvent.SIGNED_OUT, subject=user, data={"channel": _channel(request), "address": _address(request)})


@transaction.atomic
def sign_in_failure_record(*, username: str, request, locked_out: bool = False) -> None:
    """A sign-in failed (wrong password, unknown or disabled user, locked out): logged and in the audit trail,
    with the username tried and the address it came from (never the password)."""
    username = (username or "")[:150]
    address, channel = _address(request), _channel(request)
    logger.warning("sign-in failed: username=%r address=%s channel=%s locked_out=%s", username, address, channel, locked_out)
    user = User.objects.filter(username=username).first() if username else None
    audit_record(actor=None, action=SignInEvent.FAILED, subject=user or User,
                 data={"username": username, "address": address, "channel": channel, "locked_out": locked_out})


@transaction.atomic
def api_token_issue(*, user, request=None, label: str = "") -> tuple[ApiToken, str]:
    """A new API token for ``user`` (one per sign-in or device); returns it and its secret, shown once.

    It expires after ``REST_KNOX["TOKEN_TTL"]``; beyond ``TOKEN_LIMIT_PER_USER`` live tokens the
    oldest are revoked. Expired tokens of the user are removed.
    """
    from knox.settings import knox_settings

    ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit:
        stale = list(ApiToken.objects.filter(user=user).order_by("-created").values_list("digest", flat=True)[limit - 1:])
        ApiToken.objects.filter(digest__in=stale).delete()
    label = (label or (request.META.get("HTTP_USER_AGENT", "") if request is not None else ""))[:LABEL_LENGTH]
    token, secret = ApiToken.objects.create(user, label=label, created_from=_address(request))
    audit_record(actor=user, action=ApiTokenEvent.ISSUED, subject=user,
                 data={"token_key": token.token_key, "label": label, "expiry": token.expiry, "address": token.created_from})
    return token, secret


@transaction.atomic
def api_token_revoke(*, user, token_key: str, actor) -> int:
    """Revoke ``user``'s token named ``token_key`` (its owner, or an administrator); returns how many went."""
    if actor is None or not (actor.pk == user.pk or actor.is_superuser):
        raise PermissionDeniedError(_("Only the owner of a token may revoke it."))
    deleted, _details = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    if deleted:
        audit_record(actor=actor, action=ApiTokenEvent.REVOKED, subject=user, data={"token_key": token_key})
    return deleted


def api_tokens_of(*, user):
    """The user's live tokens, newest first."""
    return ApiToken.objects.filter(user=user).exclude(expiry__lte=timezone.now()).order_by("-created")
def _clean_iin(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return parse_iin(value).iin
    except ValidationError as error:
        raise DomainError(error.messages[0], code="bad_iin", field="iin")


@transaction.atomic
def user_set_iin(*, user: User, iin: str, actor) -> User:
    """Record (or clear, with "") the IIN a user's signing certificates must carry."""
    require(actor, "set_iin", user)  # an administrator (or the add_user command)
    iin = _clean_iin(iin)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.iin == iin:
        return locked
    before = locked.iin
    locked.iin = iin
    locked.save(update_fields=["iin"])
    audit_record(actor=actor, action=UserEvent.IIN_SET, subject=locked, data={"before": before, "after": iin})
    return locked


@transaction.atomic
def department_set_bin(*, region: Region, bin: str, actor) -> Department:
    """Set the BIN of the region's education department, which its officers' certificates must carry."""
    require(actor, "set_bin", Department(region=region))  # an administrator (or the add_user command)
    bin = (bin or "").strip()
    try:
        bin = parse_bin(bin).bin
    except ValidationError as error:
        raise DomainError(error.messages[0], code="bad_bin", field="org_bin")
    other = Department.objects.filter(bin=bin).exclude(region=region).first()
    if other is not None:
        raise DomainError(_("BIN %(bin)s is already the department of region %(region)s.") % {"bin": bin, "region": other.region_id},
                          code="bin_taken", field="org_bin")
    department = Department.objects.select_for_update().filter(region=region).first()
    before = department.bin if department else None
    if department is None:
        department = Department(region=region, bin=bin)
    elif department.bin == bin:
        return department
    department.bin = bin
    department.save()
    audit_record(actor=actor, action=DepartmentEvent.BIN_SET, subject=department, data={"before": before, "after": bin})
    return department
