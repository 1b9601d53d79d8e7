"""Publish the audit chain head now (or of a past day) and seal it when a timestamp authority is set."""

from django.core.management.base import BaseCommand, CommandError

from core.parsing import parse_date
from core.services import audit_head_publish, audit_head_seal


class Command(BaseCommand):
    help = "Publish the audit chain head (now, or at the end of --date) and timestamp it when AUDIT_TSA_URL is set."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="publish the head as it stood at the end of this day (YYYY-MM-DD)")

    def handle(self, *args, **options):
        try:
            day = parse_date(options["date"] or "", required=False)
        except ValueError as error:
            raise CommandError(f"--date: {error}") from None
        published = audit_head_publish(day=day)
        if published is None:
            raise CommandError("the audit trail is empty: nothing to publish")
        sealed = audit_head_seal(published=published)
        state = "sealed" if sealed else ("not sealed: " + published.tsa_error if published.tsa_error else "not sealed")
        self.stdout.write(f"published head {published.day} seq {published.seq} {published.hash} ({state})")
