"""Navigation per role: which links each role sees, and which home page it lands on.

Each app lists its entries in ``<app>/navigation.py`` (``GROUP``, its menu's label, and
``ITEMS`` of ``core.navigation.NavItem``); they are collected here into the few menus of
``NAV_MENUS``, each app's entries under its group's heading. The navigation bar shows one menu per
entry of ``NAV_MENUS`` (a plain link when the role sees only one of its entries).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

# The bar's menus: each groups the entries of a few apps (under the app's own heading in the dropdown),
# so that the bar fits on one line at 1280 px in Kazakh, Russian and English for every role.
# The menus' labels are short forms of their own (context "navigation menu"): "Мемтапсырыс", "Госзаказ".
NAV_MENUS = [
    (pgettext_lazy("navigation menu", "State order"), [programmes_navigation, orders_navigation]),
    (pgettext_lazy("navigation menu", "Schools"), [schools_navigation, contingent_navigation, checks_navigation]),
    (pgettext_lazy("navigation menu", "Acts and payments"), [acts_navigation, payments_navigation, procurement_navigation]),
    (pgettext_lazy("navigation menu", "Control"), [signatures_navigation, risk_navigation, oversight_navigation,
                                                   opendata_navigation]),
]
NAV_APPS = [module for _label, modules in NAV_MENUS for module in modules]


HOME = NavItem(_("Home"), "portal:home", ALL_ROLES)


def navigation() -> list[tuple[str, list[tuple[str, list[NavItem]]]]]:
    """(menu label, [(section label, entries)]) per menu; a section is an app's ``GROUP`` (neighbouring
    apps with the same group share one section: acts and payments)."""
    menus = []
    for label, modules in NAV_MENUS:
        sections: list[tuple[str, list[NavItem]]] = []
        for module in modules:
            group, items = getattr(module, "GROUP", ""), list(getattr(module, "ITEMS", []))
            if sections and str(sections[-1][0]) == str(group):
                sections[-1][1].extend(items)
            else:
                sections.append((group, items))
        menus.append((label, sections))
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
    """The menus ``user`` sees: {label, items, sections: [{label, items}], active}; a menu is active when
    one of its pages is open."""
    if not getattr(user, "is_authenticated", False):
        return []
    menus = []
    for label, sections in navigation():
        shown = [{"label": section, "items": items} for section, entries in sections
                 if (items := _visible(entries, user, path))]
        visible = [item for section in shown for item in section["items"]]
        if visible:
            active = any(path.startswith(item["url"]) for item in visible)  # entries live under /<lang>/<app>/
            menus.append({"label": label, "items": visible, "sections": shown, "active": active})
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
