from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from checks.choices import CheckRunTrigger, FindingCode
from checks.runs import RunInProgress
from checks.services import check_run_now
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Run every check now against the latest (or the named) NOBD snapshot, with the same code as the "
        "nightly job; print one line 'CODE COUNT' per finding code (open findings of this run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--snapshot", type=int, help="id of the NOBD snapshot (default: the latest ready one)")

    def handle(self, *args, **options):
        from contingent.choices import SnapshotStatus
        from contingent.models import NobdSnapshot

        snapshot = None
        if options["snapshot"] is not None:
            snapshot = NobdSnapshot.objects.filter(pk=options["snapshot"]).first()
            if snapshot is None:
                raise CommandError(_("No NOBD snapshot with id %(id)s.") % {"id": options["snapshot"]})
            if snapshot.status != SnapshotStatus.READY:
                raise CommandError(_("NOBD snapshot %(id)s is not ready (status: %(status)s).")
                                   % {"id": snapshot.pk, "status": snapshot.get_status_display()})
        try:
            run = check_run_now(trigger=CheckRunTrigger.COMMAND, snapshot=snapshot)
        except RunInProgress as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for code in FindingCode.values:
            self.stdout.write(f"{code} {run.counts.get(code, 0)}")
        self.stderr.write(f"check run #{run.pk} on {run.check_date}: done")
