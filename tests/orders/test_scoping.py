import pytest
from django.contrib.auth.models import AnonymousUser

from orders.models import Application, ApplicationLevel, Contract, ContractDocument, ContractLevel, ContractSignature, StateOrder
from orders.selectors import application_list, contract_list, order_list
from tests.orders.factories import make_active_contract, make_application, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(department_user, other_department_user, school_user, school_c_user, other_school_user):
    astana = make_order(actor=department_user)
    astana_draft = make_order(actor=department_user, publish=False)
    almaty = make_order(actor=other_department_user)
    contract_a = make_active_contract(order=astana, school_actor=school_user, department_actor=department_user)
    application_c = make_application(order=astana, actor=school_c_user)
    contract_b = make_active_contract(order=almaty, school_actor=other_school_user, department_actor=other_department_user)
    return {"astana": astana, "astana_draft": astana_draft, "almaty": almaty, "contract_a": contract_a,
            "application_c": application_c, "contract_b": contract_b}


class OrdersScopingTests:
    def test_a_department_sees_its_regions_orders_applications_and_contracts_only(self, rows, department_user):
        assert set(order_list(user=department_user)) == {rows["astana"], rows["astana_draft"]}
        assert set(application_list(user=department_user)) == {rows["contract_a"].application, rows["application_c"]}
        assert list(contract_list(user=department_user)) == [rows["contract_a"]]

    def test_a_school_sees_its_regions_published_orders_and_only_its_own_applications_and_contracts(self, rows, school_user):
        assert list(order_list(user=school_user)) == [rows["astana"]]  # not the draft, not Almaty
        assert list(application_list(user=school_user)) == [rows["contract_a"].application]
        assert list(contract_list(user=school_user)) == [rows["contract_a"]]

    @pytest.mark.parametrize("role_fixture", ["operator_user", "monitor_user"])
    def test_operators_and_monitors_see_everything(self, request, rows, role_fixture):
        user = request.getfixturevalue(role_fixture)
        assert order_list(user=user).count() == 3
        assert contract_list(user=user).count() == 2

    def test_anonymous_visitors_see_published_orders_and_the_queue_but_no_contract(self, rows):
        anonymous = AnonymousUser()
        assert set(StateOrder.objects.visible_to(anonymous)) == {rows["astana"], rows["almaty"]}
        assert Application.objects.visible_to(anonymous).count() == 3
        assert ApplicationLevel.objects.visible_to(anonymous).exists()
        for model in (Contract, ContractLevel, ContractDocument, ContractSignature):
            assert not model.objects.visible_to(anonymous).exists(), model

    def test_documents_and_signatures_follow_their_contract(self, rows, school_user, other_department_user):
        assert set(ContractDocument.objects.visible_to(school_user)) == {rows["contract_a"].document}
        assert {s.contract for s in ContractSignature.objects.visible_to(other_department_user)} == {rows["contract_b"]}
