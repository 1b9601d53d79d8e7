"""The inbox, its unread badge (loaded into the navigation by HTMX) and the preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.decorators import own_settings_only
from core.pagination import keyset_page
from core.sorting import Sorting
from core.web import attempt
from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.texts import notification_link, notification_text

PAGE_SIZE = 50
MAX_ID = 2**63 - 1
# The inbox by date, newest (its own order) or oldest first: the index ``notification_inbox`` (user, -created_at, -id)
# read forwards or backwards for the one user.
INBOX_SORTING = Sorting({"created": ("created_at", "id")}, default="-created")


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    # An inbox grows with every event a user is told of, for years: paged by keyset (index notification_inbox).
    notifications, sort = INBOX_SORTING.apply(request, selectors.inbox(user=request.user, unread_only=unread_only))
    page = keyset_page(request, notifications, PAGE_SIZE, count=False)
    rows = [(n, notification_text(n), notification_link(n)) for n in page]
    return render(request, "notifications/inbox.html", {
        "page": page, "rows": rows, "unread_only": unread_only, "unread": selectors.unread_count(user=request.user),
        "sort": sort,
    })


@login_required
@require_GET
def unread_badge(request):
    """The navigation's unread count (an HTMX fragment, refreshed every minute)."""
    return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(user=request.user)})


@own_settings_only
@login_required
@require_POST
def mark_read(request, pk: int | None = None):
    ids = None
    if pk is not None:
        if not 0 < int(pk) <= MAX_ID:
            ids = []
        else:
            ids = [pk]
    services.notifications_mark_read(actor=request.user, ids=ids)
    if request.htmx:
        return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(user=request.user),
                                                              "oob": True})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:inbox")


@own_settings_only
@login_required
def preferences(request):
    rows = selectors.effective_preferences(user=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if form.is_valid():
            ok, _result = attempt(request, lambda: services.preferences_update(actor=request.user, choices=form.choices()),
                                  _("Your notification preferences are saved."))
            if ok:
                return redirect("notifications:preferences")
        else:
            messages.error(request, _("Check the choices below."))
    return render(request, "notifications/preferences.html", {"form": form, "has_email": bool(request.user.email)})
