from __future__ import annotations

from django.http import HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse

from core.roles import READ_ONLY_ROLES

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class ReadOnlyRoleMiddleware:
    """A monitor reads everything and changes nothing: refuse every unsafe web request.

    Signing out, switching the language and the pages that change only the user's own settings
    (``core.decorators.own_settings_only``: the inbox, notification preferences) stay allowed. (The API
    applies the same rule in ``PortalPermission``, after token authentication.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method not in SAFE_METHODS
            and user is not None
            and user.is_authenticated
            and user.role in READ_ONLY_ROLES
            and not request.path.startswith("/api/")
            and request.path not in self._allowed_paths()
            and not self._own_settings_only(request)
        ):
            return HttpResponseForbidden(render_to_string("403_read_only.html", request=request))
        return self.get_response(request)

    @staticmethod
    def _own_settings_only(request) -> bool:
        """A page marked ``core.decorators.own_settings_only`` changes only the user's own settings."""
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return getattr(match.func, "changes_own_settings_only", False)

    @staticmethod
    def _allowed_paths() -> set[str]:
        from django.conf import settings
        from django.utils import translation

        paths = {reverse("set_language")}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                paths.add(reverse("accounts:logout"))
        return paths
