import pytest
from django.conf import settings

from procurement.models import FlagRun
from procurement.tasks import search_flags


@pytest.mark.django_db
class NightlySearchTests:
    def test_beat_starts_the_search_every_night_and_the_task_records_a_search(self):
        entry = settings.CELERY_BEAT_SCHEDULE["procurement-red-flags"]
        assert entry["task"] == search_flags.name == "procurement.tasks.search_flags"
        run_id = search_flags()
        assert FlagRun.objects.get(pk=run_id).finished_at is not None
