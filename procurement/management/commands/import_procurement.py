from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.web import error_text
from procurement.services import procurement_import


class Command(BaseCommand):
    help = (
        "Load procurement contracts from a CSV or XLSX file (contract_number,signed_on,supplier_bin,supplier_name,item_code,"
        "item_name,unit_price,school_bin,quantity,delivery_due,warranty_months,software): rows upserted by contract, item and "
        "school; all rows or none; every bad row is printed with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file")

    def handle(self, *args, **options):
        try:
            result = procurement_import(source=options["file"], actor=None)
        except DomainError as exc:
            lines = exc.lines() if callable(getattr(exc, "lines", None)) else []
            for line in lines:
                self.stderr.write(line)
            raise CommandError(str(exc) if lines else error_text(exc)) from None
        self.stdout.write(result.summary())
        self.stdout.write(f"sha256 {result.sha256}")
