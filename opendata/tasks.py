from celery import shared_task


@shared_task(name="opendata.tasks.publish_open_data", acks_late=True)
def publish_open_data(trigger: str = "nightly") -> dict:
    """Refresh the open data (public tables, OCDS releases, bulk files). Running it twice is safe."""
    from opendata.services import publication_refresh

    publication = publication_refresh(trigger=trigger)
    return {"publication": publication.pk, "counts": publication.counts}
