import datetime as dt

import pytest
from django.db import IntegrityError, InternalError, transaction

from core.errors import DomainError, PermissionDeniedError
from core.selectors import audit_events_for
from schools.models import Licence, SchoolChange
from schools.services import school_profile_update
from tests.factories import make_school

IBAN_HALYK = "KZ456010000000000001"
IBAN_UNKNOWN_BANK = "KZ699990000000000001"  # valid check digits, bank code 999 unknown


@pytest.mark.django_db
class SchoolProfileServiceTests:
    def test_bank_name_and_bic_come_from_the_iban(self, school_user, school_a):
        school = school_profile_update(school=school_a, actor=school_user, iban=IBAN_HALYK, bank_name="typed", bic="TYPED")
        assert (school.bank_name, school.bic) == ('АО "Народный Банк Казахстана"', "HSBKKZKX")

    def test_an_unknown_bank_code_keeps_what_the_school_typed(self, school_user, school_a):
        school = school_profile_update(school=school_a, actor=school_user, iban=IBAN_UNKNOWN_BANK, bank_name="Bank X", bic="bankxkzk")
        assert (school.bank_name, school.bic) == ("Bank X", "BANKXKZK")

    def test_an_account_cannot_be_removed_only_replaced(self, school_user, school_a):
        school_profile_update(school=school_a, actor=school_user, iban=IBAN_HALYK)
        with pytest.raises(DomainError) as error:
            school_profile_update(school=school_a, actor=school_user, iban="")
        assert error.value.field == "iban"

    def test_only_the_school_itself_may_edit(self, school_a, other_school_user, department_user, operator_user, monitor_user):
        for user in (other_school_user, department_user, operator_user, monitor_user):
            with pytest.raises(PermissionDeniedError):
                school_profile_update(school=school_a, actor=user, email="x@y.kz")

    def test_a_bad_email_is_a_domain_error_on_its_field(self, school_user, school_a):
        with pytest.raises(DomainError) as error:
            school_profile_update(school=school_a, actor=school_user, email="not-an-email")
        assert error.value.field == "email"

    def test_a_save_without_changes_records_nothing(self, school_user, school_a):
        school_profile_update(school=school_a, actor=school_user, email="a@b.kz")
        school_profile_update(school=school_a, actor=school_user, email="a@b.kz")
        assert SchoolChange.objects.count() == 1
        assert [e.action for e in audit_events_for(subject=school_a)] == ["school_profile_updated"]

    def test_every_change_is_audited_with_before_and_after(self, school_user, school_a):
        school_profile_update(school=school_a, actor=school_user, iban=IBAN_HALYK, phone="+7 700")
        event = audit_events_for(subject=school_a).get()
        assert event.actor == school_user
        assert event.data["before"]["iban"] == "" and event.data["after"]["iban"] == IBAN_HALYK


@pytest.mark.django_db
class RegistryConstraintTests:
    def test_the_history_is_append_only(self, school_user, school_a):
        school_profile_update(school=school_a, actor=school_user, email="a@b.kz")
        change = SchoolChange.objects.get()
        with pytest.raises(InternalError), transaction.atomic():
            SchoolChange.objects.filter(pk=change.pk).update(after={"email": "forged"})
        with pytest.raises(InternalError), transaction.atomic():
            change.delete()

    def test_a_school_kato_must_lie_in_its_region(self, region_astana):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_school(region=region_astana, kato="751110000")
        assert make_school(region=region_astana, kato="711110000").kato == "711110000"

    @pytest.mark.parametrize("levels", [[], ["secondary"]])
    def test_a_licence_needs_known_levels(self, school_a, levels):
        with pytest.raises(IntegrityError), transaction.atomic():
            Licence.objects.create(bin=school_a.bin, number="X", issued_on=dt.date(2020, 1, 1), levels=levels, status="active")

    def test_one_licence_per_bin_and_number(self, school_a):
        Licence.objects.create(bin=school_a.bin, number="X", issued_on=dt.date(2020, 1, 1), levels=["primary"], status="active")
        with pytest.raises(IntegrityError), transaction.atomic():
            Licence.objects.create(bin=school_a.bin, number="X", issued_on=dt.date(2021, 1, 1), levels=["basic"], status="active")
