"""Navigation entries of this app (collected by portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

GROUP = _("Schools")

ITEMS: list = [
    NavItem(_("Schools"), "schools:list", frozenset({Role.DEPARTMENT, Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
    NavItem(_("My school"), "portal:my_school", frozenset({Role.SCHOOL})),  # the dossier (portal)
    NavItem(_("Register loads"), "schools:registers", frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
]
