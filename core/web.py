"""The one way pages show a service's refusal (STYLE rule 4): on the form, or as a message."""

from __future__ import annotations

from django.contrib import messages

from core.errors import DomainError


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
