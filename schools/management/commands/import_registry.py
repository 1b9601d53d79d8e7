from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.errors import DomainError
from integrations.registers import FileTransport
from integrations.registers.licences import licence_register_http
from integrations.registers.rnu import rnu_register_http
from schools.choices import ChangeSource, RegisterKind
from schools.management.importing import run_import

REGISTERS = {"licences": RegisterKind.LICENCES, "rnu": RegisterKind.RNU}


class Command(BaseCommand):
    help = (
        "Load the licence register (bin,licence_number,issued_on,levels,status) or the register of unreliable "
        "suppliers (bin,included_on,reason[,excluded_on]) from a CSV or XLSX file, or with --http from the "
        "register's web service: upsert, all rows or none; every bad row is printed with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("register", choices=sorted(REGISTERS), help="licences or rnu")
        parser.add_argument("file", nargs="?", help="CSV (UTF-8) or XLSX file")
        parser.add_argument(
            "--http", action="store_true",
            help="read the register's web service (LICENCE_REGISTER_URL / RNU_REGISTER_URL) instead of a file",
        )

    def handle(self, *args, **options):
        kind = REGISTERS[options["register"]]
        if bool(options["file"]) == bool(options["http"]):
            raise CommandError(_("Give either a FILE or --http."))
        try:
            if options["http"]:
                transport = licence_register_http() if kind == RegisterKind.LICENCES else rnu_register_http()
            else:
                transport = FileTransport(options["file"], kind=ChangeSource.IMPORT)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        run_import(self, kind=kind, transport=transport)
