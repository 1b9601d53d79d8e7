"""The one way pages show a service's refusal (STYLE rule 4): on the form, or as a message."""

from __future__ import annotations

import logging

from csp.middleware import CSPMiddleware
from django.contrib import messages

from core.errors import DomainError

logger = logging.getLogger(__name__)


def error_text(error: DomainError) -> str:
    """The refusal in one line; a file's row errors follow with their line numbers (the first 20)."""
    lines = getattr(error, "lines", None)
    if callable(lines):
        return f"{error} " + "; ".join(lines()[:20])
    return str(error)


def form_add_domain_error(form, error: DomainError) -> None:
    """Put the refusal on the fields it concerns; what concerns no field of ``form`` goes on the form itself."""
    for field, texts in error.field_errors().items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def attempt(request, call, success: str | None = None) -> tuple[bool, object]:
    """Call a service; its refusal (or ``success``) becomes a message on the next page. Returns (ok, result)."""
    try:
        result = call()
    except DomainError as error:
        messages.error(request, error_text(error))
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def client_ip(request) -> str:
    """The client's address: the peer's, or the one ``TRUSTED_PROXY_COUNT`` proxies put in X-Forwarded-For.

    Used for sign-in throttling (django-axes) and the audit trail. Only the entry written by the
    nearest trusted proxy is believed; a client can write anything before it.
    """
    from django.conf import settings

    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or ""


RETRY_AFTER_SECONDS = 30


def database_outage_response(request, exception):
    """The answer to a request that lost the database (a restart, a network cut): 503 with ``Retry-After``.

    Its transaction was rolled back, so nothing of it was written; the client may send it again
    (with the same ``Idempotency-Key`` on the API). Django closes the broken connection when the
    request ends, and the next request opens a new one. The page needs no data (``503.html``).
    """
    from django.http import HttpResponse, JsonResponse
    from django.template.loader import render_to_string
    from django.utils.translation import gettext as _

    logger.error("database unavailable during %s %s: %s", request.method, request.path, exception)
    message = _("The portal cannot reach its database for a moment. Nothing was saved; try again in a minute.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": "unavailable", "message": message}}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    """A view (or its template) that loses the database answers ``database_outage_response``.

    What a middleware raises never reaches a ``process_exception``: Django turns it into the
    ``handler500`` answer, ``server_error`` below, which answers the same way. The two together cover
    the whole request path; this one also holds with ``DEBUG`` on, and in the test client.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from core.db import DATABASE_OUTAGE

        if not isinstance(exception, DATABASE_OUTAGE):
            return None
        return database_outage_response(request, exception)


def server_error(request, template_name="500.html"):
    """``handler500``: a database outage raised anywhere on the request path (a middleware reading the
    session, the user, the Idempotency-Key store …) is a 503 with ``Retry-After``; anything else is
    Django's own 500 page. Django calls it inside its ``except`` block, so the exception is at hand."""
    import sys

    from django.views.defaults import server_error as django_server_error

    from core.db import DATABASE_OUTAGE

    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_OUTAGE):
        return database_outage_response(request, exception)
    return django_server_error(request, template_name)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, whose ``connect-src`` also allows the addresses held by the settings
    named in ``CSP_CONNECT_SETTINGS``, read on every response (the signing widget talks to NCALayer
    on the user's own computer, at ``SIGNATURE_NCALAYER_URL``)."""

    def get_policy_parts(self, request, response, report_only=False):
        from django.conf import settings

        parts = super().get_policy_parts(request, response, report_only)
        extra = [value for value in (getattr(settings, name, "") for name in settings.CSP_CONNECT_SETTINGS) if value]
        if extra:
            update = dict(parts.update or {})
            update["connect-src"] = [*update.get("connect-src", []), *extra]
            parts.update = update
        return parts
