"""Navigation entries of this app (collected by portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

GROUP = _("Contingent")

ITEMS: list = [
    NavItem(_("Pupil contingent"), "contingent:enrolment_list",
            frozenset({Role.SCHOOL, Role.DEPARTMENT, Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
    NavItem(_("NOBD snapshots"), "contingent:snapshot_list", frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})),
]
