"""The catalogue: who creates, edits, activates and closes programmes, and what a programme may be."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from programmes.defaults import SPC_CODE, default_programme
from programmes.services import NormInput, TermInput, programme_activate, programme_close, programme_create, programme_update
from tests.programmes.factories import make_programme, programme_input


@pytest.mark.django_db
class ProgrammeServiceTests:
    def test_a_department_drafts_a_programme_of_its_region_with_the_instruments_defaults(self, department_user):
        programme = programme_create(data=programme_input("dormitory_place"), actor=department_user)
        assert (programme.region_id, programme.status, programme.unit, programme.period, programme.proration) == (
            "71", "draft", "place", "month", "days")
        assert (programme.provider_kind, programme.beneficiary_kind) == ("dormitory", "resident")
        assert programme.finding_codes == sorted(["S02", "S03", "D01", "D02", "D03"])
        assert AuditEvent.objects.filter(action="programme_created", object_id=str(programme.pk)).exists()

    def test_an_operator_makes_national_programmes_and_a_school_none(self, operator_user, school_user):
        assert programme_create(data=programme_input("grant"), actor=operator_user).region_id is None
        with pytest.raises(PermissionDeniedError):
            programme_create(data=programme_input("scholarship"), actor=school_user)

    def test_only_the_manager_activates_and_closes(self, department_user, other_department_user, operator_user):
        programme = make_programme("scholarship", actor=department_user, activate=False)
        with pytest.raises(PermissionDeniedError):
            programme_activate(programme=programme, actor=other_department_user)
        with pytest.raises(PermissionDeniedError):
            programme_activate(programme=programme, actor=operator_user)  # a regional programme is its department's
        programme = programme_activate(programme=programme, actor=department_user)
        assert programme.status == "active"
        assert programme_close(programme=programme, actor=department_user).status == "closed"

    def test_a_fixed_category_instrument_needs_exactly_its_categories(self, department_user):
        data = programme_input("scholarship")
        data.norms = data.norms[:2]
        with pytest.raises(DomainError) as refused:
            programme_create(data=data, actor=department_user)
        assert refused.value.code == "norm_categories"

    def test_a_grant_programme_needs_whole_month_terms_that_do_not_overlap(self, department_user):
        data = programme_input("grant")
        data.terms = []
        with pytest.raises(DomainError) as refused:
            programme_create(data=data, actor=department_user)
        assert refused.value.code == "no_terms"
        data.terms = [TermInput(name="A", start=dt.date(2025, 9, 1), end=dt.date(2025, 12, 30))]
        with pytest.raises(DomainError) as refused:
            programme_create(data=data, actor=department_user)
        assert (refused.value.field, refused.value.details) == ("terms", {"term": "A"})
        data.terms = [TermInput(name="A", start=dt.date(2025, 9, 1), end=dt.date(2025, 12, 31)),
                      TermInput(name="B", start=dt.date(2025, 12, 1), end=dt.date(2026, 5, 31))]
        with pytest.raises(DomainError) as refused:
            programme_create(data=data, actor=department_user)
        assert refused.value.code == "terms_overlap"

    def test_a_proration_the_instrument_does_not_allow_is_refused(self, department_user):
        with pytest.raises(DomainError) as refused:
            programme_create(data=programme_input("grant", proration="days"), actor=department_user)
        assert refused.value.code == "proration"
        assert programme_create(data=programme_input("scholarship", proration="days"),
                                actor=department_user).proration == "days"

    def test_only_a_draft_is_edited_and_its_changes_are_logged(self, department_user):
        programme = make_programme("dormitory_place", actor=department_user, activate=False)
        data = programme_input("dormitory_place")
        data.norms = [NormInput(key="place", amount=Decimal("50000.00"))]
        programme = programme_update(programme=programme, data=data, actor=department_user)
        assert programme.norms.get().amount == Decimal("50000.00")
        assert AuditEvent.objects.filter(action="programme_updated", object_id=str(programme.pk)).exists()
        programme = programme_activate(programme=programme, actor=department_user)
        with pytest.raises(ConflictError):
            programme_update(programme=programme, data=data, actor=department_user)

    def test_a_code_is_unique(self, department_user):
        make_programme("dormitory_place", actor=department_user, code="DORM")
        with pytest.raises(ConflictError):
            programme_create(data=programme_input("scholarship", code="DORM"), actor=department_user)

    def test_the_state_order_programme_exists_and_a_call_without_a_programme_joins_it(self, department_user):
        from tests.orders.factories import make_order

        order = make_order(actor=department_user)
        assert order.programme == default_programme() and order.programme.code == SPC_CODE
        assert order.programme.instrument == "school_per_capita" and order.programme.status == "active"

    def test_a_call_is_announced_only_under_an_active_programme_of_the_region_or_the_nation(
            self, department_user, other_department_user):
        from orders.services import order_create
        from tests.orders.factories import order_input

        draft = make_programme("dormitory_place", actor=department_user, activate=False)
        data = order_input(levels={"place": (10, "45000.00")})
        data.programme = draft
        with pytest.raises(DomainError) as refused:
            order_create(data=data, actor=department_user)
        assert refused.value.code == "programme_not_active"
        active = programme_activate(programme=draft, actor=department_user)
        data.programme = active
        with pytest.raises(PermissionDeniedError):
            order_create(data=data, actor=other_department_user)
        data.levels = {"primary": data.levels["place"]}
        with pytest.raises(DomainError, match="primary"):
            order_create(data=data, actor=department_user)  # not a category of the dormitory programme
