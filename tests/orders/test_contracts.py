import hashlib
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, InternalError, ProgrammingError, transaction

from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.selectors import audit_events_for
from orders.amounts import levels_total
from orders.choices import ContractStatus
from orders.documents import render_contract_document
from orders.models import Contract, ContractDocument, ContractSignature
from orders.services import (
    application_approve,
    contract_close,
    contract_resume,
    contract_sign,
    contract_suspend,
    contract_terminate,
)
from tests.orders.factories import make_active_contract, make_application, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(department_user):
    return make_order(actor=department_user, levels={"primary": (100, "61234.57"), "basic": (50, "70000.00")})


@pytest.fixture
def draft_contract(order, department_user, school_user):
    application = make_application(order=order, actor=school_user, places={"primary": 12, "basic": 3})
    return application_approve(application=application, actor=department_user).contract


class ContractCreateTests:
    def test_contract_carries_places_norms_period_and_the_exact_total(self, draft_contract, order, school_a):
        contract = draft_contract
        assert (contract.status, contract.school, contract.order) == ("draft", school_a, order)
        assert (contract.period_start, contract.period_end, contract.months) == (order.service_start, order.service_end, 9)
        assert {row.level: (row.places, row.monthly_norm) for row in contract.levels.all()} == {
            "primary": (12, Decimal("61234.57")), "basic": (3, Decimal("70000.00")),
        }
        # Σ places × norm × months: (12 × 61 234,57 + 3 × 70 000) × 9 = 944 814,84 × 9
        assert contract.total_amount == Decimal("8503333.56")

    def test_numbers_are_region_year_sequence_and_unique(self, order, department_user, school_user, school_c_user):
        first = application_approve(application=make_application(order=order, actor=school_user), actor=department_user).contract
        second = application_approve(application=make_application(order=order, actor=school_c_user), actor=department_user).contract
        assert (first.number, second.number) == ("71-2026-0001", "71-2026-0002")

    def test_the_document_is_stored_with_the_hash_of_its_exact_bytes_in_kazakh_and_russian(self, draft_contract):
        document = draft_contract.document
        content = bytes(document.content)
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        text = content.decode("utf-8")
        assert '<section lang="kk">' in text and '<section lang="ru">' in text
        assert draft_contract.number in text
        assert "Мемлекеттік білім беру тапсырысын орналастыру туралы" in text
        assert "о размещении государственного образовательного заказа" in text
        assert "8 503 333,56" in text.replace("\xa0", " ")

    def test_the_total_rounds_half_up_once_on_the_sum(self):
        assert levels_total([(1, Decimal("0.005")), (1, Decimal("0.005"))], 1) == Decimal("0.01")
        assert levels_total([(3, Decimal("0.125"))], 1) == Decimal("0.38")  # 0.375 → 0.38, half up


