"""Navigation entries of this app (collected by portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem
from core.roles import Role

GROUP = _("Signatures")

ITEMS: list = [
    NavItem(_("Signed documents"), "signatures:signature-list", ALL_ROLES),
    NavItem(_("Check my signature"), "signatures:check", frozenset({Role.SCHOOL, Role.DEPARTMENT, Role.OPERATOR})),
    NavItem(_("Signers' IIN and BIN"), "signatures:identities", frozenset({Role.ADMIN})),
]
