"""Navigation per role: which links each role sees, and which home page it lands on.

Each app lists its entries in ``<app>/navigation.py`` (``GROUP``, its menu's label, and
``ITEMS``); they are collected here in the order of ``NAV_APPS``. The navigation bar shows one
menu per app (a plain link when the role sees only one of its entries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role


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
NAV_APPS = ["orders", "schools", "contingent", "checks", "payments", "oversight"]


HOME = NavItem(_("Home"), "core:home", ALL_ROLES)


def navigation() -> list[tuple[str, list[NavItem]]]:
    """(menu label, entries) per app, in NAV_APPS order."""
    from importlib import import_module

    menus = []
    for app in NAV_APPS:
        module = import_module(f"{app}.navigation")
        menus.append((getattr(module, "GROUP", ""), list(getattr(module, "ITEMS", []))))
    return menus


def _visible(items: list[NavItem], user, path: str) -> list[dict]:
    visible = []
    for item in items:
        if user.role in item.roles:
            url = item.url()
            if url:
                visible.append({"label": item.label, "url": url, "name": item.url_name, "active": path == url})
    return visible


def nav_menus(user, path: str = "") -> list[dict]:
    """The menus ``user`` sees: {label, items, active}; a menu is active when one of its pages is open."""
    if not getattr(user, "is_authenticated", False):
        return []
    menus = []
    for label, items in navigation():
        visible = _visible(items, user, path)
        if visible:
            active = any(path.startswith(item["url"]) for item in visible)  # entries live under /<lang>/<app>/
            menus.append({"label": label, "items": visible, "active": active})
    return menus


def nav_items(user, path: str = "") -> list[dict]:
    """Every entry ``user`` sees, Home first (the home page's cards)."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = _visible([HOME], user, path)
    for menu in nav_menus(user, path):
        items.extend(menu["items"])
    return items


def home_template(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return "core/home_public.html"
    return f"core/home_{user.role}.html"
