"""The user's own page: who they are, and their API tokens with a button to revoke each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services import api_token_revoke, api_tokens_of
from core.decorators import own_settings_only
from core.web import attempt


@login_required
@require_GET
def profile(request):
    return render(request, "accounts/profile.html", {"tokens": api_tokens_of(user=request.user)})


@own_settings_only
@login_required
@require_POST
def token_revoke(request, token_key: str):
    ok, count = attempt(request, lambda: api_token_revoke(user=request.user, token_key=token_key, actor=request.user))
    if ok:
        if count:
            messages.success(request, _("The API token %(key)s is revoked; it no longer works.") % {"key": token_key})
        else:
            messages.error(request, _("You have no token %(key)s.") % {"key": token_key})
    return redirect("accounts:profile")
