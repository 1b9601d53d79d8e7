from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.parsing import parse_date
from opendata.choices import PublicationTrigger


class Command(BaseCommand):
    help = ("Publish the open data now: rebuild the public tables, add the OCDS releases of what changed and write "
            "the bulk files (what the nightly job and payment registries do); print the rows per table.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day the contingent is counted on, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        from opendata.services import publication_refresh

        try:
            as_of = parse_date(options["date"], required=False)
        except ValueError as error:
            raise CommandError(_("--date: %(error)s") % {"error": error}) from error
        publication = publication_refresh(trigger=PublicationTrigger.COMMAND, as_of=as_of)
        for table, rows in publication.counts.items():
            self.stdout.write(f"{table} {rows}")
        self.stderr.write(f"open data publication #{publication.pk} as of {publication.as_of}: done")
