from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.demo import DEMO_PASSWORD, seed_users
from schools.demo import seed_schools

# Apps whose demo.seed(ctx) runs after schools and users, in this order.
DEMO_APPS = ["checks", "contingent", "orders", "payments", "procurement"]


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
            for app in DEMO_APPS:
                import_module(f"{app}.demo").seed(ctx)
            # Work that needs every app's demo rows (e.g. the checks, which read contracts too).
            for hook in ctx.get("after_seed", []):
                hook()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Logins (username / password / role):"))
        for username, role, password in logins:
            self.stdout.write(f"  {username:<20} {password:<12} {role}")
