from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from contingent.management.commands._output import fail_with
from contingent.services.imports import contingent_import
from core.errors import DomainError
from programmes.choices import BeneficiaryKind


class Command(BaseCommand):
    help = (
        "Load a contingent CSV (iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category). "
        "With --school BIN the file is that school's; without it the file has a last column school_bin and may "
        "cover many schools. Rows are upserted by school, IIN and enrolled_on; all or nothing. "
        "--kind resident|scholarship_holder|grant_holder loads another programme's beneficiaries (the columns of "
        "that instrument: no grade; scholarship holders +category, grant holders +specialty_group)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV (or XLSX) file")
        parser.add_argument("--school", metavar="BIN", help="BIN of the school whose contingent the file is")
        parser.add_argument("--kind", default=BeneficiaryKind.PUPIL, choices=BeneficiaryKind.values,
                            help="the beneficiaries of the file (default: pupil)")

    def handle(self, *args, **options):
        from schools.models import School

        school = None
        if options["school"]:
            school = School.objects.filter(bin=options["school"].strip()).first()
            if school is None:
                raise CommandError(_("no school with BIN %(bin)s in the portal") % {"bin": options["school"]})
        try:
            record = contingent_import(source=options["file"], school=school, kind=options["kind"])
        except DomainError as error:
            fail_with(self, error)
        summary = record.summary
        self.stdout.write(
            f"rows {summary['rows']} schools {summary['schools']} "
            f"pupils added {summary['pupils_added']} updated {summary['pupils_updated']} "
            f"enrolments added {summary['enrolments_added']} updated {summary['enrolments_updated']} "
            f"unchanged {summary['unchanged_enrolments']}"
        )
