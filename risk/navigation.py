"""Navigation entries of the risk app (collected by portal.navigation). Schools see none."""

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

GROUP = _("Risk")

VIEWERS = frozenset({Role.DEPARTMENT, Role.OPERATOR, Role.MONITOR, Role.ADMIN})

ITEMS: list = [
    NavItem(_("Risk overview"), "risk:overview", VIEWERS),
    NavItem(_("Risk flags"), "risk:flag-list", VIEWERS),
    NavItem(_("Risk runs"), "risk:run-list", frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
]
