"""Navigation entries of this app (collected by core.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem
from core.roles import Role

GROUP = _("Oversight")

ITEMS: list = [
    NavItem(_("Monitoring cases"), "oversight:case-list", ALL_ROLES),
    NavItem(_("Audit trail"), "oversight:audit-list",
            frozenset({Role.MONITOR, Role.OPERATOR, Role.ADMIN, Role.DEPARTMENT})),
    NavItem(_("Published chain heads"), "oversight:audit-heads", ALL_ROLES),
]
