"""The one state change of the open data: a publication (refresh of the public tables, OCDS, files).

``publication_refresh`` rebuilds every public table from the portal's data in one transaction
(readers see the previous publication until it commits), adds the OCDS releases of what changed,
writes the bulk files, and records an audit event. It runs after the nightly checks, after each
payment registry and bank confirmation (``opendata.receivers`` → ``opendata.tasks``), and by hand
(``publish_open_data``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from core.locks import AdvisoryLock
from core.outbox import enqueue
from core.scoping import require
from core.services import audit_record
from opendata.build import build_all
from opendata.choices import PublicationStatus
from opendata.files import files_prune, files_write
from opendata.models import BulkFile, Publication
from opendata.ocds.releases import releases_refresh

logger = logging.getLogger(__name__)

PUBLICATION_LOCK = AdvisoryLock(7_301_202_515, "one open-data publication at a time (opendata.services)")
KEEP_PUBLICATIONS = 3  # file directories of the latest succeeded publications kept on disk


def publication_refresh(*, trigger: str, actor=None, as_of: dt.date | None = None) -> Publication:
    """Publish the open data as of ``as_of`` (default today). A failure is recorded, then raised."""
    as_of = as_of or timezone.localdate()
    try:
        publication = _publish(trigger=trigger, actor=actor, as_of=as_of)
    except Exception as error:
        Publication.objects.create(as_of=as_of, trigger=trigger, status=PublicationStatus.FAILED,
                                   finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:4000])
        raise
    keep = set(Publication.objects.filter(status=PublicationStatus.SUCCEEDED).values_list("id", flat=True)[:KEEP_PUBLICATIONS])
    files_prune(keep)
    return publication


@transaction.atomic
def _publish(*, trigger: str, actor, as_of: dt.date) -> Publication:
    require(actor, "publish", Publication)  # the system (the command, the tasks)
    PUBLICATION_LOCK.acquire_for_transaction()
    publication = Publication.objects.create(as_of=as_of, trigger=trigger, status=PublicationStatus.RUNNING)
    counts = build_all(as_of=as_of)
    counts["ocds_releases_added"] = releases_refresh()
    BulkFile.objects.bulk_create(files_write(publication))
    now = timezone.now()
    spec = Publication.TRANSITIONS["publish"]
    publication.counts, publication.status, publication.finished_at, publication.files_at = counts, spec.target, now, now
    publication.save(update_fields=["counts", "status", "finished_at", "files_at"])
    audit_record(actor=actor, action=spec.event, subject=publication, from_status=spec.sources[0],
                 to_status=spec.target, data={"as_of": as_of, "trigger": trigger, "counts": counts})
    logger.info("open data published: #%s as of %s %s", publication.pk, as_of, counts)
    return publication


def publication_enqueue(*, trigger: str) -> None:
    """After the current transaction commits, publish in a worker (``opendata.tasks.publish_open_data``)."""
    from opendata.tasks import publish_open_data

    enqueue(publish_open_data, trigger)
