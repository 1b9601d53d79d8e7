"""Navigation entries of this app (collected by core.navigation)."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core.navigation import NavItem

ITEMS: list = [
    NavItem(_("Check runs"), "checks:run_list", frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
]
