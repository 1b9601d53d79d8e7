"""Navigation entries of this app (collected by portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import ALL_ROLES, NavItem

GROUP = _("Open data")

ITEMS: list = [
    NavItem(_("Open data"), "opendata:country", ALL_ROLES),
]
