from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from demo import contingent, orders, payments, procurement, programmes, risk
from demo.schools import seed_schools
from demo.users import DEMO_PASSWORD, seed_users

# Builders whose seed(ctx) runs after the schools and the users, in this order.
BUILDERS = [contingent, orders, payments, procurement, programmes, risk]


class Command(BaseCommand):
    help = "Idempotently fill a realistic demo (schools, users of every role, …) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow in production (never on real data)")

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(_("seed_demo refuses to run in production without --force."))
        with transaction.atomic():
            schools = seed_schools()
            logins = seed_users(school_bin=schools[0].bin)
            ctx = {"schools": schools, "logins": logins, "password": DEMO_PASSWORD, "stdout": self.stdout}
            for builder in BUILDERS:
                builder.seed(ctx)
            # Work that needs every builder's rows (e.g. the checks, which read contracts too).
            for hook in ctx.get("after_seed", []):
                hook()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Logins (username / password / role):"))
        for username, role, password in logins:
            self.stdout.write(f"  {username:<20} {password:<12} {role}")
