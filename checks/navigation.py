"""Navigation entries of this app (collected by core.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem
from core.roles import Role

GROUP = _("Checks")

ITEMS: list = [
    NavItem(_("Findings"), "checks:finding-list", ALL_ROLES),
    NavItem(_("Check runs"), "checks:run-list", frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
]
