"""Navigation entries of the risk app (collected by portal.navigation). Schools see none."""

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from risk.permissions import RISK_ROLES, RUN_ROLES

GROUP = _("Risk")

ITEMS: list = [
    NavItem(_("Risk overview"), "risk:overview", RISK_ROLES),
    NavItem(_("Risk flags"), "risk:flag-list", RISK_ROLES),
    NavItem(_("Risk runs"), "risk:run-list", frozenset(RUN_ROLES)),
]
