"""Background work of procurement: the nightly search for red flags (Celery beat, PROCUREMENT_FLAGS_CRONTAB)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="procurement.tasks.search_flags")
def search_flags() -> int:
    from procurement.services import flags_search

    return flags_search(actor=None).pk
