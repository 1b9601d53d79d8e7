from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        logger.warning("health: database check failed: %s", exc)
        return str(exc) or exc.__class__.__name__
    return None


def _check_broker() -> str | None:
    import redis
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith("redis+socket://"):
            path = url[len("redis+socket://"):].split("?", 1)[0]
            client = redis.Redis(unix_socket_path=path, socket_timeout=2, socket_connect_timeout=2)
        else:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        logger.warning("health: broker check failed: %s", exc)
        return str(exc) or exc.__class__.__name__
    return None


@never_cache
@require_safe
def health(request):
    """200 when PostgreSQL and Redis answer; 503 naming the part that failed."""
    checks = {"database": _check_database(), "redis": _check_broker()}
    failed = sorted(name for name, error in checks.items() if error)
    body = {
        "status": "ok" if not failed else "fail",
        "checks": {name: ("ok" if error is None else "fail") for name, error in checks.items()},
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=200 if not failed else 503)
