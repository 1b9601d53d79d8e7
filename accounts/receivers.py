"""Sign-ins, sign-outs and failed sign-ins, from Django's signals, into the audit trail and the log.

Django sends ``user_login_failed`` from ``authenticate`` for the sign-in page and the token
endpoint alike, so every failure is recorded once, with the username tried and the address.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.services import sign_in_failure_record, sign_in_record, sign_out_record


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def signed_in(sender, request, user, **kwargs):
    sign_in_record(user=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.signed_out")
def signed_out(sender, request, user, **kwargs):
    sign_out_record(user=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    sign_in_failure_record(username=(credentials or {}).get("username", ""), request=request,
                           locked_out=bool(getattr(request, "axes_locked_out", False)))
