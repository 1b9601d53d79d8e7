import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from acts.choices import LineDecision
from core.models import AuditEvent
from opendata import models as public
from opendata.choices import Grain, Mark, OpenDataEvent, PublicationStatus
from opendata.services import publication_refresh
from orders.choices import ContractStatus
from tests.opendata.conftest import AS_OF


@pytest.mark.django_db
class PublicationTests:
    def test_a_publication_fills_every_public_table_and_is_audited(self, published):
        publication = published["publication"]
        assert publication.status == PublicationStatus.SUCCEEDED
        assert publication.counts["schools"] == public.PublicSchool.objects.count() >= 2
        assert public.PublicContract.objects.count() == 3 and public.PublicPayment.objects.count() == 3
        event = AuditEvent.objects.get(action=OpenDataEvent.PUBLISHED, object_id=str(publication.pk))
        assert event.actor is None and event.data["counts"]["contracts"] == 3

    def test_a_school_with_seven_pupils_shows_them_its_small_level_reads_under_five_and_the_other_is_withheld(
            self, published, school_a):
        figures = {f.level: f for f in public.ContingentFigure.objects.filter(school_id=school_a.pk)}
        assert (figures[""].pupils, figures[""].pupils_mark) == (7, Mark.SHOWN)
        assert (figures["basic"].pupils, figures["basic"].pupils_mark) == (None, Mark.SMALL)
        # 7 less the primary's 5 would tell the basic's 2: the primary is withheld too, its value not stored.
        assert (figures["primary"].pupils, figures["primary"].pupils_mark) == (None, Mark.WITHHELD)

    def test_the_tree_of_pupils_adds_up_and_a_small_school_takes_its_neighbour_down_with_it(
            self, published, school_a, school_b, school_c):
        region = public.ContingentFigure.objects.get(grain=Grain.REGION, region_id=school_a.region_id)
        country = public.ContingentFigure.objects.get(grain=Grain.COUNTRY)
        almaty = public.ContingentFigure.objects.get(grain=Grain.REGION, region_id=school_b.region_id)
        assert (region.pupils, almaty.pupils, country.pupils) == (7, 8, 15)
        small, neighbour = (public.ContingentFigure.objects.get(school_id=school.pk, level="") for school in (school_b, school_c))
        assert (small.pupils, small.pupils_mark) == (None, Mark.SMALL)
        assert (neighbour.pupils, neighbour.pupils_mark) == (None, Mark.WITHHELD)  # Almaty's 8 less C's 6 would tell B's 2

    def test_with_two_schools_the_country_less_one_region_would_tell_the_other_so_that_region_is_withheld(
            self, published, school_a, school_b, school_c):
        from contingent.models import Enrolment

        Enrolment.objects.filter(school=school_c).update(left_on=dt.date(2025, 9, 30))  # C's pupils have left
        publication_refresh(trigger="command", as_of=AS_OF)
        figures = {(f.grain, f.region_id, f.school_id, f.level): f for f in public.ContingentFigure.objects.all()}
        assert figures[(Grain.COUNTRY, None, None, "")].pupils == 9
        assert figures[(Grain.REGION, school_b.region_id, None, "")].pupils_mark == Mark.SMALL
        assert figures[(Grain.REGION, school_a.region_id, None, "")].pupils_mark == Mark.WITHHELD
        assert figures[(Grain.SCHOOL, school_a.region_id, school_a.pk, "")].pupils_mark == Mark.WITHHELD

    def test_money_of_a_month_is_the_accepted_lines_and_follows_the_small_numbers_rule(self, published):
        act_a, act_b, act_c = published["acts"]
        row_a = public.MonthlyFigure.objects.get(grain=Grain.CONTRACT, contract_id=act_a.contract_id, month=act_a.month)
        accepted = sum(line.amount for line in act_a.lines.filter(version=act_a.version, decision=LineDecision.ACCEPTED))
        assert (row_a.accepted, row_a.paid, row_a.recovered) == (accepted, accepted, Decimal("0.00"))
        row_b = public.MonthlyFigure.objects.get(grain=Grain.CONTRACT, contract_id=act_b.contract_id)
        assert (row_b.accepted, row_b.accepted_mark, row_b.paid_mark) == (None, Mark.SMALL, Mark.SMALL)
        country = public.MonthlyFigure.objects.get(grain=Grain.COUNTRY, month=act_a.month)
        assert country.accepted == accepted + act_b.accepted_amount + act_c.accepted_amount
        # Almaty's month less C's would tell B's: C's row is withheld, all three figures (a paid act's accepted is its paid).
        row_c = public.MonthlyFigure.objects.get(grain=Grain.CONTRACT, contract_id=act_c.contract_id)
        assert {row_c.accepted_mark, row_c.paid_mark, row_c.recovered_mark} == {Mark.WITHHELD}
        assert row_c.accepted is None and row_c.paid is None and row_c.recovered is None

    def test_payments_publish_the_amount_transferred_unless_fewer_than_five_pupils(self, published):
        payment_a, payment_b, payment_c = published["payments"]
        row_a, row_b = public.PublicPayment.objects.get(pk=payment_a.pk), public.PublicPayment.objects.get(pk=payment_b.pk)
        row_c = public.PublicPayment.objects.get(pk=payment_c.pk)
        assert (row_c.amount, row_c.amount_mark) == (None, Mark.WITHHELD)  # it would tell C's paid month, withheld
        assert (row_a.reference, row_a.amount, row_a.paid_on) == (payment_a.reference, payment_a.amount, dt.date(2025, 11, 18))
        assert (row_b.amount, row_b.amount_mark) == (None, Mark.SMALL)

    def test_findings_count_pupils_under_the_rule_and_schools_as_they_are(self, published, school_a):
        figures = {f.code: f for f in public.FindingFigure.objects.filter(grain=Grain.SCHOOL, school_id=school_a.pk)}
        assert (figures["P03"].count, figures["P03"].count_mark) == (None, Mark.SMALL)
        assert (figures["S04"].count, figures["S04"].count_mark) == (1, Mark.SHOWN)

    def test_draft_contracts_are_not_published(self, published, school_a):
        from tests.acts.factories import make_contract

        make_contract(school=school_a, status=ContractStatus.DRAFT)
        publication_refresh(trigger="command", as_of=AS_OF)
        assert public.PublicContract.objects.count() == 3

    def test_only_the_state_order_is_published_not_the_calls_of_other_programmes(self, published, school_a):
        """Dormitory, scholarship and grant calls have categories and per-term norms the public tables cannot say."""
        from tests.programmes.factories import make_beneficiary, make_programme_contract, programme_of

        contract = make_programme_contract(programme=programme_of("dormitory_place"), school=school_a,
                                           places={"regular": 10})
        make_beneficiary(school=school_a, kind="resident", enrolled_on=dt.date(2025, 9, 1))
        before = {f.level: f.pupils for f in public.ContingentFigure.objects.filter(school_id=school_a.pk)}
        publication_refresh(trigger="command", as_of=AS_OF)
        assert not public.PublicOrder.objects.filter(id=contract.order_id).exists()
        assert not public.PublicContract.objects.filter(id=contract.pk).exists()
        assert public.PublicContract.objects.count() == 3
        assert {f.level: f.pupils for f in public.ContingentFigure.objects.filter(school_id=school_a.pk)} == before

    def test_the_database_refuses_a_withheld_figure_that_keeps_its_value(self, published, school_a):
        from django.db import IntegrityError, transaction

        figure = public.ContingentFigure.objects.get(school_id=school_a.pk, level="basic")
        with pytest.raises(IntegrityError), transaction.atomic():
            public.ContingentFigure.objects.filter(pk=figure.pk).update(pupils=2)

    def test_bulk_files_are_written_for_every_table_and_format(self, published):
        from opendata.files import TABLE_NAMES, directory_of

        files = public.BulkFile.objects.filter(publication=published["publication"])
        assert files.count() == len(TABLE_NAMES) * 3
        contracts_csv = (directory_of(published["publication"].pk) / "contracts.csv").read_text(encoding="utf-8-sig")
        assert contracts_csv.startswith("number,") and published["contracts"][0].number in contracts_csv

    def test_a_failed_publication_is_recorded_and_the_previous_one_stays_served(self, published, monkeypatch):
        from opendata import selectors, services

        def broken(**kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(services, "build_all", broken)
        with pytest.raises(RuntimeError):
            publication_refresh(trigger="command", as_of=AS_OF)
        failed = public.Publication.objects.order_by("-id").first()
        assert (failed.status, failed.error) == (PublicationStatus.FAILED, "RuntimeError: disk full")
        assert selectors.latest_publication() == published["publication"]
        assert public.PublicContract.objects.count() == 3


@pytest.mark.django_db
class PublishCommandTests:
    def test_the_command_publishes_and_prints_the_rows_per_table(self, portal_data, capsys):
        call_command("publish_open_data", "--date", "2025-11-20")
        out = capsys.readouterr().out
        assert "contracts 3" in out and "payments 3" in out
        assert public.Publication.objects.get().as_of == dt.date(2025, 11, 20)

    def test_a_bad_date_changes_nothing(self, portal_data):
        with pytest.raises(CommandError):
            call_command("publish_open_data", "--date", "2025-02-30")
        assert not public.Publication.objects.exists()


@pytest.mark.django_db
class ReceiverTests:
    def test_a_payment_registry_queues_a_publication(self, published, tasks_sent, django_capture_on_commit_callbacks):
        from opendata import tasks
        from payments.models import PaymentRegistry

        with django_capture_on_commit_callbacks(execute=True):
            PaymentRegistry.objects.create(created_by=published["payments"][0].prepared_by, payment_count=0,
                                           total_amount=0)
        assert [args for name, args in tasks_sent if name == tasks.publish_open_data.name] == [("payments",)]
