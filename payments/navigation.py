"""Navigation entries of this app (in one menu with the acts')."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem
from core.roles import Role

GROUP = _("Acts and payments")

ITEMS: list = [
    NavItem(_("Payments"), "payments:payments", ALL_ROLES),
    NavItem(_("Bank"), "payments:bank", frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
    NavItem(_("Recoveries"), "payments:recoveries", ALL_ROLES),
    NavItem(_("Final reports"), "payments:reports", ALL_ROLES),
]
