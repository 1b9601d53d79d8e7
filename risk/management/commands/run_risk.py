from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from contingent.choices import SnapshotStatus
from contingent.models import NobdSnapshot
from core.errors import DomainError
from risk.choices import RiskCode, RiskRunTrigger
from risk.engine import risk_run_now


class Command(BaseCommand):
    help = ("Compute the risk flags R01–R05 now on the latest (or the named) NOBD snapshot, with the same code as the "
            "nightly pipeline; print one line 'CODE COUNT' per risk code (open flags of this run).")

    def add_arguments(self, parser):
        parser.add_argument("--snapshot", type=int, help="id of the NOBD snapshot (default: the latest ready one)")

    def handle(self, *args, **options):
        if options["snapshot"] is not None:
            snapshot = NobdSnapshot.objects.filter(pk=options["snapshot"]).first()
            if snapshot is None:
                raise CommandError(_("No NOBD snapshot with id %(id)s.") % {"id": options["snapshot"]})
        else:
            snapshot = NobdSnapshot.objects.filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id").first()
            if snapshot is None:
                raise CommandError(_("No NOBD snapshot is loaded yet; load one with nobd_import."))
        try:
            run = risk_run_now(snapshot=snapshot, trigger=RiskRunTrigger.COMMAND)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for code in RiskCode.values:
            self.stdout.write(f"{code} {run.counts.get(code, 0)}")
        self.stderr.write(f"risk run #{run.pk} on {run.check_date}: done")
