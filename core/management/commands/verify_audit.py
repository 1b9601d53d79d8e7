"""Re-compute the audit hash chain and check it against its head and every published head.

Exits 0 printing ``audit chain intact: N events, head <sha256>``; otherwise exits 1 naming the
first event that was edited, deleted, inserted or reordered (or the published head that the
chain no longer matches).
"""

from django.core.management.base import BaseCommand

from core.audit_chain import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and its published heads."

    def handle(self, *args, **options):
        result = verify()
        if result.intact:
            self.stdout.write(result.summary())
            return
        self.stderr.write(result.summary())
        raise SystemExit(1)
