import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eqazyna.settings")
application = get_wsgi_application()

# After the portal is loaded (gunicorn imports this module in each worker): core.garbage.
from core.garbage import tune_for_requests  # noqa: E402

tune_for_requests()
