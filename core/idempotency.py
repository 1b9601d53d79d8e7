"""``Idempotency-Key`` on every write action of the API (issue 11).

A client that is not sure its request arrived (a time-out, a dropped connection) sends it again
with the same ``Idempotency-Key`` header, and the portal acts at most once:

* a replay (same caller, same key, same request) answers the first response again, byte for byte,
  with ``Idempotent-Replayed: true``; the view does not run and no row is written;
* the same key with a different request (another path or another body) is a 422;
* a duplicate that arrives while the first is still being handled is a 409.

Keys belong to the caller: the store is keyed by user and key, so one user's key never answers
another user's request. Requests without the header, anonymous requests (sign-in: its answer holds
a secret token that is never stored) and reads pass through untouched.

The store and its atomic "first one wins" decision are drf-idempotency's database backend (a
unique key, so concurrent duplicates cannot both win). What this module adds: the caller scope, a
fingerprint that does not depend on how a client encodes the same request (JSON key order, the
multipart boundary; uploaded files are hashed in chunks, never read whole into memory), and
translated errors in the API's error format.

A completed answer (any status below 500) is kept for ``IDEMPOTENCY_TTL_HOURS``; a 5xx is not kept,
so the client may retry it. The claim of a request in progress lapses after
``IDEMPOTENCY_LOCK_SECONDS`` (longer than any request may run), when its process died with it.
Expired records are deleted by ``manage.py cleanup_expired_idempotency_keys``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_idempotency.core import get_backend
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from core.db import DATABASE_OUTAGE

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PUT", "PATCH"})
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._~:-]{1,200}$")
NOT_STORED_HEADERS = frozenset({"content-length", "connection", "set-cookie"})
CHUNK = 1024 * 1024


class IdempotencyMiddleware:
    """Replays, refuses or passes on an API write that carries an ``Idempotency-Key`` (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return error(400, "invalid_idempotency_key", _(
                "The Idempotency-Key header must be 1 to 200 letters, digits or the characters . _ ~ : -"))
        user = caller(request)
        if user is None:
            return self.get_response(request)
        stored_key = f"{user.pk}:{key}"
        fingerprint = request_fingerprint(request)
        backend = get_backend()
        claim = backend.acquire_or_get(stored_key, fingerprint, lock_ttl=timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS))
        if not claim.acquired:
            first = claim.existing
            if first.fingerprint != fingerprint:
                return error(422, "idempotency_key_reused", _(
                    "This Idempotency-Key was already used for a different request. Use a new key for a new request."))
            if first.status != "completed":
                return error(409, "idempotency_key_in_progress", _(
                    "A request with this Idempotency-Key is still being handled. Wait for it, then retry."))
            return replay(first, key)
        try:
            response = self.get_response(request)
        except BaseException:
            release(backend, stored_key)
            raise
        if isinstance(response, StreamingHttpResponse) or response.status_code >= 500:
            release(backend, stored_key)  # nothing to replay: a retry runs again
        else:
            backend.complete(stored_key, status_code=response.status_code, body=response.content,
                             headers={name: value for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS},
                             ttl=timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS))
        response[HEADER] = key
        response[REPLAYED_HEADER] = "false"
        return response


def release(backend, stored_key: str) -> None:
    """Forget the claim so that a retry runs; with the database away, it lapses after IDEMPOTENCY_LOCK_SECONDS."""
    try:
        backend.fail(stored_key)
    except DATABASE_OUTAGE:
        logger.warning("Idempotency-Key %s not released (database unavailable); it lapses by itself", stored_key)


def caller(request):
    """The user the API will see for this request (token or session), or ``None`` when anonymous or refused."""
    try:
        user = Request(request, authenticators=[auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]).user
    except exceptions.APIException:
        return None  # the view refuses it the same way, and there is nothing to remember
    return user if user.is_authenticated else None


def request_fingerprint(request) -> str:
    """SHA-256 of the method, the path, the query and the content, independent of how the content is encoded."""
    digest = hashlib.sha256()
    digest.update(f"{request.method}\n{request.path}\n{request.META.get('QUERY_STRING', '')}\n".encode())
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # Parsed by Django (files to temporary files past FILE_UPLOAD_MAX_MEMORY_SIZE); DRF reuses the parse.
        digest.update(json.dumps(sorted((name, request.POST.getlist(name)) for name in request.POST)).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"\nfile {name} {upload.name} {upload.size}\n".encode())
                for chunk in upload.chunks(CHUNK):
                    digest.update(chunk)
                upload.seek(0)
        return digest.hexdigest()
    body = request.body
    if content_type == "application/json":
        try:
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass  # not JSON after all: the raw bytes, and the view says what is wrong
    digest.update(body)
    return digest.hexdigest()


def replay(first, key: str) -> HttpResponse:
    response = HttpResponse(first.response_body or b"", status=first.response_status_code)
    for name, value in (first.response_headers or {}).items():
        response[name] = value
    response[HEADER] = key
    response[REPLAYED_HEADER] = "true"
    return response


def error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)
