import secrets
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.services import user_upsert
from core.errors import DomainError
from core.roles import Role


class Command(BaseCommand):
    help = ("Create or update a portal user with one role (a department needs --region, a school --school); "
            "--iin records the person's IIN, --org-bin the BIN of a department user's department.")
    stealth_options = ("stdin",)  # lets tests pass a stream instead of the process's standard input

    def add_arguments(self, parser):
        parser.add_argument("name", help="login name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", help="two-digit KATO region code (department users)")
        parser.add_argument("--school", help="school BIN (school users)")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="", help="the person's first name (pages name people, never logins)")
        parser.add_argument("--last-name", default="", help="the person's last name")
        parser.add_argument("--position", default="", help="the person's position in the organisation")
        parser.add_argument("--iin", help="the person's IIN (12 digits): signing certificates must carry it")
        parser.add_argument("--org-bin", help="BIN of the region's education department (department users): "
                                              "shared by all users of that department")

    def handle(self, *args, **options):
        password = None
        generated = False
        if options["password_stdin"]:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("--password-stdin was given but standard input holds no password."))
        try:
            user, created = user_upsert(
                username=options["name"],
                role=options["role"],
                region_code=options["region"],
                school_bin=options["school"],
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                position=options["position"],
                iin=options["iin"],
                org_bin=options["org_bin"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if created and password is None:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            generated = True
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} user {user.username} ({user.role})")
        if generated:
            self.stdout.write(f"password: {password}")
