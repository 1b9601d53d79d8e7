"""Whose certificate may sign for a user: the person's IIN and the organisation's BIN.

* The IIN (subject SERIALNUMBER ``IIN`` + 12 digits) must be the user's, when the portal records one.
* The BIN (subject OU ``BIN`` + 12 digits) is the organisation the user signs for: the school's BIN
  for a school user, the department's BIN (``accounts.Department``, shared by the region's
  officers) for a department user, ``SIGNATURE_OPERATOR_BIN`` for an operator when it is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from core.errors import PermissionDeniedError
from core.roles import Role
from core.scoping import effective_role
from signatures.cms import CertificateFacts
from signatures.errors import MESSAGES, refusal

SIGNER_ROLES = frozenset({Role.SCHOOL, Role.DEPARTMENT, Role.OPERATOR})


@dataclass(frozen=True)
class ExpectedIdentity:
    iin: str  # "" = the portal records no IIN for this user: not checked
    bin: str  # "" = no organisation BIN is required (an operator without SIGNATURE_OPERATOR_BIN)


def expected_identity(user) -> ExpectedIdentity:
    """What the certificate of ``user`` must carry; refuses users who do not sign or whose BIN is unknown."""
    from accounts.models import Department

    role = effective_role(user)  # a superuser is an administrator, who does not sign
    if role not in SIGNER_ROLES:
        raise PermissionDeniedError(MESSAGES["not_a_signer"], code="not_a_signer")
    if role == Role.SCHOOL:
        bin_ = user.school.bin
    elif role == Role.DEPARTMENT:
        bin_ = Department.objects.filter(region_id=user.region_id).values_list("bin", flat=True).first() or ""
        if not bin_:
            raise refusal("no_org_bin", field=None)
    else:
        bin_ = settings.SIGNATURE_OPERATOR_BIN or ""
    return ExpectedIdentity(iin=user.iin or "", bin=bin_)


def check_identity(certificate: CertificateFacts, expected: ExpectedIdentity) -> None:
    if expected.iin and certificate.iin != expected.iin:
        raise refusal("wrong_iin", found=certificate.iin or "—", expected=expected.iin)
    if expected.bin:
        if not certificate.bin:
            raise refusal("not_legal_entity", expected=expected.bin)
        if certificate.bin != expected.bin:
            raise refusal("wrong_bin", found=certificate.bin, expected=expected.bin)
