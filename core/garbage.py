"""Python's cyclic garbage collector, tuned for a process that serves requests.

A request leaves thousands of objects in reference cycles behind it (model instances and their
prefetched relations point at each other, a DRF serializer and its fields do): about 6,200 for a
50-row page of contracts. With Python's default thresholds (700, 10, 10) the collector runs several
times *during* each request, while those objects are still in use, so they are promoted to the
oldest generation; there they wait for a full collection, which then visits every object of the
process (≈ 170,000 after start-up) and frees the garbage of a dozen requests at once: 100–200 ms
inside one unlucky request, about one in ten (``docs/operations.md``, "Garbage collection between
requests"). So, once per serving process, after the portal is loaded:

* ``gc.freeze()`` moves everything loaded so far (modules, classes, URL patterns, translations) to
  the permanent generation, which collections no longer visit;
* the youngest generation holds up to ``YOUNG_THRESHOLD`` objects before a collection, so that a
  request's objects normally stay young while it runs;
* when a request has finished (Django's ``request_finished``: after the response was sent) the
  youngest generation is collected, while the request's garbage is young and cheap to free.

``eqazyna.wsgi`` calls :func:`tune_for_requests` (gunicorn imports it in each worker), and so does
``bench_web``, which measures the portal as it is served. ``GC_TUNING=0`` leaves Python's defaults.
"""

from __future__ import annotations

import gc

from django.conf import settings
from django.core.signals import request_finished

YOUNG_THRESHOLD = 20_000
DISPATCH_UID = "core.garbage.collect_young"


def collect_young(**kwargs) -> None:
    """Free the finished request's cyclic garbage while it is still in the youngest generation."""
    gc.collect(0)


def tune_for_requests() -> bool:
    """Freeze what is loaded, raise the youngest threshold and collect after each request (once per
    process; calling it again changes nothing more). Returns whether the tuning is on."""
    if not settings.GC_TUNING:
        return False
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    request_finished.connect(collect_young, dispatch_uid=DISPATCH_UID, weak=False)
    return True
