"""Navigation entries of this app (collected by portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem

GROUP = _("State order")

ITEMS: list = [
    NavItem(_("Funding programmes"), "programmes:list", ALL_ROLES),
]
