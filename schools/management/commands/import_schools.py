from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from integrations.registers import FileTransport
from schools.choices import ChangeSource, RegisterKind
from schools.management.importing import run_import


class Command(BaseCommand):
    help = (
        "Load schools from a CSV or XLSX file (bin,name_kk,name_ru,region_kato,address,oked,capacity,iban): "
        "upsert by BIN, all rows or none; every bad row is printed with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file")

    def handle(self, *args, **options):
        try:
            transport = FileTransport(options["file"], kind=ChangeSource.IMPORT)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        run_import(self, kind=RegisterKind.SCHOOLS, transport=transport)
