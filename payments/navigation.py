"""Navigation entries of this app (collected by core.navigation)."""

from core.navigation import NavItem  # noqa: F401

ITEMS: list = []
