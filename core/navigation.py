"""Navigation per role: which links each role sees, and which home page it lands on.

Each app lists its entries in ``<app>/navigation.py`` (``ITEMS``); they are collected here
in the order of ``NAV_APPS``.
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
NAV_APPS = ["orders", "schools", "contingent", "checks", "payments"]


def navigation() -> list[NavItem]:
    from importlib import import_module

    items = [NavItem(_("Home"), "core:home", ALL_ROLES)]
    for app in NAV_APPS:
        items.extend(getattr(import_module(f"{app}.navigation"), "ITEMS", []))
    return items


def nav_items(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for item in navigation():
        if user.role in item.roles:
            url = item.url()
            if url:
                items.append({"label": item.label, "url": url, "name": item.url_name})
    return items


def home_template(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return "core/home_public.html"
    return f"core/home_{user.role}.html"
