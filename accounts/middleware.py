from __future__ import annotations

from django.http import HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse

from core.roles import READ_ONLY_ROLES

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class ReadOnlyRoleMiddleware:
    """A monitor reads everything and changes nothing: refuse every unsafe web request.

    Signing out, switching the language and revoking one's own API token change no portal data and
    stay allowed. (The API
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
            and not request.path.startswith(self._own_token_prefixes())
        ):
            return HttpResponseForbidden(render_to_string("403_read_only.html", request=request))
        return self.get_response(request)

    @staticmethod
    def _own_token_prefixes() -> tuple[str, ...]:
        from django.conf import settings
        from django.utils import translation

        prefixes = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                prefixes.append(reverse("accounts:profile") + "tokens/")
        return tuple(prefixes)

    @staticmethod
    def _allowed_paths() -> set[str]:
        from django.conf import settings
        from django.utils import translation

        paths = {reverse("set_language")}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                paths.add(reverse("accounts:logout"))
        return paths
