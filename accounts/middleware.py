from __future__ import annotations

from django.http import HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse

from core.decorators import resolve_model
from core.roles import READ_ONLY_ROLES
from core.scoping import effective_role, may

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class ReadOnlyRoleMiddleware:
    """A monitor reads everything and changes nothing: refuse every unsafe web request…

    …except to a page whose action the one permission decision lets a monitor take (a view marked by
    ``core.decorators.permission_required`` with an action ``core.scoping.MONITOR_ACTIONS`` lists),
    and signing out, switching the language and revoking one's own API token, which change no
    portal data. (The API asks the same
    decision in ``accounts.permissions.PortalPermission``.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            request.method not in SAFE_METHODS
            and effective_role(user) in READ_ONLY_ROLES
            and not request.path.startswith("/api/")
            and request.path not in self._allowed_paths()
            and not request.path.startswith(self._own_token_prefixes())
            and not self._monitor_may(user, view_func)
        ):
            return HttpResponseForbidden(render_to_string("403_read_only.html", request=request))
        return None

    @staticmethod
    def _monitor_may(user, view_func) -> bool:
        declared = getattr(view_func, "permission", None)
        if declared is None:
            return False
        model, action = declared
        return may(user, action, resolve_model(model))

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
