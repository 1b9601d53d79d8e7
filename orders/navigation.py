"""Navigation entries of this app (collected by portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem
from core.roles import Role

GROUP = _("State order")

ITEMS: list = [
    NavItem(_("State orders"), "orders:order_list", ALL_ROLES),
    NavItem(_("Applications"), "orders:application_list", ALL_ROLES),
    NavItem(_("Contracts"), "orders:contract_list", ALL_ROLES),
    NavItem(_("Public queue"), "orders:queue", frozenset({Role.DEPARTMENT, Role.SCHOOL, Role.OPERATOR, Role.MONITOR})),
]
