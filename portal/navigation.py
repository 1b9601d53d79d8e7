"""Navigation per role: which links each role sees, and which home page it lands on.

Each app lists its entries in ``<app>/navigation.py`` (``GROUP``, its menu's label, and
``ITEMS`` of ``core.navigation.NavItem``); they are collected here in the order of
``NAV_APPS``. The navigation bar shows one menu per group (a plain link when the role sees only
one of its entries); neighbouring apps with the same group share a menu (acts and payments).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from acts import navigation as acts_navigation
from checks import navigation as checks_navigation
from contingent import navigation as contingent_navigation
from core.navigation import ALL_ROLES, NavItem
from core.scoping import effective_role
from opendata import navigation as opendata_navigation
from orders import navigation as orders_navigation
from oversight import navigation as oversight_navigation
from payments import navigation as payments_navigation
from procurement import navigation as procurement_navigation
from programmes import navigation as programmes_navigation
from risk import navigation as risk_navigation
from schools import navigation as schools_navigation
from signatures import navigation as signatures_navigation

NAV_APPS = [programmes_navigation, orders_navigation, schools_navigation, contingent_navigation, checks_navigation,
            acts_navigation, payments_navigation, procurement_navigation, signatures_navigation, risk_navigation,
            oversight_navigation, opendata_navigation]


HOME = NavItem(_("Home"), "portal:home", ALL_ROLES)


def navigation() -> list[tuple[str, list[NavItem]]]:
    """(menu label, entries) per app, in NAV_APPS order."""
    menus: list[tuple[str, list[NavItem]]] = []
    for module in NAV_APPS:
        group, items = getattr(module, "GROUP", ""), list(getattr(module, "ITEMS", []))
        if menus and str(menus[-1][0]) == str(group):
            menus[-1][1].extend(items)  # neighbouring apps may share one menu (acts and payments)
        else:
            menus.append((group, items))
    return menus


def _visible(items: list[NavItem], user, path: str) -> list[dict]:
    visible = []
    for item in items:
        if effective_role(user) in item.roles:
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
        return "portal/home_public.html"
    return f"portal/home_{user.role}.html"
