import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from contingent.management.commands._output import fail_with
from contingent.services.nobd import nobd_import
from core.errors import DomainError
from core.parsing import parse_date


def _date(value: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError as error:
        raise CommandError(_("--date: %(problem)s.") % {"problem": error}) from None


class Command(BaseCommand):
    help = (
        "Load an NOBD snapshot (CSV: iin,last_name,first_name,middle_name,birth_date,school_bin,grade,"
        "enrolled_on,left_on) taken on --date (default today); all or nothing. Prints the snapshot id, "
        "its row count and the file's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument("--date", type=_date, default=None, help="date the snapshot was taken, YYYY-MM-DD (default today)")

    def handle(self, *args, **options):
        taken_on = options["date"] or timezone.localdate()
        try:
            snapshot = nobd_import(path=options["file"], taken_on=taken_on)
        except DomainError as error:
            fail_with(self, error)
        self.stdout.write(f"snapshot {snapshot.pk} rows {snapshot.row_count} sha256 {snapshot.sha256}")
