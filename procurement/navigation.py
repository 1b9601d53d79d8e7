"""Navigation entries of this app (collected by portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem
from core.roles import Role

GROUP = _("Procurement")

ITEMS: list = [
    NavItem(_("Procurement overview"), "procurement:overview", frozenset({Role.DEPARTMENT, Role.SCHOOL, Role.OPERATOR, Role.MONITOR})),
    NavItem(_("Procurement contracts"), "procurement:contract_list", ALL_ROLES),
    NavItem(_("Deliveries and acceptance"), "procurement:delivery_list", ALL_ROLES),
    NavItem(_("Penalties"), "procurement:penalty_list", frozenset({Role.DEPARTMENT, Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
    NavItem(_("Warranty claims"), "procurement:claim_list", ALL_ROLES),
    NavItem(_("Red flags"), "procurement:flag_list", frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
]
