from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.parsing import parse_date
from procurement.choices import FlagCode
from procurement.services import flags_search


class Command(BaseCommand):
    help = "Search the procurement red flags now (as the nightly task does) and print one line CODE COUNT per code, zeros included."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="judge as of this day (YYYY-MM-DD; default today)")

    def handle(self, *args, **options):
        try:
            as_of = parse_date(options.get("date"), required=False)
        except ValueError as error:
            raise CommandError(_("--date: %(problem)s.") % {"problem": error}) from None
        run = flags_search(actor=None, as_of=as_of)
        for code in FlagCode.values:
            self.stdout.write(f"{code} {run.counts.get(code, 0)}")
