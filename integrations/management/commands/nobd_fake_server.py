from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.parsing import parse_date
from integrations.nobd.fake_server import make_server


class Command(BaseCommand):
    help = ("Serve an NOBD snapshot CSV over the NOBD HTTP API (paginated JSON, bearer token) on loopback, "
            "for development and tests. Point NOBD_TRANSPORT=http and NOBD_URL at it.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="snapshot CSV in the NOBD format")
        parser.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8765, help="port (0 = any free port; default 8765)")
        parser.add_argument("--date", default=None, help="date the snapshot was taken, YYYY-MM-DD (default today)")
        parser.add_argument("--token", default="", help="bearer token to require (default: none)")
        parser.add_argument("--fail-every", type=int, default=0, help="answer 503 to every n-th request")
        parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each page")

    def handle(self, *args, **options):
        try:
            taken_on = parse_date(options["date"], required=False) or timezone.localdate()
            server = make_server(path=Path(options["file"]), taken_on=taken_on, host=options["host"], port=options["port"],
                                 token=options["token"], fail_every=options["fail_every"], delay=options["delay"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        host, port = server.server_address[:2]
        self.stdout.write(f"NOBD fake server on http://{host}:{port} (snapshot {taken_on}, {server.snapshot.rows} rows)")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
