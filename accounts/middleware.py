from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.decorators import resolve_model
from core.roles import READ_ONLY_ROLES
from core.scoping import effective_role, may

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class ReadOnlyRoleMiddleware:
    """A monitor reads everything and changes nothing: refuse every unsafe web request…

    …except to a page whose action the one permission decision lets a monitor take (a view marked by
    ``core.decorators.permission_required`` with an action ``core.scoping.MONITOR_ACTIONS`` lists),
    to the pages that change only the user's own settings (``core.decorators.own_settings_only``: the
    inbox, notification preferences, revoking one's own API token), and signing out and switching the language, which change no
    data of the portal. (The API asks the same decision in ``accounts.permissions.PortalPermission``;
    the inbox API lets every signed-in user mark their own notifications.)
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
            and not self._own_settings_only(request)
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


REFRESHED = "_refreshed"  # in the session: when its idle count last started again (seconds since the epoch)


class SessionRefreshMiddleware:
    """The idle timeout without a database write on every request.

    A session expires ``SESSION_COOKIE_AGE`` (the idle timeout) after it was last saved. Saving it on
    every request (Django's ``SESSION_SAVE_EVERY_REQUEST``) costs an UPDATE and a commit per page
    view. Here a signed-in user's session is saved again only when ``SESSION_REFRESH_SECONDS`` have
    passed since it last was: the idle count restarts at most that much before the last request, so
    a session may end up to a minute early, never late.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and getattr(request, "user", None) is not None \
                and request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            if now - int(session.get(REFRESHED, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED] = now  # marks the session modified: SessionMiddleware saves it, expiry restarted
        return response