class ContractSignTests:
    def test_the_school_signs_then_the_department_and_the_contract_is_active(self, draft_contract, school_user, department_user):
        sha = draft_contract.document.sha256
        contract = contract_sign(contract=draft_contract, document_sha256=sha, actor=school_user)
        assert contract.status == ContractStatus.SIGNED_BY_SCHOOL
        contract = contract_sign(contract=contract, document_sha256=sha.upper(), actor=department_user)
        assert contract.status == ContractStatus.ACTIVE
        signatures = list(contract.signatures.order_by("signed_at"))
        assert [(s.party, s.signer, s.sha256) for s in signatures] == [("school", school_user, sha), ("department", department_user, sha)]
        assert [e.action for e in audit_events_for(subject=contract)] == [
            "contract_created", "contract_signed_by_school", "contract_signed_by_department"]

    def test_the_department_cannot_sign_first(self, draft_contract, department_user):
        with pytest.raises(ConflictError):
            contract_sign(contract=draft_contract, document_sha256=draft_contract.document.sha256, actor=department_user)
        assert not ContractSignature.objects.exists()

    def test_a_signature_for_another_document_is_refused(self, draft_contract, school_user):
        with pytest.raises(ConflictError) as error:
            contract_sign(contract=draft_contract, document_sha256="0" * 64, actor=school_user)
        assert error.value.code == "document_mismatch"
        draft_contract.refresh_from_db()
        assert draft_contract.status == "draft"

    def test_other_schools_and_roles_cannot_sign(self, draft_contract, school_c_user, operator_user, other_department_user):
        sha = draft_contract.document.sha256
        for actor in (school_c_user, operator_user, other_department_user):
            with pytest.raises(PermissionDeniedError):
                contract_sign(contract=draft_contract, document_sha256=sha, actor=actor)

    def test_re_rendering_later_does_not_change_what_was_signed(self, draft_contract, school_user, school_a):
        signed = bytes(draft_contract.document.content)
        contract_sign(contract=draft_contract, document_sha256=draft_contract.document.sha256, actor=school_user)
        school_a.name_kk = "Жаңа атау"
        school_a.name_ru = "Новое название"
        school_a.save()
        contract = Contract.objects.get(pk=draft_contract.pk)
        assert render_contract_document(contract) != signed  # a fresh rendering would differ …
        draft_contract.refresh_from_db()
        assert bytes(draft_contract.document.content) == signed  # … but the stored, signed bytes did not change
        assert draft_contract.signatures.get().sha256 == hashlib.sha256(signed).hexdigest()

    def test_the_database_refuses_to_change_a_document_or_a_signature(self, draft_contract, school_user):
        contract_sign(contract=draft_contract, document_sha256=draft_contract.document.sha256, actor=school_user)
        for statement in (
            lambda: ContractDocument.objects.filter(contract=draft_contract).update(content=b"forged"),
            lambda: ContractDocument.objects.filter(contract=draft_contract).delete(),
            lambda: ContractSignature.objects.filter(contract=draft_contract).update(sha256="a" * 64),
        ):
            with pytest.raises((InternalError, ProgrammingError, DataError, IntegrityError)), transaction.atomic():
                statement()

    def test_the_database_refuses_a_document_whose_hash_is_not_of_its_bytes(self, draft_contract):
        with pytest.raises(IntegrityError), transaction.atomic():
            ContractDocument.objects.create(contract=draft_contract, version=2, content=b"text", sha256="a" * 64)


class ContractLifecycleTests:
    @pytest.fixture
    def active(self, order, school_user, department_user):
        return make_active_contract(order=order, school_actor=school_user, department_actor=department_user)

    def test_suspend_needs_a_reason_then_resume_terminate_and_close(self, active, department_user):
        with pytest.raises(DomainError):
            contract_suspend(contract=active, actor=department_user, reason="")
        contract = contract_suspend(contract=active, actor=department_user, reason="Licence suspended by the ministry")
        assert (contract.status, contract.status_reason) == ("suspended", "Licence suspended by the ministry")
        contract = contract_resume(contract=contract, actor=department_user)
        assert contract.status == "active"
        with pytest.raises(DomainError):
            contract_terminate(contract=contract, actor=department_user, reason=" ")
        contract = contract_terminate(contract=contract, actor=department_user, reason="School closed")
        contract = contract_close(contract=contract, actor=department_user)
        assert contract.status == "closed"
        events = [(e.action, e.from_status, e.to_status, e.reason) for e in audit_events_for(subject=contract)][-4:]
        assert events == [
            ("contract_suspended", "active", "suspended", "Licence suspended by the ministry"),
            ("contract_resumed", "suspended", "active", ""),
            ("contract_terminated", "active", "terminated", "School closed"), ("contract_closed", "terminated", "closed", ""),
        ]

    def test_a_closed_contract_moves_no_more(self, active, department_user):
        contract = contract_close(contract=active, actor=department_user)
        for call in (lambda: contract_resume(contract=contract, actor=department_user),
                     lambda: contract_suspend(contract=contract, actor=department_user, reason="x"),
                     lambda: contract_terminate(contract=contract, actor=department_user, reason="x")):
            with pytest.raises(ConflictError):
                call()

    def test_a_school_cannot_suspend_its_contract(self, active, school_user):
        with pytest.raises(PermissionDeniedError):
            contract_suspend(contract=active, actor=school_user, reason="x")
