"""Navigation entries of this app (collected with the payments' into one menu)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem
from core.roles import Role

GROUP = _("Acts and payments")

ITEMS: list = [
    NavItem(_("Acts"), "acts:list", ALL_ROLES),
    NavItem(_("Deadlines"), "acts:overdue", frozenset({Role.SCHOOL, Role.DEPARTMENT})),
]
