import gc
import subprocess
import sys

import pytest
from django.core.signals import request_finished

from core import garbage


@pytest.fixture
def restore_collector():
    threshold = gc.get_threshold()
    yield
    request_finished.disconnect(dispatch_uid=garbage.DISPATCH_UID)
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restore_collector")
class TuneForRequestsTests:
    def test_it_freezes_what_is_loaded_and_raises_the_youngest_threshold(self, settings):
        settings.GC_TUNING = True
        assert garbage.tune_for_requests() is True
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == garbage.YOUNG_THRESHOLD

    def test_a_finished_request_leaves_no_cyclic_garbage_in_the_youngest_generation(self, settings, client):
        settings.GC_TUNING = True
        garbage.tune_for_requests()
        for _ in range(50):  # cyclic garbage, as a request leaves behind
            cycle = []
            cycle.append(cycle)
        del cycle
        assert gc.get_count()[0] >= 50
        client.get("/health/")
        assert gc.get_count()[0] < 50

    def test_it_can_be_switched_off(self, settings):
        settings.GC_TUNING = False
        before, frozen = gc.get_threshold(), gc.get_freeze_count()
        assert garbage.tune_for_requests() is False
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() == frozen


def test_the_wsgi_application_is_served_with_the_tuned_collector():
    code = ("import gc, eqazyna.wsgi; from core.garbage import YOUNG_THRESHOLD; "
            "assert gc.get_threshold()[0] == YOUNG_THRESHOLD and gc.get_freeze_count() > 0, gc.get_threshold()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
