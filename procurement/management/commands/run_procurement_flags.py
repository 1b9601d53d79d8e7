import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procurement.choices import FlagCode
from procurement.services import flags_search


class Command(BaseCommand):
    help = "Search the procurement red flags now (as the nightly task does) and print one line CODE COUNT per code, zeros included."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="judge as of this day (YYYY-MM-DD; default today)")

    def handle(self, *args, **options):
        as_of = None
        if options.get("date"):
            try:
                as_of = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(_("“%(value)s” is not a date in the form YYYY-MM-DD") % {"value": options["date"]}) from None
        run = flags_search(actor=None, as_of=as_of)
        for code in FlagCode.values:
            self.stdout.write(f"{code} {run.counts.get(code, 0)}")
