import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eqazyna.settings")

app = Celery("eqazyna")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
