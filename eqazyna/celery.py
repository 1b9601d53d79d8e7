import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eqazyna.settings")

# Every task skips a delivery the outbox already saw carried out (core/outbox.py).
app = Celery("eqazyna", task_cls="core.outbox:OutboxAwareTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
