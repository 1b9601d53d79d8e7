"""Celery tasks of the oversight app."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="oversight.tasks.notify_case_step", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def notify_case_step(case_id: int, step: str, question_id: int | None = None) -> int:
    """E-mail the people concerned by one step of a monitoring case (retried while the mail server is down)."""
    from oversight.notifications import send_case_step

    return send_case_step(case_id=case_id, step=step, question_id=question_id)
