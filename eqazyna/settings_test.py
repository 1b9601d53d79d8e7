"""Test settings: the real PostgreSQL and Redis, kept apart from a running `make run`.

Tests use Redis database 1 and their own Celery queue, so a development worker never
takes a test's task (and the other way round).
"""

import os

os.environ.setdefault("EQAZYNA_REDIS_DB", "1")
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "eqazyna-test")
# Tests call the open API far more often than a person: its rate limit has its own test (tests/opendata).
os.environ.setdefault("OPEN_DATA_RATE", "100000/minute")

from eqazyna.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "eqazyna-test"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
