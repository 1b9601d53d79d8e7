"""A navigation entry: a page's label, its URL name and the roles that see it.

Each app lists its entries in ``<app>/navigation.py`` (``GROUP``, its menu's label, and
``ITEMS``); the portal assembles the menus (``portal.navigation``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from core.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


ALL_ROLES = frozenset(Role.values)
