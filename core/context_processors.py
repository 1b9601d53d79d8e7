from django.conf import settings

from core.navigation import nav_items


def portal(request):
    return {
        "nav_items": nav_items(getattr(request, "user", None)),
        "portal_environment": settings.ENVIRONMENT,
    }
