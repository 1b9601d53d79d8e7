"""The signable action of the signatures app itself: "check-signature", a user's dry run.

Before a deadline a school or a department wants to know that its key, NCALayer and the portal
agree. The signature check page has the user sign a payload about themselves and shows what the
portal would answer (:func:`signatures.services.signature_inspect`); such a signature is never
stored and moves nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import PermissionDeniedError
from signatures.registry import SigningFacts, register_signable

CHECK_ACTION = "check-signature"


def check_signature_facts(user: User, actor) -> SigningFacts:
    if user.pk != getattr(actor, "pk", None):
        raise PermissionDeniedError(_("You may check only your own signature."))
    region_id = user.region_id or (user.school.region_id if user.school_id else None)
    # The reference is data, not a label: the same in every language, or the payload would go stale.
    return SigningFacts(from_status="", to_status="", reference=f"signature check: {user.get_username()}",
                        school_id=user.school_id, region_id=region_id)


register_signable(User, CHECK_ACTION, check_signature_facts)
