"""The web server's settings, one home for every way the portal is served by gunicorn.

gunicorn reads this file from the working directory by itself: ``docker-compose.yml``'s ``web``
service and the benchmarks (``bench.contingent_api.servers``) both run ``gunicorn eqazyna.wsgi``
from the repository root.

Workers are synchronous processes. A request spends much of its time waiting for PostgreSQL, so
one worker per core leaves the cores idle while requests queue; gunicorn's guidance is
``2 × cores + 1``. ``WEB_CONCURRENCY`` overrides it (gunicorn's own variable).
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
timeout = int(os.environ.get("WEB_TIMEOUT") or 120)  # seconds; large imports run in Celery, never here
# Restart a worker now and then so that a slow leak cannot grow without bound, after 2,000 to 4,000
# requests. The workers share the load evenly, so a narrow jitter made them all restart within the
# same few seconds (seen under load: five restarts in three seconds, each worker loading the portal
# again while the requests queued); a jitter as wide as the count spreads the restarts.
max_requests = 2000
max_requests_jitter = 2000
