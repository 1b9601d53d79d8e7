from django.conf import settings

from core.context_processors import language_links
from portal.navigation import nav_items, nav_menus


def portal(request):
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {
        "nav_items": nav_items(user, path),
        "nav_menus": nav_menus(user, path),
        "portal_environment": settings.ENVIRONMENT,
        "language_links": language_links(request),
    }
